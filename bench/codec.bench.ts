// Decode speed per codec (slices/s, larger is better): 512×512 noisy CT slices compressed
// by dcmtk (JPEG Lossless SV1, JPEG-LS, RLE) or GDCM (JPEG 2000), read by our parser with
// its codec (parse, decode, checks; codecs loaded before timing) against the other
// system's own decompressor on the same files (dcmdjpeg, dcmdjpls, dcmdrle; gdcmconv --raw
// for JPEG 2000), one process per file as it is run. Its start-up and file writing are
// taken out: the time of the same tool family copying the uncompressed slice (dcmconv,
// gdcmconv) is subtracted, so the reference is close to its decode time alone.
// Decode on demand (lower is better): for a 200-slice 512×512 JPEG-LS CT, the time from
// the files in memory to the course usable in the viewer's worker (loaded from headers,
// the slice the viewport opens on decoded) against the eager parse that decodes every
// slice first (what the worker did before, and what the CLI still does), same files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCodecLoader } from '../src/shared/rt/codecs/load';
import { createRtWorkerHandler } from '../src/renderer/viewer/rtWorkerHandler';
import { loadStudy } from '../src/shared/rt/study';
import { prepareStudyFiles } from '../src/shared/rt/study-reader';
import { TOOLS, missingTools, run as runTool, writeCtSlice } from '../test/rt/codec-fixtures';
import type { BenchFigure } from './format';

const SLICES = 12;
const COURSE_SLICES = 200;

const CODECS = [
  {
    name: 'jpeg_lossless_sv1',
    encode: (i: string, o: string) => runTool(TOOLS.dcmcjpeg, '+e1', i, o),
    reference: 'dcmdjpeg',
    copy: (i: string, o: string) => [TOOLS.dcmconv, '+te', i, o],
    decode: (i: string, o: string) => [TOOLS.dcmdjpeg, i, o],
  },
  {
    name: 'jpeg_ls',
    encode: (i: string, o: string) => runTool(TOOLS.dcmcjpls, i, o),
    reference: 'dcmdjpls',
    copy: (i: string, o: string) => [TOOLS.dcmconv, '+te', i, o],
    decode: (i: string, o: string) => [TOOLS.dcmdjpls, i, o],
  },
  {
    name: 'jpeg_2000_lossless',
    encode: (i: string, o: string) => runTool(TOOLS.gdcmconv, '--j2k', i, o),
    reference: 'gdcmconv_raw',
    copy: (i: string, o: string) => [TOOLS.gdcmconv, '--raw', i, o],
    decode: (i: string, o: string) => [TOOLS.gdcmconv, '--raw', i, o],
  },
  {
    name: 'rle',
    encode: (i: string, o: string) => runTool(TOOLS.dcmcrle, i, o),
    reference: 'dcmdrle',
    copy: (i: string, o: string) => [TOOLS.dcmconv, '+te', i, o],
    decode: (i: string, o: string) => [TOOLS.dcmdrle, i, o],
  },
] as const;

