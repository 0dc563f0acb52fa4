// The constraint table as the physicist sees it beside the cumulative DVH: one row per
// constraint and structure it applies to, with the α/β that row's EQD2 used (the edited
// value, or the published default of that structure, shown either way), the cumulative
// value and pass / close / fail. Pure: the viewer and the dose-history report both build
// their rows here, so the report holds exactly the numbers the screen shows.

import { defaultAlphaBeta, type AlphaBeta } from './biological';
import {
  checkConstraint,
  constraintApplies,
  evaluateConstraint,
  normalizedRoiName,
  type Constraint,
  type ConstraintResult,
} from './constraints';
import type { Dvh } from './dvh';

export interface TableRoi {
  name: string;
  interpretedType?: string;
}

export interface ConstraintRow {
  /** Index of the constraint in the table (a row edit changes that constraint). */
  index: number;
  constraint: Constraint;
  /** Null when no structure of the summed set matches the constraint. */
  roiName: string | null;
  /** For an EQD2 limit: the α/β used, and the published default for this structure. */
  alphaBeta: AlphaBeta | null;
  defaultAlphaBetaGy: number | null;
  /** Null while the EQD2 DVH is still being computed, or when no structure matches. */
  result: ConstraintResult | null;
}

/** What a row's EQD2 needs: the structure and the α/β, one DVH per distinct pair. */
export interface Eqd2Need {
  roiName: string;
  alphaBetaGy: number;
}

export const eqd2Key = (need: Eqd2Need) => `${need.roiName}@${need.alphaBetaGy}`;

function alphaBetaOf(c: Constraint, roi: TableRoi): AlphaBeta {
  return c.alphaBetaGy === undefined
    ? defaultAlphaBeta(roi)
    : { gy: c.alphaBetaGy, basis: 'edited' };
}

/** The EQD2 DVHs the table needs, each (structure, α/β) once. */
export function eqd2Needs(table: readonly Constraint[], rois: readonly TableRoi[]): Eqd2Need[] {
  const needs = new Map<string, Eqd2Need>();
  for (const c of table) {
    if (c.dose !== 'EQD2') continue;
    for (const roi of rois.filter((r) => constraintApplies(c, r.name))) {
      const need = { roiName: roi.name, alphaBetaGy: alphaBetaOf(c, roi).gy };
      needs.set(eqd2Key(need), need);
    }
  }
  return [...needs.values()];
}

/**
 * Every row of the table. `physical` gives a structure's cumulative physical DVH, `eqd2`
 * its cumulative EQD2 DVH at an α/β (undefined = not computed yet; null = none).
 */
export function constraintRows(
  table: readonly Constraint[],
  rois: readonly TableRoi[],
  physical: (roiName: string) => Dvh | null,
  eqd2: (need: Eqd2Need) => Dvh | null | undefined,
): ConstraintRow[] {
  for (const c of table) checkConstraint(c);
  return table.flatMap((constraint, index): ConstraintRow[] => {
    const matching = rois.filter((r) => constraintApplies(constraint, r.name));
    if (matching.length === 0)
      return [
        {
          index,
          constraint,
          roiName: null,
          alphaBeta: null,
          defaultAlphaBetaGy: null,
          result: null,
        },
      ];
    return matching.map((roi) => {
      if (constraint.dose === 'PHYSICAL')
        return {
          index,
          constraint,
          roiName: roi.name,
          alphaBeta: null,
          defaultAlphaBetaGy: null,
          result: evaluateConstraint(constraint, roi.name, physical(roi.name)),
        };
      const alphaBeta = alphaBetaOf(constraint, roi);
      const dvh = eqd2({ roiName: roi.name, alphaBetaGy: alphaBeta.gy });
      return {
        index,
        constraint,
        roiName: roi.name,
        alphaBeta,
        defaultAlphaBetaGy: defaultAlphaBeta(roi).gy,
        result: dvh === undefined ? null : evaluateConstraint(constraint, roi.name, dvh),
      };
    });
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The pattern of a constraint added for one structure: that name exactly. */
export function roiPatternFor(roiName: string): string {
  return `^${escapeRegExp(normalizedRoiName(roiName))}$`;
}

/** Where a row added or edited on this workstation says it came from. */
export const EDITED_SOURCE = 'department table (edited on this workstation)';
