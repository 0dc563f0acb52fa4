// Organ dose constraints for re-irradiation review: per organ a metric (Dmax, D<v>cc, Dmean,
// Vx) and a limit in physical dose or EQD2, evaluated to pass / close / fail.
//
// "close" means within CLOSE_MARGIN (5 %) below the limit: a value the physicist should look
// at twice (registration and contouring uncertainty across hospitals is of that order).
// A metric that cannot be read (no DVH, a structure smaller than v cc) is "not evaluable",
// never a pass.
//
// Defaults are QUANTEC's (Marks et al., Int J Radiat Oncol Biol Phys 2010;76(3 Suppl):
// S10–S19 and the organ papers in that issue), for conventional 1.8–2 Gy fractions, so they
// are applied to EQD2; the spinal cord's is the cumulative re-irradiation limit of Nieder et
// al. (Int J Radiat Oncol Biol Phys 2006;66:1446–1449): BED 135.5 Gy₂ = EQD2 67.75 Gy at
// α/β 2 Gy. The table is data: a department edits it and saves it as JSON.

import { doseAtVolume, volumeAtDoseLevel } from './dvh-metrics';
import type { Dvh } from './dvh';
import { RtError } from './errors';

export type ConstraintMetric =
  | { kind: 'Dmax' }
  | { kind: 'Dmean' }
  | { kind: 'Dcc'; cc: number }
  | { kind: 'Vx'; doseGy: number; unit: 'cc' | '%' };

/** The dose the limit (and, for Vx, the dose level) is expressed in. */
export type ConstraintDose = 'PHYSICAL' | 'EQD2';

export interface Constraint {
  organ: string;
  /** ROI names it applies to, as a case-insensitive pattern over the name without spaces, _ or -. */
  roiPattern: string;
  metric: ConstraintMetric;
  dose: ConstraintDose;
  /** Gy for a dose metric; cc or % (the metric's unit) for Vx. */
  limit: number;
  source: string;
  /**
   * The α/β (Gy) this row's EQD2 uses; absent = the published default of the structure it
   * applies to (biological.ts defaultAlphaBeta). Ignored for a physical-dose limit.
   */
  alphaBetaGy?: number;
}

export type ConstraintStatus = 'pass' | 'close' | 'fail' | 'not evaluable';

export const CLOSE_MARGIN = 0.05;

const QUANTEC = 'QUANTEC, Marks et al. IJROBP 2010;76(3 Suppl)';

export const DEFAULT_CONSTRAINTS: readonly Constraint[] = [
  {
    organ: 'Spinal cord (cumulative, re-irradiation)',
    roiPattern: '^(spinal)?cord',
    metric: { kind: 'Dmax' },
    dose: 'EQD2',
    limit: 67.75,
    source: 'Nieder et al. IJROBP 2006;66:1446 (BED 135.5 Gy2, α/β 2 Gy)',
  },
  {
    organ: 'Brainstem',
    roiPattern: '^brainstem',
    metric: { kind: 'Dmax' },
    dose: 'EQD2',
    limit: 54,
    source: `${QUANTEC}: Mayo et al., brainstem Dmax < 54 Gy`,
  },
  {
    organ: 'Optic chiasm',
    roiPattern: 'chiasm',
    metric: { kind: 'Dmax' },
    dose: 'EQD2',
    limit: 55,
    source: `${QUANTEC}: Mayo et al., optic chiasm Dmax < 55 Gy`,
  },
  {
    organ: 'Optic nerve',
    roiPattern: '^opticn',
    metric: { kind: 'Dmax' },
    dose: 'EQD2',
    limit: 55,
    source: `${QUANTEC}: Mayo et al., optic nerve Dmax < 55 Gy`,
  },
  {
    organ: 'Parotid gland',
    roiPattern: 'parotid',
    metric: { kind: 'Dmean' },
    dose: 'EQD2',
    limit: 25,
    source: `${QUANTEC}: Deasy et al., mean < 25 Gy`,
  },
  {
    organ: 'Lungs (total)',
    roiPattern: '^lungs?(total|both|minusgtv|gtv)?$',
    metric: { kind: 'Vx', doseGy: 20, unit: '%' },
    dose: 'EQD2',
    limit: 30,
    source: `${QUANTEC}: Marks et al., V20 ≤ 30–35 %`,
  },
  {
    organ: 'Heart',
    roiPattern: '^heart$',
    metric: { kind: 'Vx', doseGy: 25, unit: '%' },
    dose: 'EQD2',
    limit: 10,
    source: `${QUANTEC}: Gagliardi et al., V25 < 10 %`,
  },
  {
    organ: 'Rectum',
    roiPattern: '^rectum$',
    metric: { kind: 'Vx', doseGy: 50, unit: '%' },
    dose: 'EQD2',
    limit: 50,
    source: `${QUANTEC}: Michalski et al., V50 < 50 %`,
  },
];

