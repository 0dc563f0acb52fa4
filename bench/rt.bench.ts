// Radiotherapy core and viewer:
// - CT parse throughput (200 slices of 512×512): our loadStudy (dicom-parser, validation,
//   pixel decode, series assembly) against dicom-parser's parseDicom plus a copy of the pixel
//   bytes into an Int16Array over the same bytes (the least any viewer does).
// - Time to the first rendered slice in Chromium (the real viewer through the browser
//   shell: file input → worker → first picture → cornerstone), from the file input and from
//   the files being in memory, against Node parsing the same files with loadStudy; and the
//   first picture's own read (first-slice.ts) against that parse. Lower is better for all.
// - DVH time for every ROI of a 256×256×150 dose grid against dicompyler-core run in the
//   same benchmark (python3), plus the largest mean and D95 difference between the two.
// - Summation of two courses' grids (256×256×150 at 1×1×2 mm and an offset 200×200×100 at
//   1.5×1.5×2.5 mm) against dicompyler-core's DoseGrid.add on the same files (trilinear,
//   scipy map_coordinates). Ours also extends the lattice to the union of both boxes, so it
//   fills more voxels than dicompyler-core, which keeps only the first grid's box.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCodecLoader } from '../src/shared/rt/codecs/load';
import { writePart10 } from '../src/shared/rt/dicom-writer';
import { computeStructureSetDvhs, summarizeDvh } from '../src/shared/rt/dvh';
import { sumDoseGrids } from '../src/shared/rt/sum';
import { readFirstSlice } from '../src/shared/rt/first-slice';
import type { Vec3 } from '../src/shared/rt/geometry';
import { dicomParser } from '../src/shared/rt/parse/dicom-parser';
import { parseDose } from '../src/shared/rt/parse/rtdose';
import { parseStructureSet } from '../src/shared/rt/parse/rtstruct';
import { loadStudy, type StudyFile } from '../src/shared/rt/study';
import { prepareStudyFiles } from '../src/shared/rt/study-reader';
import {
  ctSliceDataset,
  doseDataset,
  structureSetDataset,
  type PatientStudy,
  type RoiSpec,
} from '../src/shared/rt/synth/objects';
import { ellipsoid, ellipticCylinder, sphere } from '../src/shared/rt/synth/shapes';
import { uidFactory } from '../src/shared/rt/synth/uid';
import type { BenchFigure } from './format';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
// Where scripts/setup.sh installs dicompyler-core (PyPI only) for the system Python.
const DICOMPYLER_VERSION = '0.5.6';
const DICOMPYLER_PATH = join(
  process.env.ACTION_EHR_CACHE ?? join(homedir(), '.cache', 'action-ehr'),
  'python',
  `dicompyler-core-${DICOMPYLER_VERSION}`,
);
const pythonEnv = {
  ...process.env,
  PYTHONPATH: [DICOMPYLER_PATH, process.env.PYTHONPATH].filter(Boolean).join(':'),
};
const MB = 1e6;

const patient: PatientStudy = {
  patientName: 'BENCH^PHANTOM',
  patientId: 'B-1',
  patientBirthDate: '19600101',
  patientSex: 'O',
  studyInstanceUid: '2.25.77',
  studyId: 'B1',
  studyDate: '20240101',
  studyTime: '120000',
  studyDescription: 'benchmark phantom',
};

const body = ellipticCylinder([0, 0, 0], 110, 80, -150, 150);
const rois: RoiSpec[] = [
  { number: 1, name: 'BODY', color: [255, 200, 150], interpretedType: 'EXTERNAL', solid: body },
  {
    number: 2,
    name: 'PTV',
    color: [255, 0, 0],
    interpretedType: 'PTV',
    solid: sphere([20, -10, 0], 30),
  },
  {
    number: 3,
    name: 'SPINAL_CORD',
    color: [255, 255, 0],
    interpretedType: 'ORGAN',
    solid: ellipticCylinder([0, 55, 0], 7, 7, -150, 150),
  },
  {
    number: 4,
    name: 'LUNG_R',
    color: [0, 160, 255],
    interpretedType: 'ORGAN',
    solid: ellipsoid([-55, -5, 0], 28, 35, 90),
  },
];