export async function run(): Promise<BenchFigure[]> {
  const missing = missingTools();
  if (missing.length > 0) {
    console.error(`codec bench: ${missing.join(', ')} not installed; skipped`);
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'codec-bench-'));
  const figures: BenchFigure[] = [];
  try {
    const originals = Array.from({ length: SLICES }, (_, k) =>
      writeCtSlice(dir, `orig-${k}`, { matrix: 512, seed: k + 1, z: k * 2.5, series: 'bench' }),
    );
    const load = createCodecLoader();
    for (const codec of CODECS) {
      const paths = originals.map((o, k) => {
        const out = join(dir, `${codec.name}-${k}.dcm`);
        codec.encode(o.file, out);
        return out;
      });
      const files = paths.map((p) => ({ name: p, bytes: new Uint8Array(readFileSync(p)) }));
      const prepared = await prepareStudyFiles(files, load);
      const once = () => {
        const study = loadStudy(prepared.files, prepared.codecs);
        if (study.errors.length > 0) throw new Error(study.errors[0]?.message);
      };
      once(); // warm up
      let rounds = 0;
      const start = performance.now();
      while (performance.now() - start < 1500 || rounds < 2) {
        once();
        rounds++;
      }
      const ours = (rounds * SLICES * 1000) / (performance.now() - start);
      const perFile = (command: (i: string, o: string) => readonly string[], inputs: string[]) => {
        const begin = performance.now();
        inputs.forEach((input, k) => {
          const [tool, ...args] = command(input, join(dir, `ref-${k}.dcm`));
          const result = spawnSync(tool as string, args);
          if (result.status !== 0) throw new Error(`${tool} failed: ${String(result.stderr)}`);
        });
        return (performance.now() - begin) / inputs.length;
      };
      const decodeMs = perFile(codec.decode, paths);
      const floorMs = perFile(
        codec.copy,
        originals.map((o) => o.file),
      );
      // If the floor is noise-larger than the decode, fall back to the whole time.
      const referenceMs = decodeMs - floorMs > 0.1 * decodeMs ? decodeMs - floorMs : decodeMs;
      const reference = 1000 / referenceMs;
      figures.push({
        name: `rt_decode_${codec.name}_512x512_slices_per_s`,
        value: ours,
        unit: 'slices/s',
        reference: { name: `${codec.reference}_minus_process_floor`, value: reference },
      });
    }
    figures.push(await decodeOnDemand(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

/** Milliseconds to the course usable with decode on demand, against the eager parse. */
async function decodeOnDemand(dir: string): Promise<BenchFigure> {
  const files = Array.from({ length: COURSE_SLICES }, (_, k) => {
    const original = writeCtSlice(dir, `course-${k}`, {
      matrix: 512,
      seed: k + 1,
      z: k * 2.5,
      series: 'course',
    });
    const out = join(dir, `course-jls-${k}.dcm`);
    runTool(TOOLS.dcmcjpls, original.file, out);
    return { name: `CT_${k}.dcm`, bytes: new Uint8Array(readFileSync(out)) };
  });
  const load = createCodecLoader();
  const onDemand = async () => {
    let middle: string | undefined;
    let failure: string | undefined;
    const handle = createRtWorkerHandler((message) => {
      if (message.kind === 'failed') failure = message.message;
      if (message.kind === 'loaded') {
        const slices = message.course.imageSeries[0]?.slices ?? [];
        middle = slices[Math.floor(slices.length / 2)]?.file;
      }
    }, load);
    const buffers = files.map((f) => ({ name: f.name, buffer: f.bytes.slice().buffer }));
    const start = performance.now();
    await handle({ kind: 'load', id: 1, courseId: 1, files: buffers });
    // Usable: the slice the viewport opens on is decoded too (the viewer reuses the first
    // picture for it; decoding it again here keeps the figure on the safe side).
    await handle({ kind: 'decode-slice', id: 2, courseId: 1, file: middle ?? '' });
    const ms = performance.now() - start;
    if (failure) throw new Error(failure);
    return ms;
  };
  const eager = async () => {
    const copies = files.map((f) => ({ name: f.name, bytes: f.bytes.slice() }));
    const start = performance.now();
    const prepared = await prepareStudyFiles(copies, load);
    const study = loadStudy(prepared.files, prepared.codecs);
    if (study.imageSeries[0]?.slices.length !== COURSE_SLICES)
      throw new Error(study.errors[0]?.message ?? 'slices missing');
    return performance.now() - start;
  };
  await onDemand(); // warm up (codecs instantiated, code compiled)
  await eager();
  const best = async (fn: () => Promise<number>) => {
    let ms = Infinity;
    for (let i = 0; i < 3; i++) ms = Math.min(ms, await fn());
    return ms;
  };
  const lazyMs = await best(onDemand);
  const eagerMs = await best(eager);
  return {
    name: `rt_course_usable_jpeg_ls_${COURSE_SLICES}x512x512_decode_on_demand_ms_lower_is_better`,
    value: lazyMs,
    unit: 'ms',
    reference: { name: 'eager_decode_of_every_slice', value: eagerMs },
  };
}
