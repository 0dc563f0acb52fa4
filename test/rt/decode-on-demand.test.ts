// Decode on demand in the viewer's worker: a course whose CT came compressed by another
// system (dcmtk's JPEG-LS, GDCM's JPEG 2000) is a course — structures, dose, DVHs — before
// any of its slices is decoded; each slice then decodes to exactly the pixels the eager
// parse (the CLI's) gives; a damaged slice fails alone, naming its file.
// The tools are Debian packages (dcmtk, libgdcm-tools); without them this file skips.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkerRequest, WorkerResponse } from '../../src/renderer/viewer/protocol';
import { createRtWorkerHandler } from '../../src/renderer/viewer/rtWorkerHandler';
import { createCodecLoader } from '../../src/shared/rt/codecs/load';
import { registrationVolume } from '../../src/shared/rt/registration/review';
import { readStudy } from '../../src/shared/rt/study-reader';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { TOOLS, missingTools, readBytes, run } from './codec-fixtures';

const missing = missingTools();
const load = createCodecLoader();

function sha256(pixels: ArrayBufferView): string {
  return createHash('sha256')
    .update(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength))
    .digest('hex');
}

/** A synthetic course whose CT slices are compressed, alternately JPEG-LS and JPEG 2000. */
function compressedCourse(dir: string) {
  const course = synthesizeCourse({ matrix: 48, slices: 10, seed: 'decode-on-demand' });
  let k = 0;
  const files = course.files.map((f) => {
    if (!f.name.startsWith('CT')) return { name: f.name, bytes: f.bytes };
    const plain = join(dir, `plain-${f.name}`);
    const out = join(dir, `out-${f.name}`);
    writeFileSync(plain, f.bytes);
    if (k++ % 2 === 0) run(TOOLS.dcmcjpls, plain, out);
    else run(TOOLS.gdcmconv, '--j2k', plain, out);
    return { name: f.name, bytes: readBytes(out) };
  });
  return files;
}

function lastIndexOf(bytes: Uint8Array, pattern: readonly number[]): number {
  for (let i = bytes.length - pattern.length; i >= 0; i--)
    if (pattern.every((b, j) => bytes[i + j] === b)) return i;
  throw new Error('pattern not found');
}

function worker() {
  const posted: WorkerResponse[] = [];
  // postMessage copies: so does the test, since the handler transfers the pixels.
  const handle = createRtWorkerHandler((m) => posted.push(structuredClone(m)));
  return async (request: WorkerRequest): Promise<WorkerResponse> => {
    await handle(request);
    const last = posted.filter((m) => m.kind !== 'progress').at(-1);
    if (!last) throw new Error('the worker answered nothing');
    return last;
  };
}

function opened(files: readonly { name: string; bytes: Uint8Array }[]) {
  return files.map((f) => ({ name: f.name, buffer: f.bytes.slice().buffer }));
}

describe.skipIf(missing.length > 0)('decode on demand of a compressed CT series', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-lazy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = compressedCourse(dir);

  it('is a course (structures, dose, DVH) before a slice is decoded, then each slice decodes to the eager pixels', async () => {
    const send = worker();
    const loaded = await send({ kind: 'load', id: 1, courseId: 1, files: opened(files) });
    if (loaded.kind !== 'loaded') throw new Error(`load answered ${loaded.kind}`);
    const { course } = loaded;
    expect(course.errors).toEqual([]);
    const slices = course.imageSeries[0]?.slices ?? [];
    expect(slices).toHaveLength(10);
    // Headers and geometry only: no pixel decoded yet.
    expect(slices.every((s) => s.pixelsEncoded === true && s.pixels.length === 0)).toBe(true);
    expect(course.structureSets).toHaveLength(1);
    expect(course.doses).toHaveLength(1);
    const dvh = await send({
      kind: 'dvh',
      id: 2,
      courseId: 1,
      structureSetIndex: 0,
      doseIndex: 0,
      roiNumbers: course.structureSets[0]?.rois.map((r) => r.number) ?? [],
    });
    if (dvh.kind !== 'dvh') throw new Error(`dvh answered ${dvh.kind}`);
    expect(dvh.results.some((r) => r.dvh !== null)).toBe(true);
    // What needs every pixel refuses an undecoded series rather than read it as air.
    expect(() => registrationVolume(course.imageSeries[0]!)).toThrow(
      /is not decoded yet \(slice CT_\d+\.dcm\)/,
    );

    // The eager parse of the same files (what `ehr-rt inspect` reads), slice by slice.
    const eager = (await readStudy(files, load)).imageSeries[0]?.slices ?? [];
    expect(eager.map((s) => s.file)).toEqual(slices.map((s) => s.file));
    expect(eager.every((s) => !s.pixelsEncoded && s.pixels.length === 48 * 48)).toBe(true);
    for (const [k, slice] of slices.entries()) {
      const answer = await send({
        kind: 'decode-slice',
        id: 10 + k,
        courseId: 1,
        file: slice.file,
      });
      if (answer.kind !== 'slice-pixels') throw new Error(`decode answered ${answer.kind}`);
      expect(answer.pixels.constructor, slice.file).toBe(eager[k]?.pixels.constructor);
      expect(sha256(answer.pixels), slice.file).toBe(sha256(eager[k]?.pixels as Int16Array));
    }

    // Released: its slices are no longer decoded.
    await send({ kind: 'release', id: 30, courseId: 1 });
    const late = await send({ kind: 'decode-slice', id: 31, courseId: 1, file: slices[0]!.file });
    expect(late).toMatchObject({ kind: 'failed', message: 'that course is no longer open' });
  });

  it('a damaged slice fails its own decode, naming its file and syntax, and the others decode', async () => {
    const target = files.filter((f) => f.name.startsWith('CT'))[4] as (typeof files)[number];
    const bytes = target.bytes.slice();
    // Zeros over the last two thirds of its codestream (the last item, not its end marker).
    const item = lastIndexOf(bytes, [0xfe, 0xff, 0x00, 0xe0]);
    const length = new DataView(bytes.buffer).getUint32(item + 4, true);
    bytes.fill(0, item + 8 + Math.floor(length / 3), item + 8 + length - 4);
    const withDamage = files.map((f) => (f === target ? { name: f.name, bytes } : f));
    const send = worker();
    const loaded = await send({ kind: 'load', id: 1, courseId: 1, files: opened(withDamage) });
    if (loaded.kind !== 'loaded') throw new Error(`load answered ${loaded.kind}`);
    // Its headers read: the course has every slice, the damage is found when it is shown.
    expect(loaded.course.errors).toEqual([]);
    const slices = loaded.course.imageSeries[0]?.slices ?? [];
    expect(slices).toHaveLength(10);
    const answers = [];
    for (const [k, slice] of slices.entries())
      answers.push(await send({ kind: 'decode-slice', id: 10 + k, courseId: 1, file: slice.file }));
    const failed = answers.filter((a) => a.kind === 'failed');
    expect(failed).toEqual([
      {
        kind: 'failed',
        id: expect.any(Number),
        code: 'BAD_VALUE',
        message: expect.stringMatching(
          new RegExp(`^${target.name}: .*JPEG(-LS| 2000).*: the frame cannot be decoded`),
        ),
      },
    ]);
    expect(answers.filter((a) => a.kind === 'slice-pixels')).toHaveLength(9);
  });
});