/** 200 CT slices of 512×512 (one phantom cross-section, so building them stays cheap). */
function ctSeries(uid: (key: string) => string): StudyFile[] {
  const matrix = 512;
  const spacing = 0.5;
  const origin = -((matrix - 1) / 2) * spacing;
  const hounsfield = new Int16Array(matrix * matrix);
  const lung = rois[3]?.solid;
  for (let r = 0; r < matrix; r++)
    for (let c = 0; c < matrix; c++) {
      const p: Vec3 = [origin + c * spacing, origin + r * spacing, 0];
      hounsfield[r * matrix + c] = body.contains(p) ? (lung?.contains(p) ? -800 : 20) : -1000;
    }
  const series = { seriesInstanceUid: uid('ct-series'), seriesNumber: 1, description: 'CT' };
  return Array.from({ length: 200 }, (_, k) => ({
    name: `CT_${String(k + 1).padStart(4, '0')}.dcm`,
    bytes: writePart10(
      ctSliceDataset(patient, series, {
        sopInstanceUid: uid(`ct-${k}`),
        instanceNumber: k + 1,
        frameOfReferenceUid: uid('for'),
        position: [origin, origin, -199 + 2 * k],
        rows: matrix,
        columns: matrix,
        pixelSpacing: spacing,
        sliceThickness: 2,
        hounsfield,
      }),
    ),
  }));
}

async function best(runs: number, fn: () => unknown): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest / 1000;
}

