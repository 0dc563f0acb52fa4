import { describe, expect, it } from 'vitest';
import { alphaBetaFor, biologicalDose, defaultAlphaBeta } from '../../src/shared/rt/biological';
import { createDoseSampler } from '../../src/shared/rt/dose-sampler';
import { sumDoseGrids } from '../../src/shared/rt/sum';
import { sphere } from '../../src/shared/rt/synth/shapes';
import { analyticCase } from './helpers';

describe('EQD2 and BED', () => {
  it('matches hand-computed values', () => {
    // 60 Gy in 30 fractions, α/β 10: d = 2, EQD2 = 60·12/12 = 60, BED = 60·1.2 = 72.
    expect(biologicalDose('EQD2', 60, 30, 10)).toBeCloseTo(60, 10);
    expect(biologicalDose('BED', 60, 30, 10)).toBeCloseTo(72, 10);
    // 30 Gy in 5 fractions, α/β 2: d = 6, EQD2 = 30·8/4 = 60, BED = 30·4 = 120.
    expect(biologicalDose('EQD2', 30, 5, 2)).toBeCloseTo(60, 10);
    expect(biologicalDose('BED', 30, 5, 2)).toBeCloseTo(120, 10);
    // 20 Gy in 5 fractions, α/β 3: d = 4, EQD2 = 20·7/5 = 28, BED = 20·(1 + 4/3).
    expect(biologicalDose('EQD2', 20, 5, 3)).toBeCloseTo(28, 10);
    expect(biologicalDose('BED', 20, 5, 3)).toBeCloseTo(20 + 80 / 3, 10);
  });

  it('gives published default α/β per structure, and an edited value wins', () => {
    expect(defaultAlphaBeta({ name: 'PTV_60', interpretedType: 'PTV' }).gy).toBe(10);
    expect(defaultAlphaBeta({ name: 'boost GTV' }).gy).toBe(10);
    expect(defaultAlphaBeta({ name: 'SPINAL_CORD', interpretedType: 'ORGAN' }).gy).toBe(2);
    expect(defaultAlphaBeta({ name: 'Brain Stem', interpretedType: 'ORGAN' }).gy).toBe(2);
    expect(defaultAlphaBeta({ name: 'LUNG_R', interpretedType: 'ORGAN' })).toEqual({
      gy: 3,
      basis: 'late-responding organ (default)',
    });
    expect(alphaBetaFor({ name: 'LUNG_R' }, { LUNG_R: 4 })).toEqual({ gy: 4, basis: 'edited' });
    expect(() => alphaBetaFor({ name: 'LUNG_R' }, { LUNG_R: 0 })).toThrow(
      /α\/β for LUNG_R must be a dose in Gy above 0.*no biological dose was computed/,
    );
  });

  it('sums EQD2 voxel by voxel across courses with their own fractions', () => {
    // Course 1: 30 + 0.5·x Gy in 15 fractions; course 2: 20 Gy in 5 fractions; α/β 2 Gy.
    const one = analyticCase({
      solid: sphere([0, 0, 0], 10),
      doseAt: ([x]) => 30 + 0.5 * (x as number),
      halfSize: 20,
    }).grid;
    const two = analyticCase({ solid: sphere([0, 0, 0], 10), doseAt: () => 20, halfSize: 20 }).grid;
    const { grid, provenance } = sumDoseGrids(
      [
        { grid: one, fractions: 15, label: 'Course 1' },
        { grid: { ...two, frameOfReferenceUid: one.frameOfReferenceUid }, fractions: 5 },
      ],
      { biological: { quantity: 'EQD2', alphaBetaGy: 2 } },
    );
    expect(grid.doseType).toBe('EFFECTIVE');
    expect(provenance.biological).toEqual({
      quantity: 'EQD2',
      alphaBetaGy: 2,
      model: 'linear-quadratic',
    });
    expect(provenance.sources.map((s) => s.fractions)).toEqual([15, 5]);
    const at = createDoseSampler(grid);
    for (const x of [-20, -7.5, 0, 10, 20]) {
      const d1 = 30 + 0.5 * x;
      // Hand formula per course: D·(D/n + α/β)/(2 + α/β).
      const expected = (d1 * (d1 / 15 + 2)) / 4 + (20 * (20 / 5 + 2)) / 4;
      expect(at(x, 5, -2.5)).toBeCloseTo(expected, 3);
    }
    // BED with the same courses: D·(1 + d/(α/β)).
    const bed = sumDoseGrids(
      [
        { grid: one, fractions: 15 },
        { grid: { ...two, frameOfReferenceUid: one.frameOfReferenceUid }, fractions: 5 },
      ],
      { biological: { quantity: 'BED', alphaBetaGy: 2 } },
    ).grid;
    expect(createDoseSampler(bed)(10, 0, 0)).toBeCloseTo(35 * (1 + 35 / 15 / 2) + 20 * 3, 3);
  });

  it('refuses a biological sum without a course’s number of fractions, saying which', () => {
    const { grid } = analyticCase({ solid: sphere([0, 0, 0], 10), doseAt: () => 20 });
    expect(() =>
      sumDoseGrids(
        [
          { grid, fractions: 10 },
          { grid, label: 'Course 2' },
        ],
        {
          biological: { quantity: 'EQD2', alphaBetaGy: 3 },
        },
      ),
    ).toThrow(/Course 2 needs its number of fractions/);
    expect(() =>
      sumDoseGrids([{ grid, fractions: 10 }], {
        biological: { quantity: 'EQD2', alphaBetaGy: -1 },
      }),
    ).toThrow(/α\/β for the summation must be/);
  });
});
