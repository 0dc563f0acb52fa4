import { describe, expect, it } from 'vitest';
import { createDoseSampler } from '../../src/shared/rt/dose-sampler';
import { computeDvh } from '../../src/shared/rt/dvh';
import { buildDoseHistory } from '../../src/shared/rt/history';
import { sumDoseGrids } from '../../src/shared/rt/sum';
import { loadStudy, type Study } from '../../src/shared/rt/study';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { sphere } from '../../src/shared/rt/synth/shapes';
import { analyticCase } from './helpers';

const small = { matrix: 32, slices: 16 } as const;
const first = synthesizeCourse({ ...small, seed: 'course-1' });
const studyOne = loadStudy(first.files);

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe('dose history', () => {
  it('lists prescribed, delivered and missed fractions with dates and metersets', () => {
    const history = buildDoseHistory(studyOne.plans, studyOne.treatmentRecords);
    const course = only(history.courses);
    expect(course.prescribedDoseGy).toBe(60);
    expect(course.fractionsPlanned).toBe(30);
    expect(course.dosePerFractionGy).toBeCloseTo(2, 9);
    expect(course.sessions.map((s) => [s.date, s.fractionNumber, s.status])).toEqual([
      ['20240108', 1, 'delivered'],
      ['20240109', 2, 'delivered'],
      ['20240110', 3, 'missed'],
      ['20240111', 3, 'delivered'],
      ['20240112', 4, 'delivered'],
      ['20240115', 5, 'delivered'],
    ]);
    expect(course.fractionsDelivered).toBe(5);
    expect(course.missedSessions).toBe(1);
    const planned = first.beams.reduce((sum, b) => sum + b.meterset, 0);
    expect(course.plannedMetersetPerFraction).toBeCloseTo(planned, 6);
    const delivered = course.sessions[0]?.deliveredMeterset ?? 0;
    expect(Math.abs(delivered - planned)).toBeLessThan(0.5);
    // Five fractions of 2 Gy, each within machine rounding of its meterset.
    expect(course.deliveredDoseGy).toBeCloseTo(10, 1);
    expect(history.totalDeliveredDoseGy).toBeCloseTo(10, 1);
    expect(history.unmatchedRecords).toEqual([]);
  });

  it('reports a partial session and records whose plan is missing', () => {
    const plan = only(studyOne.plans);
    const record = studyOne.treatmentRecords[0];
    if (!record) throw new Error('no record');
    const partial = {
      ...record,
      beams: record.beams.map((b, i) => (i === 0 ? { ...b, deliveredMeterset: 10 } : b)),
    };
    const orphan = { ...record, file: 'orphan.dcm', referencedPlanUid: '2.25.999' };
    const history = buildDoseHistory([plan], [partial, orphan]);
    const course = only(history.courses);
    expect(course.sessions[0]?.status).toBe('partial');
    expect(course.partialSessions).toBe(1);
    expect(course.fractionsDelivered).toBe(0);
    expect(course.deliveredDoseGy).toBeLessThan(2);
    expect(course.deliveredDoseGy).toBeGreaterThan(1.5);
    expect(history.unmatchedRecords).toEqual([
      { file: 'orphan.dcm', referencedPlanUid: '2.25.999' },
    ]);
  });
});

