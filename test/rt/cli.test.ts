// The ehr-rt command line, run as a user would run it (npx tsx src/cli/ehr-rt.ts …).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeCourse, type SyntheticCourse } from '../../src/shared/rt/synth/course';
import { SOP_CLASS } from '../../src/shared/rt/dictionary';
import { computeDvh, doseAtVolumeCc, volumeAtDose } from '../../src/shared/rt/dvh';
import type { DoseGrid } from '../../src/shared/rt/parse/rtdose';
import type { Roi, StructureSet } from '../../src/shared/rt/parse/rtstruct';
import { loadStudy } from '../../src/shared/rt/study';
import { sumDoseGrids } from '../../src/shared/rt/sum';
import {
  cutAfter,
  editContours,
  fileOf,
  hostileCourse,
  lastSessionIsBoost,
  sagittal,
  withBoost,
  withLength,
} from './hostile';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'ehr-rt-cli-'));
const course = join(work, 'course');

function ehrRt(...args: string[]) {
  const result = spawnSync('npx', ['tsx', 'src/cli/ehr-rt.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes a course to its own folder, with some files replaced by other bytes. */
function courseFolder(
  name: string,
  course: SyntheticCourse,
  replace: Record<string, Uint8Array> = {},
): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const file of course.files)
    writeFileSync(join(dir, file.name), replace[file.name] ?? file.bytes);
  return dir;
}

describe('ehr-rt', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('synth writes a course, dvh and history read it back as JSON only', () => {
    const synth = ehrRt('synth', course, '--matrix', '32', '--slices', '16');
    expect(synth.status, synth.stderr).toBe(0);
    expect(readdirSync(course).filter((f) => f.startsWith('CT_'))).toHaveLength(16);
    // A stray unreadable file is reported on stderr and does not spoil the JSON.
    writeFileSync(join(course, 'README.txt'), 'not DICOM');

    const dvh = ehrRt('dvh', course, '--json');
    expect(dvh.status, dvh.stderr).toBe(0);
    expect(dvh.stderr).toMatch(/README\.txt.*NOT_DICOM/);
    const { structures } = JSON.parse(dvh.stdout) as {
      structures: Record<string, number | string>[];
    };
    expect(structures.map((s) => s.name)).toEqual(['BODY', 'PTV', 'SPINAL_CORD', 'LUNG_R']);
    for (const s of structures) {
      expect(Object.keys(s)).toEqual([
        'name',
        'volume_cc',
        'min_gy',
        'mean_gy',
        'max_gy',
        'd98_gy',
        'd95_gy',
        'd50_gy',
        'd2_gy',
        'd2cc_gy',
        'd0_03cc_gy',
        'dose_at',
        'volume_at',
        'notes',
        'outside_grid_percent',
        'problem',
        'warnings',
      ]);
      expect(s).toMatchObject({ outside_grid_percent: 0, problem: null, warnings: [] });
      expect(s.min_gy as number).toBeLessThanOrEqual(s.d98_gy as number);
      expect(s.d98_gy as number).toBeLessThanOrEqual(s.d2_gy as number);
      expect(s.d2_gy as number).toBeLessThanOrEqual(s.max_gy as number);
    }
    // Volumes agree with the phantom's contoured volumes, computed in-process.
    const expected = synthesizeCourse({ matrix: 32, slices: 16 }).rois;
    structures.forEach((s, i) => {
      const volume = expected[i]?.volumeCc ?? Number.NaN;
      expect(Math.abs((s.volume_cc as number) - volume) / volume).toBeLessThan(0.01);
    });

    const history = ehrRt('history', course, '--json');
    expect(history.status, history.stderr).toBe(0);
    const parsed = JSON.parse(history.stdout) as {
      courses: {
        prescribed_gy: number;
        fractions_planned: number;
        fractions_delivered: number;
        missed_sessions: number;
        sessions: { status: string }[];
      }[];
    };
    expect(parsed.courses).toHaveLength(1);
    expect(parsed.courses[0]).toMatchObject({
      prescribed_gy: 60,
      fractions_planned: 30,
      fractions_delivered: 5,
      missed_sessions: 1,
    });
    expect(parsed.courses[0]?.sessions.map((s) => s.status)).toEqual([
      'delivered',
      'delivered',
      'missed',
      'delivered',
      'delivered',
      'delivered',
    ]);
  });

  it('dvh --json gives Dx and Vx at the levels asked for, D2cc and D0.03cc', () => {
    const folder = courseFolder('levels', synthesizeCourse({ matrix: 32, slices: 16 }));
    const run = ehrRt('dvh', folder, '--json', '--dose-at', '95,2,50cc', '--volume-at', '20Gy,0');
    expect(run.status, run.stderr).toBe(0);
    type Row = {
      name: string;
      volume_cc: number;
      max_gy: number;
      d95_gy: number;
      d2_gy: number;
      d2cc_gy: number | null;
      d0_03cc_gy: number | null;
      dose_at: Record<string, number | null>;
      volume_at: Record<string, { cc: number; percent: number }>;
      notes: string[];
    };
    const { structures } = JSON.parse(run.stdout) as { structures: Row[] };
    // The same course read in-process: the CLI prints the engine's numbers.
    const study = loadStudy(synthesizeCourse({ matrix: 32, slices: 16 }).files);
    const set = study.structureSets[0] as StructureSet;
    const dose = study.doses[0] as DoseGrid;
    for (const s of structures) {
      const roi = set.rois.find((r) => r.name === s.name) as Roi;
      const dvh = computeDvh(roi, dose);
      expect(Object.keys(s.dose_at)).toEqual(['D2cc', 'D0.03cc', 'D95%', 'D2%', 'D50cc']);
      expect(s.dose_at['D95%']).toBe(s.d95_gy);
      expect(s.dose_at['D2%']).toBe(s.d2_gy);
      expect(s.d0_03cc_gy).toBeCloseTo(doseAtVolumeCc(dvh, 0.03), 3);
      expect(s.d2cc_gy).toBeCloseTo(doseAtVolumeCc(dvh, 2), 3);
      // Near-maxima never exceed the max, and a smaller hot volume is at least as hot.
      expect(s.d0_03cc_gy as number).toBeLessThanOrEqual(s.max_gy);
      expect(s.d2cc_gy as number).toBeLessThanOrEqual(s.d0_03cc_gy as number);
      expect(s.volume_at['V0Gy']).toEqual({ cc: s.volume_cc, percent: 100 });
      const v20 = volumeAtDose(dvh, 20);
      expect(s.volume_at['V20Gy']?.cc).toBeCloseTo(v20.cc, 2);
      expect(s.volume_at['V20Gy']?.percent).toBeCloseTo(v20.percent, 1);
      // The small-volume convention: no D50cc for a structure smaller than 50 cc.
      if (s.volume_cc < 50) {
        expect(s.dose_at['D50cc']).toBeNull();
        expect(s.notes).toEqual([
          expect.stringMatching(/D50cc: the structure .* smaller than 50 cc/),
        ]);
      } else expect(s.dose_at['D50cc']).toBeCloseTo(doseAtVolumeCc(dvh, 50), 3);
    }
    expect(structures.some((s) => s.volume_cc < 50)).toBe(true);
    expect(structures.some((s) => s.volume_cc >= 50)).toBe(true);

    // Without --json the levels are columns of the table.
    const table = ehrRt('dvh', folder, '--dose-at', '95', '--volume-at', '20');
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[1]).toMatch(/\tD2cc\tD0\.03cc\tD95%\tV20Gy_cc$/);
  });

  it('dvh refuses malformed levels with a usage error naming the level', () => {
    const folder = join(work, 'levels');
    for (const [flag, value, message] of [
      ['--dose-at', '95,abc', /"abc" is not a volume/],
      ['--dose-at', '150', /"150" is more than 100 %/],
      ['--dose-at', '95,,2', /comma-separated list/],
      ['--volume-at', '95%', /does not know the prescription; give the dose in Gy/],
      ['--volume-at', '-5Gy', /"-5Gy" is not a dose/],
    ] as const) {
      const run = ehrRt('dvh', folder, '--json', flag, value);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
    }
    const missing = ehrRt('dvh', folder, '--dose-at');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--dose-at needs a value/);
    const elsewhere = ehrRt('history', folder, '--volume-at', '20');
    expect(elsewhere.status).toBe(2);
    expect(elsewhere.stderr).toMatch(/belong to the dvh command/);
  });

  it('constraints sums two courses in EQD2 with their own fractions and α/β', () => {
    const one = synthesizeCourse({ matrix: 32, slices: 16, seed: 'cons-1' });
    const two = synthesizeCourse({
      matrix: 32,
      slices: 16,
      seed: 'cons-2',
      frameOfReferenceUid: one.frameOfReferenceUid,
      prescriptionGy: 30,
      fractions: 10,
    });
    const dir = courseFolder('constraints', one);
    for (const f of two.files)
      if (f.name.startsWith('RD') || f.name.startsWith('RP'))
        writeFileSync(join(dir, `C2_${f.name}`), f.bytes);
    const run = ehrRt('constraints', dir, '--json');
    expect(run.status, run.stderr).toBe(0);
    type Out = {
      courses: { dose: string; fractions: number }[];
      close_margin_percent: number;
      alpha_beta_gy: Record<string, { gy: number; basis: string }>;
      constraints: { roi: string; metric: string; dose: string; value: number; status: string }[];
    };
    const out = JSON.parse(run.stdout) as Out;
    expect(out.courses.map((c) => c.fractions).sort((a, b) => a - b)).toEqual([10, 30]);
    expect(out.close_margin_percent).toBe(5);
    expect(out.alpha_beta_gy['SPINAL_CORD']).toEqual({
      gy: 2,
      basis: 'spinal cord / brainstem (default)',
    });
    const cordRow = out.constraints.find((c) => c.roi === 'SPINAL_CORD');
    expect(cordRow).toMatchObject({ metric: 'Dmax', dose: 'EQD2', status: 'pass' });
    // The same numbers in-process: each course's dose converted with its own fractions.
    const doseOf = (course: SyntheticCourse) => loadStudy(course.files).doses[0] as DoseGrid;
    const cord = (loadStudy(one.files).structureSets[0] as StructureSet).rois.find(
      (r) => r.name === 'SPINAL_CORD',
    ) as Roi;
    const eqd2 = sumDoseGrids(
      [
        { grid: doseOf(one), fractions: 30 },
        { grid: doseOf(two), fractions: 10 },
      ],
      { biological: { quantity: 'EQD2', alphaBetaGy: 2 } },
    );
    expect(cordRow?.value).toBeCloseTo(computeDvh(cord, eqd2.grid).maxGy, 3);

    // An edited α/β is used and shown; a malformed one is a usage error.
    const edited = JSON.parse(
      ehrRt('constraints', dir, '--json', '--alpha-beta', 'SPINAL_CORD=4').stdout,
    ) as Out;
    expect(edited.alpha_beta_gy['SPINAL_CORD']).toEqual({ gy: 4, basis: 'edited' });
    const bad = ehrRt('constraints', dir, '--json', '--alpha-beta', 'SPINAL_CORD=0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/α\/β for SPINAL_CORD must be a dose in Gy above 0/);
    const malformed = ehrRt('constraints', dir, '--alpha-beta', 'cord');
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/"cord" is not NAME=GY/);
  });

  it('constraints refuses a course whose plan is missing: its fractions are unknown', () => {
    const course = synthesizeCourse({ matrix: 32, slices: 16, seed: 'cons-3' });
    const dir = join(work, 'constraints-no-plan');
    mkdirSync(dir, { recursive: true });
    for (const f of course.files)
      if (!f.name.startsWith('RP')) writeFileSync(join(dir, f.name), f.bytes);
    const run = ehrRt('constraints', dir, '--json');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/its plan is not in the folder.*no constraint was evaluated/);
  });

  it('fails on stderr with a non-zero exit and nothing on stdout', () => {
    const empty = join(work, 'empty');
    const missing = ehrRt('dvh', empty, '--json');
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/cannot read folder/);

    const usage = ehrRt('frobnicate', work);
    expect(usage.status).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toMatch(/unknown command frobnicate/);
  });

  it('dvh refuses a hostile number with the attribute named, without hanging', () => {
    const infinite = courseFolder(
      'contour-infinite',
      hostileCourse({
        'RS.dcm': editContours((points) => points.map((v, i) => (i === 3 ? '-1e999' : v))),
      }),
    );
    const contour = ehrRt('dvh', infinite, '--json');
    expect(contour.status).toBe(1);
    expect(contour.stdout).toBe('');
    expect(contour.stderr).toMatch(/RS\.dcm: \(3006,0050\) ContourData.*not a finite number/);

    // Before, a dose PixelSpacing of 1e999 gave 0 Gy everywhere and exit 0.
    const spacing = courseFolder(
      'dose-spacing',
      hostileCourse({ 'RD.dcm': (ds) => ({ ...ds, PixelSpacing: ['1e999', '1e999'] }) }),
    );
    const dose = ehrRt('dvh', spacing, '--json');
    expect(dose.status).toBe(1);
    expect(dose.stdout).toBe('');
    expect(dose.stderr).toMatch(/RD\.dcm: \(0028,0030\) PixelSpacing.*not a finite number/);
  });

  it('history refuses a damaged or cut RT Plan instead of an empty course', () => {
    const course = hostileCourse({}, { implicitVr: ['RP.dcm'] });
    const plan = fileOf(course, 'RP.dcm');
    const swallowed = ehrRt(
      'history',
      courseFolder('plan-undefined-length', course, {
        'RP.dcm': withLength(plan, 'RTPlanName', 0xffffffff),
      }),
      '--json',
    );
    expect(swallowed.status).toBe(1);
    expect(swallowed.stdout).toBe('');
    expect(swallowed.stderr).toMatch(/RP\.dcm: \(300A,0003\) RTPlanName.*undefined length/);

    const cut = ehrRt(
      'history',
      courseFolder('plan-cut', course, { 'RP.dcm': cutAfter(plan, 'RTPlanGeometry') }),
      '--json',
    );
    expect(cut.status).toBe(1);
    expect(cut.stdout).toBe('');
    expect(cut.stderr).toMatch(
      /RP\.dcm: \(300A,0070\) FractionGroupSequence: required sequence missing or empty/,
    );
  });

  it('dvh computes the usable structures, names the unusable one and the dose outside the grid', () => {
    const folder = courseFolder(
      'other-system',
      hostileCourse({
        'RS.dcm': sagittal,
        'RD.dcm': (ds) => {
          const [x, y, z] = ds.ImagePositionPatient as readonly number[];
          return {
            ...ds,
            ImagePositionPatient: [(x as number) + 50, y as number, z as number],
            ReferencedRTPlanSequence: [{ ReferencedSOPClassUID: SOP_CLASS.rtPlan }],
          };
        },
      }),
    );
    const dvh = ehrRt('dvh', folder, '--json');
    expect(dvh.status, dvh.stderr).toBe(0);
    const { structures } = JSON.parse(dvh.stdout) as {
      structures: {
        name: string;
        volume_cc: number | null;
        outside_grid_percent: number | null;
        problem: string | null;
        warnings: string[];
      }[];
    };
    const [body, ptv, cord] = structures;
    expect(cord).toMatchObject({
      name: 'SPINAL_CORD',
      volume_cc: null,
      problem: expect.stringMatching(/SPINAL_CORD.*not in an axial plane/),
    });
    expect(ptv?.volume_cc).toBeGreaterThan(0);
    expect(body?.outside_grid_percent).toBeGreaterThan(5);
    expect(body?.warnings).toEqual([
      expect.stringMatching(
        /outside the dose grid; volume outside the dose grid counts as receiving 0 Gy/,
      ),
    ]);
    expect(dvh.stderr).toMatch(
      /warning: ROI "SPINAL_CORD": contour is not in an axial plane.*\[no DVH\]/,
    );
    expect(dvh.stderr).toMatch(/warning: ROI "BODY": [\d.]+% of its volume/);
    expect(dvh.stderr).toMatch(
      /warning: RD\.dcm: .*ReferencedSOPInstanceUID in ReferencedRTPlanSequence\[1\]: empty or missing/,
    );

    const inspect = ehrRt('inspect', folder, '--json');
    expect(inspect.status, inspect.stderr).toBe(0);
    const { files } = JSON.parse(inspect.stdout) as {
      files: { file: string; warnings: string[] }[];
    };
    expect(files.find((f) => f.file === 'RD.dcm')?.warnings).toEqual([
      expect.stringMatching(
        /ReferencedSOPInstanceUID.*empty or missing; read without this reference/,
      ),
    ]);
    expect(ehrRt('--help').stdout).toMatch(/volume outside the dose grid counts as receiving 0 Gy/);
  });

  it('history shows each fraction group and counts them all', () => {
    const plain = hostileCourse({});
    const last = plain.files.filter((f) => f.name.startsWith('RT_RECORD_')).at(-1)?.name ?? '';
    const folder = courseFolder(
      'fraction-groups',
      hostileCourse({ 'RP.dcm': withBoost, [last]: lastSessionIsBoost }),
    );
    const history = ehrRt('history', folder, '--json');
    expect(history.status, history.stderr).toBe(0);
    const { courses } = JSON.parse(history.stdout) as {
      courses: {
        prescribed_gy: number;
        fractions_planned: number;
        fractions_delivered: number;
        fraction_groups: {
          number: number;
          prescribed_gy: number;
          fractions_planned: number;
          fractions_delivered: number;
          beams: { mu_per_fraction: number }[];
        }[];
        sessions: { fraction_group: number; fraction: number }[];
      }[];
    };
    const [course] = courses;
    expect(course).toMatchObject({
      prescribed_gy: plain.prescriptionGy + 10,
      fractions_planned: 35,
      fractions_delivered: 5,
    });
    expect(
      course?.fraction_groups.map((g) => [
        g.number,
        g.prescribed_gy,
        g.fractions_planned,
        g.fractions_delivered,
      ]),
    ).toEqual([
      [1, plain.prescriptionGy, 30, 4],
      [2, 10, 5, 1],
    ]);
    expect(course?.fraction_groups[1]?.beams.map((b) => b.mu_per_fraction)).toEqual(
      plain.beams.map((b) => Math.round((b.meterset + 10) * 100) / 100),
    );
    expect(course?.sessions.at(-1)).toMatchObject({ fraction_group: 2, fraction: 1 });
    const text = ehrRt('history', folder);
    expect(text.stdout).toMatch(/group 2 \(Boost\): 10 Gy in 5 fractions/);
  });

  it('history shows the warning of a plan that lost optional content', () => {
    const course = hostileCourse({}, { implicitVr: ['RP.dcm'] });
    const damaged = withLength(fileOf(course, 'RP.dcm'), 'ApprovalStatus', 0xffffffff);
    const history = ehrRt(
      'history',
      courseFolder('plan-lost-approval', course, { 'RP.dcm': damaged }),
      '--json',
    );
    expect(history.status, history.stderr).toBe(0);
    expect(history.stderr).toMatch(/warning: RP\.dcm: \(300E,0002\) ApprovalStatus/);
    const { courses } = JSON.parse(history.stdout) as {
      courses: { fractions_planned: number; warnings: string[] }[];
    };
    expect(courses[0]?.fractions_planned).toBe(30);
    expect(courses[0]?.warnings).toEqual([
      expect.stringMatching(/\(300E,0002\) ApprovalStatus.*undefined length/),
    ]);
  });
});
