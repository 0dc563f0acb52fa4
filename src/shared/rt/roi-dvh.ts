// One DVH per structure, each failing alone: another system's structure set may hold a
// structure we cannot turn into a volume (sagittal or coronal contours, open contours,
// points, contours of one or two points) beside perfectly usable ones. Each such structure
// gets its reason; the others get their DVH. Used by the viewer's worker and the CLI.

import { computeDvh, type Dvh, type DvhOptions } from './dvh';
import { isRtError } from './errors';
import type { DoseGrid } from './parse/rtdose';
import type { Roi } from './parse/rtstruct';

export interface RoiDvhOutcome {
  roiNumber: number;
  roiName: string;
  dvh: Dvh | null;
  /** Why there is no DVH, in a sentence naming the structure's own defect. */
  problem?: string;
  /** Said beside a DVH that was computed: contours left out, volume outside the grid. */
  warnings: string[];
}

/** How the DVH treats volume outside the dose grid (stated in the CLI help and the viewer). */
export const OUTSIDE_GRID_CONVENTION = 'volume outside the dose grid counts as receiving 0 Gy';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Why a structure has no volume to histogram, or undefined when it may have one. */
function unusable(roi: Roi): string | undefined {
  if (roi.contours.length === 0) return 'has no contours';
  const closed = roi.contours.filter((c) => c.geometricType === 'CLOSED_PLANAR');
  if (closed.length === 0) {
    const types = [...new Set(roi.contours.map((c) => c.geometricType))].join(', ');
    return `has only ${types} contours; a volume needs CLOSED_PLANAR contours`;
  }
  if (closed.every((c) => c.points.length < 9))
    return 'every closed contour has fewer than 3 points, so it encloses no area';
  return undefined;
}

/** What is left out of a structure that does have a volume. */
function leftOut(roi: Roi): string[] {
  const warnings: string[] = [];
  const open = roi.contours.filter((c) => c.geometricType !== 'CLOSED_PLANAR').length;
  if (open > 0) warnings.push(`${plural(open, 'contour')} not CLOSED_PLANAR left out`);
  const tiny = roi.contours.filter(
    (c) => c.geometricType === 'CLOSED_PLANAR' && c.points.length < 9,
  ).length;
  if (tiny > 0) warnings.push(`${plural(tiny, 'closed contour')} of fewer than 3 points left out`);
  return warnings;
}

function outsideWarning(dvh: Dvh): string | undefined {
  if (!(dvh.outsideGridCc > 0) || !(dvh.volumeCc > 0)) return undefined;
  const percent = (100 * dvh.outsideGridCc) / dvh.volumeCc;
  return `${percent.toFixed(1)}% of its volume (${dvh.outsideGridCc.toFixed(2)} cc) lies outside the dose grid; ${OUTSIDE_GRID_CONVENTION}`;
}

/** Share (0–100) of the structure's volume outside the dose grid. */
export function outsideGridPercent(dvh: Dvh): number {
  return dvh.volumeCc > 0 ? (100 * dvh.outsideGridCc) / dvh.volumeCc : 0;
}

export function computeRoiDvh(roi: Roi, grid: DoseGrid, options: DvhOptions = {}): RoiDvhOutcome {
  const base = { roiNumber: roi.number, roiName: roi.name };
  const reason = unusable(roi);
  if (reason) return { ...base, dvh: null, problem: `ROI "${roi.name}" ${reason}`, warnings: [] };
  try {
    const dvh = computeDvh(roi, grid, options);
    const outside = outsideWarning(dvh);
    return { ...base, dvh, warnings: [...leftOut(roi), ...(outside ? [outside] : [])] };
  } catch (error) {
    // The structure's own defect (not axial, beyond the work bound): this one fails alone.
    const problem = isRtError(error) ? error.message : `DVH failed (${String(error)})`;
    return { ...base, dvh: null, problem, warnings: [] };
  }
}
