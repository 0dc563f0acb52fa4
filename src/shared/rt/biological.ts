// Biologically effective dose for re-irradiation review: BED and EQD2 (the linear-quadratic
// model), voxel by voxel, from each course's own number of fractions, with α/β per structure.
//
//   d = D / n (dose per fraction in this voxel)
//   BED  = D · (1 + d / (α/β))
//   EQD2 = D · (d + α/β) / (2 + α/β)
//
// Default α/β (each editable): 10 Gy for tumour/target volumes and 3 Gy for late-responding
// normal tissue, the values of Joiner & van der Kogel (eds), Basic Clinical Radiobiology,
// 4th ed. (2009); 2 Gy for spinal cord and brainstem, the value of the re-irradiation cord
// tolerance data (Nieder et al., Int J Radiat Oncol Biol Phys 2006;66:1446–1449, cumulative
// BED with α/β = 2 Gy). The LQ model does not account for repair between courses or for
// very high doses per fraction; the result says which model and values it used.

import { RtError } from './errors';

export type BiologicalQuantity = 'EQD2' | 'BED';

export interface AlphaBeta {
  gy: number;
  /** Why this value: a default's category, or "edited". */
  basis:
    | 'target (default)'
    | 'spinal cord / brainstem (default)'
    | 'late-responding organ (default)'
    | 'edited';
}

export const DEFAULT_ALPHA_BETA_GY = { target: 10, cordBrainstem: 2, lateOrgan: 3 } as const;

const TARGET_TYPES = new Set(['PTV', 'CTV', 'GTV', 'ITV']);
const TARGET_NAME = /^(PTV|CTV|GTV|ITV)|[\s_-](PTV|CTV|GTV|ITV)/i;
const CORD_OR_BRAINSTEM = /cord|brain[\s_-]*stem|medulla/i;

/** The default α/β of a structure from its RTSTRUCT interpreted type and name. */
export function defaultAlphaBeta(roi: { name: string; interpretedType?: string }): AlphaBeta {
  const type = roi.interpretedType?.toUpperCase() ?? '';
  if (TARGET_TYPES.has(type) || TARGET_NAME.test(roi.name))
    return { gy: DEFAULT_ALPHA_BETA_GY.target, basis: 'target (default)' };
  if (CORD_OR_BRAINSTEM.test(roi.name))
    return { gy: DEFAULT_ALPHA_BETA_GY.cordBrainstem, basis: 'spinal cord / brainstem (default)' };
  return { gy: DEFAULT_ALPHA_BETA_GY.lateOrgan, basis: 'late-responding organ (default)' };
}

/** A structure's α/β: the edited value when there is one (by ROI name), else the default. */
export function alphaBetaFor(
  roi: { name: string; interpretedType?: string },
  edited: Readonly<Record<string, number>> = {},
): AlphaBeta {
  const value = edited[roi.name];
  if (value === undefined) return defaultAlphaBeta(roi);
  checkAlphaBeta(value, roi.name);
  return { gy: value, basis: 'edited' };
}

export function checkAlphaBeta(gy: number, what: string): void {
  if (!(Number.isFinite(gy) && gy > 0 && gy <= 100))
    throw new RtError(
      'BAD_VALUE',
      `α/β for ${what} must be a dose in Gy above 0 and at most 100, not ${gy}; no biological dose was computed`,
    );
}

export function checkFractions(fractions: number, what: string): void {
  if (!(Number.isInteger(fractions) && fractions >= 1))
    throw new RtError(
      'BAD_VALUE',
      `${what} needs its number of fractions (a whole number of at least 1) to compute biological dose, not ${fractions}`,
    );
}

/** BED or EQD2 of a total physical dose D (Gy) given in n fractions. */
export function biologicalDose(
  quantity: BiologicalQuantity,
  doseGy: number,
  fractions: number,
  alphaBetaGy: number,
): number {
  const perFraction = doseGy / fractions;
  return quantity === 'BED'
    ? doseGy * (1 + perFraction / alphaBetaGy)
    : (doseGy * (perFraction + alphaBetaGy)) / (2 + alphaBetaGy);
}

/** The same transform over every sample of a grid's dose. */
export function biologicalDoseArray(
  quantity: BiologicalQuantity,
  dose: Float32Array,
  fractions: number,
  alphaBetaGy: number,
): Float32Array {
  const out = new Float32Array(dose.length);
  const bed = quantity === 'BED';
  const inverseN = 1 / fractions;
  const k = bed ? 1 / alphaBetaGy : 1 / (2 + alphaBetaGy);
  for (let i = 0; i < dose.length; i++) {
    const d = dose[i] as number;
    out[i] = bed ? d * (1 + d * inverseN * k) : d * (d * inverseN + alphaBetaGy) * k;
  }
  return out;
}
