import { describe, expect, it } from 'vitest';
import {
  CLOSE_MARGIN,
  DEFAULT_CONSTRAINTS,
  evaluateConstraint,
  evaluateConstraintTable,
  statusOf,
  type Constraint,
} from '../../src/shared/rt/constraints';
import { computeDvh } from '../../src/shared/rt/dvh';
import { sumDoseGrids } from '../../src/shared/rt/sum';
import { sphere } from '../../src/shared/rt/synth/shapes';
import { analyticCase } from './helpers';

const cord = DEFAULT_CONSTRAINTS.find((c) => c.organ.startsWith('Spinal cord')) as Constraint;

describe('dose constraints', () => {
  it('passes, is close within 5 % below the limit, fails above it', () => {
    expect(CLOSE_MARGIN).toBe(0.05);
    expect(statusOf(60, 67.75)).toBe('pass');
    expect(statusOf(64.5, 67.75)).toBe('close');
    expect(statusOf(67.75, 67.75)).toBe('close');
    expect(statusOf(67.8, 67.75)).toBe('fail');
    expect(statusOf(null, 67.75)).toBe('not evaluable');
  });

  it('fails a cord whose cumulative EQD2 exceeds the re-irradiation limit', () => {
    // 40 Gy in 20 fractions then 30 Gy in 10, α/β 2 Gy: EQD2 40·4/4 + 30·5/4 = 77.5 Gy,
    // above 67.75 Gy (Nieder 2006), though each course alone is below it.
    const one = analyticCase({ solid: sphere([0, 0, 0], 8), doseAt: () => 40 });
    const two = analyticCase({ solid: sphere([0, 0, 0], 8), doseAt: () => 30 }).grid;
    const sources = [
      { grid: one.grid, fractions: 20 },
      { grid: { ...two, frameOfReferenceUid: one.grid.frameOfReferenceUid }, fractions: 10 },
    ];
    const eqd2 = sumDoseGrids(sources, { biological: { quantity: 'EQD2', alphaBetaGy: 2 } });
    const result = evaluateConstraint(cord, 'SPINAL_CORD', computeDvh(one.roi, eqd2.grid));
    expect(result).toMatchObject({ metric: 'Dmax', dose: 'EQD2', limit: 67.75, status: 'fail' });
    expect(result.value).toBeCloseTo(77.5, 3);
    expect(result.source).toMatch(/Nieder/);
    for (const s of sources) {
      const alone = sumDoseGrids([s], { biological: { quantity: 'EQD2', alphaBetaGy: 2 } });
      expect(evaluateConstraint(cord, 'SPINAL_CORD', computeDvh(one.roi, alone.grid)).status).toBe(
        'pass',
      );
    }
  });

  it('evaluates Vx against a volume limit and Dcc only where the organ is large enough', () => {
    // 50 + 0.6·x Gy over a sphere: half of it receives at least 50 Gy.
    const { roi, grid } = analyticCase({
      solid: sphere([0, 0, 0], 20),
      doseAt: ([x]) => 50 + 0.6 * (x as number),
    });
    const dvh = computeDvh(roi, grid);
    const v50 = (limit: number): Constraint => ({
      organ: 'Test',
      roiPattern: 'solid',
      metric: { kind: 'Vx', doseGy: 50, unit: '%' },
      dose: 'PHYSICAL',
      limit,
      source: 'test table',
    });
    expect(evaluateConstraint(v50(60), 'SOLID', dvh).status).toBe('pass');
    expect(evaluateConstraint(v50(51), 'SOLID', dvh).status).toBe('close');
    expect(evaluateConstraint(v50(45), 'SOLID', dvh).status).toBe('fail');
    expect(evaluateConstraint(v50(60), 'SOLID', dvh)).toMatchObject({ unit: '%' });

    const small = analyticCase({ solid: sphere([0, 0, 0], 5), doseAt: () => 30 });
    const d2cc: Constraint = { ...v50(40), metric: { kind: 'Dcc', cc: 2 } };
    const result = evaluateConstraint(d2cc, 'SOLID', computeDvh(small.roi, small.grid));
    expect(result.status).toBe('not evaluable');
    expect(result.note).toMatch(/smaller than 2 cc/);
    expect(evaluateConstraint(d2cc, 'SOLID', null).status).toBe('not evaluable');
  });

  it('applies the default table to the organs it names, by ROI name', () => {
    const { roi, grid } = analyticCase({ solid: sphere([0, 0, 0], 10), doseAt: () => 20 });
    const dvh = computeDvh(roi, grid);
    const asked: string[] = [];
    const results = evaluateConstraintTable(
      DEFAULT_CONSTRAINTS,
      ['SPINAL_CORD', 'Brain Stem', 'LUNG_R', 'PTV', 'Lungs'],
      (name, dose) => {
        asked.push(`${name}/${dose}`);
        return dvh;
      },
    );
    expect(results.map((r) => [r.organ, r.roiName, r.status])).toEqual([
      ['Spinal cord (cumulative, re-irradiation)', 'SPINAL_CORD', 'pass'],
      ['Brainstem', 'Brain Stem', 'pass'],
      ['Lungs (total)', 'Lungs', 'fail'], // 100 % of it receives 20 Gy
    ]);
    expect(asked).toEqual(['SPINAL_CORD/EQD2', 'Brain Stem/EQD2', 'Lungs/EQD2']);
    for (const c of DEFAULT_CONSTRAINTS) expect(c.source).toMatch(/QUANTEC|Nieder/);
  });

  it('refuses a table entry with an impossible limit, naming it', () => {
    const bad: Constraint = { ...cord, limit: Number.NaN };
    expect(() => evaluateConstraintTable([bad], ['SPINAL_CORD'], () => null)).toThrow(
      /constraint "Spinal cord .* Dmax": limit NaN is not a number/,
    );
  });
});