export function metricLabel(metric: ConstraintMetric): string {
  if (metric.kind === 'Dcc') return `D${metric.cc}cc`;
  if (metric.kind === 'Vx') return `V${metric.doseGy}Gy (${metric.unit})`;
  return metric.kind;
}

/** Refuses a table entry that could not be evaluated sensibly, naming it. */
export function checkConstraint(c: Constraint): void {
  const bad = (why: string) =>
    new RtError('BAD_VALUE', `constraint "${c.organ} ${metricLabel(c.metric)}": ${why}`);
  if (!(Number.isFinite(c.limit) && c.limit >= 0))
    throw bad(`limit ${c.limit} is not a number ≥ 0`);
  if (c.metric.kind === 'Vx' && c.metric.unit === '%' && c.limit > 100)
    throw bad(`a volume limit of ${c.limit} % is more than the whole organ`);
  if (c.metric.kind === 'Dcc' && !(c.metric.cc > 0)) throw bad('the volume must be above 0 cc');
  if (c.metric.kind === 'Vx' && !(c.metric.doseGy >= 0)) throw bad('the dose level must be ≥ 0 Gy');
  if (
    c.alphaBetaGy !== undefined &&
    !(Number.isFinite(c.alphaBetaGy) && c.alphaBetaGy > 0 && c.alphaBetaGy <= 100)
  )
    throw bad(`α/β ${c.alphaBetaGy} Gy is not a dose above 0 and at most 100 Gy`);
  if (!c.organ.trim()) throw bad('the organ needs a name');
  try {
    new RegExp(c.roiPattern, 'i');
  } catch {
    throw bad(`the ROI pattern ${c.roiPattern} is not a valid pattern`);
  }
}

export function normalizedRoiName(name: string): string {
  return name.replace(/[\s_-]+/g, '').toLowerCase();
}

export function constraintApplies(c: Constraint, roiName: string): boolean {
  return new RegExp(c.roiPattern, 'i').test(normalizedRoiName(roiName));
}

export interface ConstraintResult {
  organ: string;
  roiName: string;
  metric: string;
  dose: ConstraintDose;
  value: number | null;
  limit: number;
  unit: 'Gy' | 'cc' | '%';
  status: ConstraintStatus;
  source: string;
  note?: string;
}

function metricValue(metric: ConstraintMetric, dvh: Dvh): { value: number | null; note?: string } {
  if (metric.kind === 'Dmax') return { value: dvh.maxGy };
  if (metric.kind === 'Dmean') return { value: dvh.meanGy };
  if (metric.kind === 'Dcc') {
    const d = doseAtVolume(dvh, { unit: 'cc', value: metric.cc });
    return { value: d.gy, note: d.note };
  }
  const v = volumeAtDoseLevel(dvh, metric.doseGy);
  return { value: metric.unit === '%' ? v.percent : v.cc };
}

export function statusOf(value: number | null, limit: number): ConstraintStatus {
  if (value === null) return 'not evaluable';
  if (value > limit) return 'fail';
  if (value > limit * (1 - CLOSE_MARGIN)) return 'close';
  return 'pass';
}

/**
 * Evaluates one constraint on one ROI, given that ROI's DVH in the constraint's dose
 * (physical, or EQD2 with the ROI's α/β); null when that DVH could not be computed.
 */
export function evaluateConstraint(
  c: Constraint,
  roiName: string,
  dvh: Dvh | null,
): ConstraintResult {
  const unit = c.metric.kind === 'Vx' ? c.metric.unit : 'Gy';
  const base = {
    organ: c.organ,
    roiName,
    metric: metricLabel(c.metric),
    dose: c.dose,
    limit: c.limit,
    unit,
    source: c.source,
  } as const;
  if (!dvh)
    return { ...base, value: null, status: 'not evaluable', note: 'no DVH for this structure' };
  const { value, note } = metricValue(c.metric, dvh);
  return { ...base, value, status: statusOf(value, c.limit), ...(note ? { note } : {}) };
}

/**
 * Every constraint of the table on every ROI it applies to. `dvhOf` gives an ROI's DVH in
 * physical dose or EQD2 (null when it has none).
 */
export function evaluateConstraintTable(
  table: readonly Constraint[],
  roiNames: readonly string[],
  dvhOf: (roiName: string, dose: ConstraintDose) => Dvh | null,
): ConstraintResult[] {
  for (const c of table) checkConstraint(c);
  return table.flatMap((c) =>
    roiNames
      .filter((name) => constraintApplies(c, name))
      .map((name) => evaluateConstraint(c, name, dvhOf(name, c.dose))),
  );
}