describe('dose summation', () => {
  function doseOf(study: Study) {
    return only(study.doses);
  }

  it('adds two courses in one frame of reference and keeps provenance', () => {
    const second = synthesizeCourse({
      ...small,
      seed: 'course-2',
      frameOfReferenceUid: first.frameOfReferenceUid,
      prescriptionGy: 30,
      fractions: 10,
      courseLabel: 'Course 2',
    });
    const a = doseOf(studyOne);
    const b = doseOf(loadStudy(second.files));
    const { grid, provenance } = sumDoseGrids([
      { grid: a, label: 'Course 1' },
      { grid: b, label: 'Course 2' },
    ]);
    // Same geometry: the common grid is the sources' grid and the sum is exact voxel-wise.
    expect([grid.columns, grid.rows, grid.frames]).toEqual([a.columns, a.rows, a.frames]);
    for (const i of [0, 1000, Math.floor(a.dose.length / 2), a.dose.length - 1])
      expect(grid.dose[i]).toBeCloseTo((a.dose[i] as number) + (b.dose[i] as number), 3);
    expect(grid.maxDose).toBeGreaterThan(a.maxDose);
    expect(provenance.frameOfReferenceUid).toBe(first.frameOfReferenceUid);
    expect(provenance.sources.map((s) => [s.label, s.referencedPlanUid])).toEqual([
      ['Course 1', first.planUid],
      ['Course 2', second.planUid],
    ]);
    expect(provenance.method).toMatch(/trilinear/);

    // The re-irradiation check: cumulative cord maximum exceeds each course's own maximum.
    const cord = only(only(studyOne.structureSets).rois.filter((r) => r.name === 'SPINAL_CORD'));
    const summed = computeDvh(cord, grid).maxGy;
    expect(summed).toBeGreaterThan(computeDvh(cord, a).maxGy);
    expect(summed).toBeGreaterThan(computeDvh(cord, b).maxGy);
  });

  it("lays the sum on the first course's grid, extended to cover the other", () => {
    const coarse = analyticCase({ solid: sphere([0, 0, 0], 10), doseAt: () => 2, gridSpacing: 5 });
    const fine = analyticCase({
      solid: sphere([0, 0, 0], 10),
      doseAt: ([x]) => 1 + 0.01 * (x as number),
      gridSpacing: 2.5,
      halfSize: 20,
    });
    const forUid = coarse.grid.frameOfReferenceUid;
    const { grid, provenance } = sumDoseGrids([
      { grid: coarse.grid },
      { grid: { ...fine.grid, frameOfReferenceUid: forUid } },
    ]);
    expect(provenance.grid.spacingMm).toEqual([5, 5, 5]);
    expect(provenance.method).toMatch(/reference/);
    // The ±20 mm cube lies inside the ±40 mm one: the lattice is the reference's own.
    expect([grid.columns, grid.rows, grid.frames]).toEqual([17, 17, 17]);
    expect(grid.position).toEqual(coarse.grid.position);
    const index = (c: number, r: number, f: number) => (f * grid.rows + r) * grid.columns + c;
    expect(grid.dose[index(8, 8, 8)]).toBeCloseTo(3, 3); // centre: 2 + 1
    expect(grid.dose[index(0, 0, 0)]).toBeCloseTo(2, 3); // only the coarse grid reaches here
  });

  it("keeps the reference grid's values unchanged when a finer, offset grid is added", () => {
    const reference = analyticCase({
      solid: sphere([0, 0, 0], 10),
      doseAt: ([x, y, z]) =>
        20 + 0.7 * (x as number) - 0.3 * (y as number) + 0.05 * (z as number) ** 2,
      gridSpacing: 2.5,
      halfSize: 20,
    }).grid;
    // A finer grid (2 mm), offset by a fraction of a step, holding zero dose: the sum must be
    // the reference itself, sample for sample (re-interpolating it would blur the quadratic).
    const zero = analyticCase({
      solid: sphere([0, 0, 0], 10),
      doseAt: () => 0,
      gridSpacing: 2,
      halfSize: 10,
    }).grid;
    const offsetZero = {
      ...zero,
      frameOfReferenceUid: reference.frameOfReferenceUid,
      position: [zero.position[0] + 0.7, zero.position[1] - 0.3, zero.position[2] + 1.1] as const,
    };
    const { grid } = sumDoseGrids([{ grid: reference }, { grid: offsetZero }]);
    expect([grid.columns, grid.rows, grid.frames]).toEqual([
      reference.columns,
      reference.rows,
      reference.frames,
    ]);
    expect(grid.rowSpacing).toBe(reference.rowSpacing);
    expect(Array.from(grid.dose)).toEqual(Array.from(reference.dose));
  });

  it('covers a larger, offset second grid to its far edge', () => {
    const reference = analyticCase({
      solid: sphere([0, 0, 0], 10),
      doseAt: () => 1,
      gridSpacing: 2.5,
      halfSize: 10,
    }).grid;
    // A plateau of 4 Gy over ±25 mm, shifted +13.3 mm in x (not a whole step) and +5 mm
    // in z: its far corner (38.3, 25, 30) mm lies well beyond the reference (±10 mm).
    const wide = analyticCase({
      solid: sphere([0, 0, 0], 10),
      doseAt: () => 4,
      gridSpacing: 2.5,
      halfSize: 25,
    }).grid;
    const shifted = {
      ...wide,
      frameOfReferenceUid: reference.frameOfReferenceUid,
      position: [wide.position[0] + 13.3, wide.position[1], wide.position[2] + 5] as const,
    };
    const { grid } = sumDoseGrids([{ grid: reference }, { grid: shifted }]);
    // The reference lattice (…, -10, -7.5, … mm) extended by whole steps to reach 38.3 mm.
    const farX = grid.position[0] + (grid.columns - 1) * grid.columnSpacing;
    const farY = grid.position[1] + (grid.rows - 1) * grid.rowSpacing;
    const farZ = grid.position[2] + (grid.frameOffsets[grid.frames - 1] as number);
    expect(farX).toBeCloseTo(40, 6);
    expect(farY).toBeCloseTo(25, 6);
    expect(farZ).toBeCloseTo(30, 6);
    expect(grid.position).toEqual([-12.5, -25, -20]);
    // The last lattice points inside the second grid hold its dose; the centre holds both.
    const sample = createDoseSampler(grid);
    expect(sample(0, 0, 0)).toBeCloseTo(5, 4);
    expect(sample(37.5, 25, 30)).toBeCloseTo(4, 4);
    expect(sample(37.5, -25, -20)).toBeCloseTo(4, 4);
    // Past the second grid's own edge there is no dose (nothing is extrapolated).
    expect(sample(40, 0, 0)).toBe(0);
  });

  it('refuses grids in different frames of reference, saying why', () => {
    const other = synthesizeCourse({ ...small, seed: 'other-hospital' });
    expect(() =>
      sumDoseGrids([{ grid: doseOf(studyOne) }, { grid: doseOf(loadStudy(other.files)) }]),
    ).toThrowError(
      expect.objectContaining({
        code: 'FRAME_OF_REFERENCE_MISMATCH',
        message: expect.stringMatching(/no registration/),
      }),
    );
  });

  it('refuses relative or effective dose', () => {
    const dose = doseOf(studyOne);
    expect(() =>
      sumDoseGrids([{ grid: dose }, { grid: { ...dose, units: 'RELATIVE' } }]),
    ).toThrowError(expect.objectContaining({ code: 'NOT_PHYSICAL_DOSE' }));
    expect(() => sumDoseGrids([{ grid: { ...dose, doseType: 'EFFECTIVE' } }])).toThrowError(
      expect.objectContaining({ code: 'NOT_PHYSICAL_DOSE' }),
    );
  });

  it('refuses a DVH of structures and dose in different frames of reference', () => {
    const other = synthesizeCourse({ ...small, seed: 'other-hospital' });
    const roi = only(studyOne.structureSets)?.rois[1];
    if (!roi) throw new Error('no roi');
    expect(() => computeDvh(roi, doseOf(loadStudy(other.files)))).toThrowError(
      expect.objectContaining({ code: 'FRAME_OF_REFERENCE_MISMATCH' }),
    );
  });
});

describe('DVH of the synthetic course', () => {
  it('matches the contoured volumes and covers the PTV near the prescription', () => {
    const set = only(studyOne.structureSets);
    const dose = only(studyOne.doses);
    for (const expected of first.rois) {
      const roi = set.rois.find((r) => r.number === expected.number);
      if (!roi) throw new Error(`no ROI ${expected.name}`);
      const dvh = computeDvh(roi, dose);
      expect(Math.abs(dvh.volumeCc - expected.volumeCc) / expected.volumeCc).toBeLessThan(0.01);
      if (expected.name === 'PTV') {
        expect(dvh.meanGy).toBeGreaterThan(57);
        expect(dvh.meanGy).toBeLessThan(63);
      }
    }
  });
});
