// Compressed and re-encoded CT from other systems' tools (dcmtk, GDCM) reads back as the
// very pixels that were written: exactly for every lossless syntax, within a stated
// tolerance for lossy JPEG 2000. Syntaxes we do not read fail naming the syntax.
// The tools are Debian packages (dcmtk, libgdcm-tools); without them this file skips.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkerResponse } from '../../src/renderer/viewer/protocol';
import { createRtWorkerHandler } from '../../src/renderer/viewer/rtWorkerHandler';
import { createCodecLoader } from '../../src/shared/rt/codecs/load';
import { readStudy } from '../../src/shared/rt/study-reader';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { TOOLS, VARIANTS, missingTools, readBytes, run, writeCtSlice } from './codec-fixtures';

const missing = missingTools();
if (missing.length > 0)
  console.warn(
    `transfer-syntax tests skipped: ${missing.join(', ')} not installed (dcmtk, libgdcm-tools)`,
  );

const load = createCodecLoader();

/** Runs a few lines of Python with pydicom (Debian python3-pydicom) to write an odd file. */
function pydicom(code: string): void {
  run('/usr/bin/python3', '-c', `import pydicom\n${code}`);
}

async function readSlice(file: string) {
  const study = await readStudy([{ name: file, bytes: readBytes(file) }], load);
  return { study, slice: study.imageSeries[0]?.slices[0] };
}

