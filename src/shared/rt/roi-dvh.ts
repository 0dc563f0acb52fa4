// One DVH per structure, each failing alone: another system's structure set may hold a
// structure we cannot turn into a volume (sagittal or coronal contours, open contours,
// points, contours of one or two points) beside perfectly usable ones. Each such structure
// gets its reason; the others get their DVH. What a usable structure's DVH leaves out or
// cannot vouch for (contours skipped, contours off the CT's planes, volume outside the dose
// grid) is a warning beside it. Used by the viewer's worker and the CLI.

import { computeDvh, type Dvh, type DvhOptions } from './dvh';
import { isRtError } from './errors';
import type { ImageSeries } from './parse/image';
import type { DoseGrid } from './parse/rtdose';
import type { Roi, StructureSet } from './parse/rtstruct';

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

/** The image planes a structure was drawn on: their offsets along the series' normal. */
export type ImagePlanes = Pick<ImageSeries, 'normal' | 'sliceOffsets'>;

/** The series a structure set was drawn on, among those loaded: by UID, else by frame. */
export function imagePlanesOf(
  set: StructureSet,
  series: readonly (ImagePlanes & Pick<ImageSeries, 'seriesInstanceUid' | 'frameOfReferenceUid'>)[],
): ImagePlanes | undefined {
  return (
    series.find((s) => set.referencedSeriesUids.includes(s.seriesInstanceUid)) ??
    series.find((s) => s.frameOfReferenceUid === set.frameOfReferenceUid)
  );
}

/**
 * Contours that lie between the CT's slice planes (farther than a quarter of the slice
 * spacing from every plane, at least 0.5 mm): drawn on another image or shifted. The DVH
 * uses them as drawn; the reviewer should know they do not match the CT he sees.
 */
function offPlaneWarning(roi: Roi, planes: ImagePlanes): string | undefined {
  const offsets = planes.sliceOffsets;
  if (offsets.length === 0) return undefined;
  const gaps = offsets.slice(1).map((o, i) => o - (offsets[i] as number));
  const spacing = gaps.length > 0 ? Math.min(...gaps) : 0;
  const tolerance = Math.max(0.5, spacing / 4);
  const [nx, ny, nz] = planes.normal;
  let off = 0;
  let worst = 0;
  let closed = 0;
  for (const contour of roi.contours) {
    if (contour.geometricType !== 'CLOSED_PLANAR' || contour.points.length < 9) continue;
    closed++;
    const [x, y, z] = contour.points as unknown as [number, number, number];
    const w = x * nx + y * ny + z * nz;
    let nearest = Infinity;
    for (const o of offsets) nearest = Math.min(nearest, Math.abs(w - o));
    if (nearest > tolerance) {
      off++;
      worst = Math.max(worst, nearest);
    }
  }
  if (off === 0) return undefined;
  return `${off} of ${plural(closed, 'contour')} lie off the CT's slice planes (up to ${worst.toFixed(1)} mm away); the DVH uses them as drawn`;
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

export function computeRoiDvh(
  roi: Roi,
  grid: DoseGrid,
  options: DvhOptions = {},
  /** The CT planes the set was drawn on, when loaded: contours off them are a warning. */
  imagePlanes?: ImagePlanes,
): RoiDvhOutcome {
  const base = { roiNumber: roi.number, roiName: roi.name };
  const reason = unusable(roi);
  if (reason) return { ...base, dvh: null, problem: `ROI "${roi.name}" ${reason}`, warnings: [] };
  try {
    const dvh = computeDvh(roi, grid, options);
    const outside = outsideWarning(dvh);
    const offPlane = imagePlanes ? offPlaneWarning(roi, imagePlanes) : undefined;
    const warnings = [...leftOut(roi), offPlane, outside].filter((w) => w !== undefined);
    return { ...base, dvh, warnings };
  } catch (error) {
    // The structure's own defect (not axial, beyond the work bound): this one fails alone.
    const problem = isRtError(error) ? error.message : `DVH failed (${String(error)})`;
    return { ...base, dvh: null, problem, warnings: [] };
  }
}