/** Seconds to the first rendered slice from the file input, and from the files in memory. */
async function timeToFirstSlice(
  dir: string,
  sliceCount: number,
): Promise<{ fromInput: number; fromMemory: number } | null> {
  // The browser shell serves dist/renderer: without a build there is nothing to measure.
  const { RENDERER_DIR, openBrowserShell } = await import('../test/harness/browser-shell');
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    console.error('rt bench: dist/renderer is missing (run the build); first-slice time skipped');
    return null;
  }
  const { composeApp } = await import('../src/main/app/compose');
  const { childScriptsFromSource } = await import('../test/support/child-scripts');
  const { FixedSessionForTests } = await import('../test/support/fixed-session');
  const home = mkdtempSync(join(tmpdir(), 'ehr-bench-rt-home-'));
  const app = composeApp({
    userDataDir: home,
    appInfo: {
      name: 'ACTION-EHR Workstation',
      version: 'bench',
      kiosk: false,
      shell: 'browser-harness',
    },
    childScripts: childScriptsFromSource,
    session: new FixedSessionForTests('oncologist'),
  });
  const shell = await openBrowserShell({ dispatch: app.dispatch });
  try {
    const { page } = shell;
    await page.getByRole('button', { name: 'Review', exact: true }).click();
    const input = page.getByLabel('Open course files…');
    await input.waitFor({ state: 'attached' });
    const paths = Array.from({ length: sliceCount }, (_, k) =>
      join(dir, `CT_${String(k + 1).padStart(4, '0')}.dcm`),
    );
    const start = performance.now();
    await input.setInputFiles(paths);
    // Measured in the page, from the mark rtClient sets once every file's bytes are read.
    const inPage = await page.waitForFunction(
      (middle) => {
        const shown = document.querySelector('[data-rendered-slice]');
        if (shown?.getAttribute('data-rendered-slice') !== String(middle)) return false;
        const mark = performance.getEntriesByName('rt-files-in-memory')[0];
        return mark ? performance.now() - mark.startTime : -1;
      },
      Math.floor(sliceCount / 2),
      { polling: 'raf', timeout: 60_000 },
    );
    const fromInput = (performance.now() - start) / 1000;
    return { fromInput, fromMemory: ((await inPage.jsonValue()) as number) / 1000 };
  } finally {
    await shell.close();
    app.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const DICOMPYLER = `
import json, sys, time
import pydicom
from dicompylercore import dvhcalc
rtss = pydicom.dcmread(sys.argv[1])
rtdose = pydicom.dcmread(sys.argv[2])
numbers = [int(n) for n in sys.argv[3].split(',')]
out = []
start = time.perf_counter()
for n in numbers:
    d = dvhcalc.get_dvh(rtss, rtdose, n)
    out.append({'number': n, 'mean': float(d.mean), 'd95': float(d.statistic('D95').value), 'volume': float(d.volume)})
elapsed = time.perf_counter() - start
print(json.dumps({'seconds': elapsed, 'rois': out}))
`;

const DICOMPYLER_SUM = `
import json, sys, time
import pydicom
from dicompylercore import dose
fastest = float('inf')
for _ in range(2):
    # Read afresh each run: add() writes the sum back into the first grid's dataset.
    a = dose.DoseGrid(pydicom.dcmread(sys.argv[1]))
    b = dose.DoseGrid(pydicom.dcmread(sys.argv[2]))
    start = time.perf_counter()
    a.add(b)
    fastest = min(fastest, time.perf_counter() - start)
print(json.dumps({'seconds': fastest, 'max': float(a.dose_grid.max()), 'voxels': int(a.dose_grid.size)}))
`;

interface PyDvh {
  number: number;
  mean: number;
  d95: number;
  volume: number;
}

export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const uid = uidFactory('bench-rt');
  const dir = mkdtempSync(join(tmpdir(), 'ehr-bench-rt-'));
  try {
    // 1. Parse throughput.
    const ct = ctSeries(uid);
    const bytes = ct.reduce((n, f) => n + f.bytes.length, 0);
    const refParse = await best(3, () => {
      // What any viewer must do at least: parse, then copy the pixels into a typed array.
      for (const f of ct) {
        const pixel = dicomParser.parseDicom(f.bytes).elements.x7fe00010;
        if (!pixel) throw new Error('no pixel data');
        const from = pixel.dataOffset;
        new Int16Array(f.bytes.slice(from, from + pixel.length).buffer);
      }
    });
    const ourParse = await best(3, () => {
      const study = loadStudy(ct);
      if (study.errors.length > 0 || study.imageSeries[0]?.slices.length !== 200)
        throw new Error(`bench CT did not load: ${study.errors[0]?.message}`);
    });
    figures.push({
      name: 'rt_ct_parse_200x512x512',
      value: bytes / MB / ourParse,
      unit: 'MB/s',
      reference: { name: 'dicom-parser_parseDicom_plus_pixel_copy', value: bytes / MB / refParse },
    });

    // 2. Time to the first rendered slice in Chromium.
    for (const f of ct) writeFileSync(join(dir, f.name), f.bytes);
    // The first picture alone (first-slice.ts: headers of all, one slice decoded), against
    // the parse of the whole series it no longer waits for.
    const load = createCodecLoader();
    const firstRead = await best(3, async () => {
      const prepared = await prepareStudyFiles(ct, load);
      if (readFirstSlice(prepared.files, prepared.codecs)?.index !== 100)
        throw new Error('no first slice');
    });
    figures.push({
      name: 'rt_first_slice_read_200x512x512_lower_is_better',
      value: firstRead * 1000,
      unit: 'ms',
      reference: { name: 'node_loadStudy_parse_only', value: ourParse * 1000 },
    });
    const firstSlice = await timeToFirstSlice(dir, ct.length);
    if (firstSlice !== null) {
      figures.push({
        name: 'rt_first_slice_chromium_200x512x512_lower_is_better',
        value: firstSlice.fromInput * 1000,
        unit: 'ms',
        reference: { name: 'node_loadStudy_parse_only', value: ourParse * 1000 },
      });
      // The figure: on screen after the files are in memory (target < 300 ms).
      figures.push({
        name: 'rt_first_slice_chromium_after_files_in_memory_200x512x512_lower_is_better',
        value: firstSlice.fromMemory * 1000,
        unit: 'ms',
        reference: { name: 'node_loadStudy_parse_only', value: ourParse * 1000 },
      });
    }

    // 3. DVH of every ROI on a 256×256×150 grid, ours against dicompyler-core.
    const planes = Array.from({ length: 150 }, (_, k) => ({
      z: -149 + 2 * k,
      sopInstanceUid: uid(`plane-${k}`),
    }));
    const forUid = uid('for');
    const rsPath = join(dir, 'RS.dcm');
    const rdPath = join(dir, 'RD.dcm');
    const rs = writePart10(
      structureSetDataset(
        patient,
        { seriesInstanceUid: uid('rs-series'), seriesNumber: 2, description: 'RS' },
        {
          sopInstanceUid: uid('rs'),
          frameOfReferenceUid: forUid,
          imageSeriesUid: uid('ct-series'),
          planes,
          rois,
          label: 'BENCH',
        },
      ),
    );
    const center: Vec3 = [20, -10, 0];
    const rd = writePart10(
      doseDataset(
        patient,
        { seriesInstanceUid: uid('rd-series'), seriesNumber: 3, description: 'RD' },
        {
          sopInstanceUid: uid('rd'),
          frameOfReferenceUid: forUid,
          referencedPlanUid: uid('plan'),
          origin: [-127.5, -127.5, -149],
          columns: 256,
          rows: 256,
          frames: 150,
          spacing: 1,
          frameSpacing: 2,
          doseAt: (p) => {
            if (!body.contains(p)) return 0;
            const dx = p[0] - center[0];
            const dy = p[1] - center[1];
            const dz = p[2] - center[2];
            const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
            return 60 * (0.9 / (1 + Math.exp((r - 40) / 3.5)) + 0.1 * Math.exp(-(r * r) / 7200));
          },
        },
      ),
    );
    writeFileSync(rsPath, rs);
    writeFileSync(rdPath, rd);
    const structureSet = parseStructureSet(rs, 'RS.dcm');
    const grid = parseDose(rd, 'RD.dcm');
    let ours = computeStructureSetDvhs(structureSet, grid);
    const ourDvh = await best(2, () => {
      ours = computeStructureSetDvhs(structureSet, grid);
    });
    const py = spawnSync(
      PYTHON,
      ['-c', DICOMPYLER, rsPath, rdPath, rois.map((r) => r.number).join(',')],
      { encoding: 'utf8', timeout: 90_000, env: pythonEnv },
    );
    if (py.status !== 0) {
      console.error(`rt bench: dicompyler-core failed: ${py.stderr || py.error?.message}`);
      figures.push({ name: 'rt_dvh_all_rois_256x256x150', value: ourDvh, unit: 's' });
    } else {
      const result = JSON.parse(py.stdout) as { seconds: number; rois: PyDvh[] };
      figures.push({
        name: 'rt_dvh_all_rois_256x256x150_speedup',
        value: result.seconds / ourDvh,
        unit: 'x',
      });
      figures.push({
        name: 'rt_dvh_all_rois_256x256x150_lower_is_better',
        value: ourDvh,
        unit: 's',
        reference: { name: `dicompyler-core_${DICOMPYLER_VERSION}`, value: result.seconds },
      });
      const rows: string[] = [];
      let worstMean = 0;
      let worstD95 = 0;
      for (const { roi, dvh } of ours) {
        const theirs = result.rois.find((r) => r.number === roi.number);
        if (!dvh || !theirs) continue;
        const s = summarizeDvh(dvh);
        const meanDiff = Math.abs(s.meanGy - theirs.mean);
        const d95Diff = Math.abs(s.d95Gy - theirs.d95);
        worstMean = Math.max(worstMean, meanDiff);
        worstD95 = Math.max(worstD95, d95Diff);
        rows.push(
          `  ${roi.name.padEnd(12)} volume ${s.volumeCc.toFixed(1)} / ${theirs.volume.toFixed(1)} cc  ` +
            `mean ${s.meanGy.toFixed(3)} / ${theirs.mean.toFixed(3)} Gy  ` +
            `D95 ${s.d95Gy.toFixed(3)} / ${theirs.d95.toFixed(3)} Gy`,
        );
      }
      figures.push(
        { name: 'rt_dvh_max_mean_difference_vs_dicompyler', value: worstMean, unit: 'Gy' },
        { name: 'rt_dvh_max_d95_difference_vs_dicompyler', value: worstD95, unit: 'Gy' },
      );
      // Human-friendly detail goes to stderr so stdout stays one BENCH line per figure.
      console.error(`rt bench: DVH per ROI, ours / dicompyler-core:\n${rows.join('\n')}`);
    }

    // 4. Summation of two courses, ours against dicompyler-core's DoseGrid.add.
    const secondPath = join(dir, 'RD2.dcm');
    const secondBytes = writePart10(
      doseDataset(
        patient,
        { seriesInstanceUid: uid('rd2-series'), seriesNumber: 4, description: 'RD2' },
        {
          sopInstanceUid: uid('rd2'),
          frameOfReferenceUid: forUid,
          referencedPlanUid: uid('plan-2'),
          origin: [-110.3, -140.7, -120.2],
          columns: 200,
          rows: 200,
          frames: 100,
          spacing: 1.5,
          frameSpacing: 2.5,
          doseAt: (p) => 20 * Math.exp(-((p[0] - 30) ** 2 + p[1] ** 2 + p[2] ** 2) / 5000),
        },
      ),
    );
    writeFileSync(secondPath, secondBytes);
    const second = parseDose(secondBytes, 'RD2.dcm');
    let summed = sumDoseGrids([{ grid }, { grid: second }]).grid;
    const ourSum = await best(3, () => {
      summed = sumDoseGrids([{ grid }, { grid: second }]).grid;
    });
    const pySum = spawnSync(PYTHON, ['-c', DICOMPYLER_SUM, rdPath, secondPath], {
      encoding: 'utf8',
      timeout: 120_000,
      env: pythonEnv,
    });
    const voxels = summed.columns * summed.rows * summed.frames;
    if (pySum.status !== 0) {
      console.error(
        `rt bench: dicompyler-core sum failed: ${pySum.stderr || pySum.error?.message}`,
      );
      figures.push({ name: 'rt_sum_two_courses_lower_is_better', value: ourSum, unit: 's' });
    } else {
      const result = JSON.parse(pySum.stdout) as { seconds: number; max: number; voxels: number };
      figures.push({
        name: 'rt_sum_two_courses_lower_is_better',
        value: ourSum,
        unit: 's',
        reference: {
          name: `dicompyler-core_${DICOMPYLER_VERSION}_DoseGrid.add`,
          value: result.seconds,
        },
      });
      console.error(
        `rt bench: summation, ours ${voxels} voxels (union box), max ${summed.maxDose.toFixed(3)} Gy; ` +
          `dicompyler-core ${result.voxels} voxels (first grid's box), max ${result.max.toFixed(3)} Gy`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

// `npx tsx bench/rt.bench.ts` runs this file alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatFigure } = await import('./format');
  mkdirSync(tmpdir(), { recursive: true });
  for (const figure of await run()) console.log(formatFigure(figure));
}