describe.skipIf(missing.length > 0)('transfer syntaxes written by dcmtk and GDCM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-codec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const signed of [false, true])
    for (const variant of VARIANTS)
      it(`${variant.name}, ${signed ? 'signed' : 'unsigned'} 16-bit: ${variant.lossy ? 'close to' : 'the same as'} the original pixels`, async () => {
        const tag = `${variant.uid}-${signed ? 's' : 'u'}`;
        const original = writeCtSlice(dir, `orig-${tag}`, { signed });
        const out = join(dir, `out-${tag}.dcm`);
        variant.make(original.file, out);
        const { study, slice } = await readSlice(out);
        expect(study.errors).toEqual([]);
        // Lossy pixels are said to be so, wherever the file's warnings show.
        expect(slice?.warnings).toEqual(
          variant.lossy ? [expect.stringMatching(/lossy-compressed \(JPEG 2000 \(1\.2\.840/)] : [],
        );
        expect(slice?.pixels).toBeInstanceOf(signed ? Int16Array : Uint16Array);
        const pixels = slice?.pixels as Int16Array | Uint16Array;
        expect(pixels.length).toBe(original.stored.length);
        if (!variant.lossy) {
          expect(pixels).toEqual(original.stored);
          return;
        }
        // Lossy JPEG 2000 at GDCM's quality 80 (about 2.7:1 here): every pixel within 40
        // of the original (1 % of the 12-bit range, 40 HU) and an RMS error under 10 — but
        // not equal, or the lossy path was never taken. And exactly what GDCM's own
        // decoder gives for the same codestream.
        let sumSquares = 0;
        let worst = 0;
        for (let i = 0; i < pixels.length; i++) {
          const error = (pixels[i] as number) - (original.stored[i] as number);
          sumSquares += error * error;
          worst = Math.max(worst, Math.abs(error));
        }
        expect(worst).toBeGreaterThan(0);
        expect(worst).toBeLessThanOrEqual(40);
        expect(Math.sqrt(sumSquares / pixels.length)).toBeLessThanOrEqual(10);
        const gdcmDecoded = join(dir, `gdcm-raw-${tag}.dcm`);
        run(TOOLS.gdcmconv, '--raw', out, gdcmDecoded);
        expect(pixels).toEqual((await readSlice(gdcmDecoded)).slice?.pixels);
      });

  it('a syntax we do not read is refused by name and UID', async () => {
    const original = writeCtSlice(dir, 'orig-extended');
    const out = join(dir, 'extended.dcm');
    run(TOOLS.dcmcjpeg, '+ee', original.file, out);
    const { study } = await readSlice(out);
    expect(study.imageSeries).toEqual([]);
    expect(study.errors).toHaveLength(1);
    expect(study.errors[0]?.code).toBe('UNSUPPORTED');
    expect(study.errors[0]?.message).toMatch(
      /unsupported transfer syntax JPEG Extended \(Process 2 & 4\) \(1\.2\.840\.10008\.1\.2\.4\.51\)/,
    );
  });

  it('JPEG Baseline and HTJ2K are refused by name, never read as garbage pixels', async () => {
    const original = writeCtSlice(dir, 'orig-baseline');
    const baseline = join(dir, 'baseline.dcm');
    run(TOOLS.dcmcjpeg, '+eb', '+be', original.file, baseline);
    // HTJ2K: no encoder on this machine, so a JPEG 2000 file relabelled (pydicom); it is
    // refused by its syntax before any codestream is looked at.
    const j2k = join(dir, 'htj2k-source.dcm');
    run(TOOLS.gdcmconv, '--j2k', original.file, j2k);
    const htj2k = join(dir, 'htj2k.dcm');
    pydicom(
      // pydicom 2.3 does not know the HTJ2K UID yet: register it so the file can be saved.
      `pydicom.uid.UID_dictionary['1.2.840.10008.1.2.4.201'] = ('HTJ2K Lossless', 'Transfer Syntax', '', '', 'HTJ2KLossless')\n` +
        `d = pydicom.dcmread(${JSON.stringify(j2k)})\n` +
        `d.file_meta.TransferSyntaxUID = '1.2.840.10008.1.2.4.201'\n` +
        `d.save_as(${JSON.stringify(htj2k)}, write_like_original=True)`,
    );
    for (const [file, named] of [
      [
        baseline,
        /unsupported transfer syntax JPEG Baseline \(Process 1\) \(1\.2\.840\.10008\.1\.2\.4\.50\)/,
      ],
      [
        htj2k,
        /unsupported transfer syntax High-Throughput JPEG 2000 \(Lossless Only\) \(1\.2\.840\.10008\.1\.2\.4\.201\)/,
      ],
    ] as const) {
      const { study } = await readSlice(file);
      expect(study.imageSeries).toEqual([]);
      expect(study.errors).toEqual([
        expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(named) }),
      ]);
    }
  });

  it('colour images are refused by what they are, uncompressed or in a codec we read', async () => {
    const original = writeCtSlice(dir, 'orig-colour');
    const rgb = join(dir, 'rgb.dcm');
    // The same CT slice as 8-bit RGB (another system's screenshot-like export).
    pydicom(
      `import array\nd = pydicom.dcmread(${JSON.stringify(original.file)})\n` +
        `a = array.array('H', d.PixelData)\n` +
        `d.SamplesPerPixel = 3; d.PhotometricInterpretation = 'RGB'; d.PlanarConfiguration = 0\n` +
        `d.BitsAllocated = 8; d.BitsStored = 8; d.HighBit = 7; d.PixelRepresentation = 0\n` +
        `d.PixelData = bytes(min(v >> 4, 255) for v in a for _ in range(3))\n` +
        `d.save_as(${JSON.stringify(rgb)}, write_like_original=False)`,
    );
    const rle = join(dir, 'rgb-rle.dcm');
    run(TOOLS.dcmcrle, rgb, rle);
    const palette = join(dir, 'palette.dcm');
    run(TOOLS.dcmconv, original.file, palette);
    run(TOOLS.dcmodify, '-nb', '-m', '(0028,0004)=PALETTE COLOR', palette);
    for (const [file, named] of [
      [rgb, /\(0028,0002\) SamplesPerPixel: a colour image \(3 samples per pixel, RGB\)/],
      [rle, /\(0028,0002\) SamplesPerPixel: a colour image \(3 samples per pixel, RGB\)/],
      [palette, /\(0028,0004\) PhotometricInterpretation: PALETTE COLOR images are not read/],
    ] as const) {
      const { study } = await readSlice(file);
      expect(study.imageSeries).toEqual([]);
      expect(study.errors).toEqual([
        expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(named) }),
      ]);
    }
  });

  it('a codestream that disagrees with Rows is an error naming the syntax, not a cut image', async () => {
    const original = writeCtSlice(dir, 'orig-rows');
    const out = join(dir, 'rows.dcm');
    run(TOOLS.dcmcjpls, original.file, out);
    run(TOOLS.dcmodify, '-nb', '-m', '(0028,0010)=48', out);
    const { study } = await readSlice(out);
    expect(study.errors[0]?.code).toBe('BAD_VALUE');
    expect(study.errors[0]?.message).toMatch(
      /JPEG-LS Lossless \(1\.2\.840\.10008\.1\.2\.4\.80\): the frame is 96 × 96 pixels, Columns × Rows say 96 × 48/,
    );
  });

  it('a damaged codestream fails its file with the syntax named, and the others still load', async () => {
    const good = writeCtSlice(dir, 'orig-good', { z: 0, series: 'damaged' });
    const bad = writeCtSlice(dir, 'orig-bad', { z: 2.5, series: 'damaged' });
    const goodOut = join(dir, 'good-jls.dcm');
    const badOut = join(dir, 'bad-jls.dcm');
    run(TOOLS.dcmcjpls, good.file, goodOut);
    run(TOOLS.dcmcjpls, bad.file, badOut);
    const bytes = readBytes(badOut);
    // Overwrite the last third of the codestream (not its end marker) with zeros.
    bytes.fill(0, bytes.length - Math.floor(bytes.length / 3), bytes.length - 16);
    const study = await readStudy(
      [
        { name: 'good.dcm', bytes: readBytes(goodOut) },
        { name: 'bad.dcm', bytes },
      ],
      load,
    );
    expect(study.errors.map((e) => e.file)).toEqual(['bad.dcm']);
    expect(study.errors[0]?.message).toMatch(
      /JPEG-LS Lossless \(1\.2\.840\.10008\.1\.2\.4\.80\): the frame cannot be decoded/,
    );
    expect(study.imageSeries.flatMap((s) => s.slices.map((x) => x.file))).toEqual(['good.dcm']);
  });

  it('the viewer worker’s handler hands the UI every slice of a compressed series, decoded on demand', async () => {
    const makers = VARIANTS.filter((v) => !v.lossy);
    const originals = makers.map((variant, k) =>
      writeCtSlice(dir, `worker-${k}`, { z: k * 2.5, seed: k + 1, series: 'worker' }),
    );
    // One series, each slice in another syntax.
    const files = makers.map((variant, k) => {
      const out = join(dir, `worker-out-${k}.dcm`);
      variant.make((originals[k] as { file: string }).file, out);
      return { name: `CT_${k}.dcm`, buffer: readBytes(out).slice().buffer };
    });
    const posted: WorkerResponse[] = [];
    // postMessage copies; the handler empties its own series right after posting.
    const handle = createRtWorkerHandler((m) => posted.push(structuredClone(m)));
    await handle({ kind: 'load', id: 1, courseId: 1, files });
    const loaded = posted.at(-1);
    if (loaded?.kind !== 'loaded') throw new Error(`answered ${loaded?.kind}`);
    expect(loaded.course.errors).toEqual([]);
    const slices = loaded.course.imageSeries[0]?.slices ?? [];
    expect(slices.map((s) => s.file)).toEqual(files.map((f) => f.name));
    // Native slices come decoded; compressed ones are decoded when the UI asks (on demand).
    for (const [k, slice] of slices.entries()) {
      let pixels = slice.pixels;
      if (slice.pixelsEncoded) {
        await handle({ kind: 'decode-slice', id: 2 + k, courseId: 1, file: slice.file });
        const answer = posted.at(-1);
        if (answer?.kind !== 'slice-pixels') throw new Error(`answered ${answer?.kind}`);
        pixels = answer.pixels;
      }
      expect(pixels, makers[k]?.name).toEqual(originals[k]?.stored);
    }
    expect(slices.filter((s) => s.pixelsEncoded).length).toBe(
      makers.filter((v) => /JPEG|RLE/.test(v.name)).length,
    );
  });

  it('a multi-frame RT Dose compressed frame by frame gives every frame’s dose unchanged', async () => {
    const course = synthesizeCourse({ matrix: 32, slices: 12, seed: 'codec-dose' });
    const rd = course.files.find((f) => f.name === 'RD.dcm');
    if (!rd) throw new Error('no dose');
    const plainFile = join(dir, 'rd-plain.dcm');
    writeFileSync(plainFile, rd.bytes);
    const plain = (await readStudy([{ name: 'RD.dcm', bytes: rd.bytes }], load)).doses[0];
    expect(plain?.frames).toBeGreaterThan(3);
    for (const variant of VARIANTS.filter((v) => !v.lossy)) {
      const out = join(dir, `rd-${variant.uid}.dcm`);
      variant.make(plainFile, out);
      const study = await readStudy([{ name: 'RD.dcm', bytes: readBytes(out) }], load);
      expect(study.errors, variant.name).toEqual([]);
      expect(study.doses[0]?.frames, variant.name).toBe(plain?.frames);
      expect(study.doses[0]?.dose, variant.name).toEqual(plain?.dose);
    }
  });
});
