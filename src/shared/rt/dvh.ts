// Dose-volume histograms from an RTSTRUCT ROI and an RTDOSE grid.
//
// Choices, so results can be compared with other systems:
// - Volume model: each contoured (axial) plane stands for a slab. Its thickness is half the
//   distance to the previous plane plus half the distance to the next one.
// - End caps: the first and last planes of a structure (and planes beside a gap wider than
//   1.5 × the structure's usual plane spacing) extend half that usual spacing outward, i.e.
//   the contour is taken to fill its whole CT slice; nothing is added beyond that.
// - In-plane sampling: a regular lattice of points (default spacing: 1/40 of the ROI's
//   smaller in-plane extent, clamped to 0.1–1 mm) is tested against all closed contours of
//   the plane with the even–odd rule, so an inner contour is a hole and nested islands work.
//   The lattice is shifted from plane to plane by a low-discrepancy (golden-ratio) offset so
//   that sampling steps do not line up across planes and pile up in the histogram.
// - Dose interpolation: trilinear on the dose grid (see dose-sampler.ts). Outside the grid:
//   the volume there counts as receiving 0 Gy (it stays in the volume, the mean and the
//   histogram, since the planning system computed no dose there), and `outsideGridCc` says
//   how much of the structure that is, so the viewer and the CLI can warn.
// - Statistics: the mean comes from the samples; Dx and Vx come from a fine histogram
//   (default bin 0.01 Gy) with linear interpolation inside a bin.
// - Min and max are the extremes of the dose inside the structure, not of the lattice: they
//   are taken over the lattice samples together with every dose-grid voxel centre that lies
//   inside the structure (in a plane's slab and inside its contours, even–odd). Trilinear
//   dose takes its extremes at grid samples or on the structure's surface, so this finds the
//   hot and cold spots a 1 mm lattice steps over on a steep gradient. The voxel-centre pass
//   needs an axial dose grid (rows along ±x, columns along ±y), which is what planning
//   systems write; on an oblique grid the extremes are the lattice's (stated in the Dvh).
// - Work bound: the lattice and the histogram are sized before any sampling, and a DVH that
//   would need more than MAX_LATTICE_WORK steps or MAX_BINS bins is refused with an error
//   naming what made it so (hostile input must not hang the viewer's worker or the CLI).

import { RtError } from './errors';
import { createDoseSampler } from './dose-sampler';
import type { DoseGrid } from './parse/rtdose';
import type { Roi, StructureSet } from './parse/rtstruct';

export interface DvhOptions {
  /** Lattice spacing in mm; default from the ROI size (see above). */
  resolutionMm?: number;
  binWidthGy?: number;
  /** Slab thickness for an ROI contoured on a single plane; default the grid frame spacing. */
  singlePlaneThicknessMm?: number;
}

export interface Dvh {
  roiNumber: number;
  roiName: string;
  /** GY, or RELATIVE when the grid holds relative dose. */
  units: string;
  volumeCc: number;
  minGy: number;
  maxGy: number;
  meanGy: number;
  binWidthGy: number;
  /** Volume (cc) with dose in [k·bin, (k+1)·bin). */
  differentialCc: Float64Array;
  /** Volume (cc) receiving at least k·bin; one entry longer than differentialCc. */
  cumulativeCc: Float64Array;
  samples: number;
  planes: number;
  resolutionMm: number;
  /** Volume (cc) of the structure outside the dose grid, counted as 0 Gy. */
  outsideGridCc: number;
  /** Whether min and max include the dose-grid samples inside the structure (false: an oblique grid, or no sample centre lies inside). */
  extremesIncludeGridSamples: boolean;
}

export interface DvhSummary {
  volumeCc: number;
  minGy: number;
  meanGy: number;
  maxGy: number;
  d98Gy: number;
  d95Gy: number;
  d50Gy: number;
  d2Gy: number;
}

interface Plane {
  z: number;
  polygons: Float64Array[];
  thickness: number;
  /** The slab this plane stands for: [zFrom, zTo). */
  zFrom: number;
  zTo: number;
}

const PLANE_TOLERANCE_MM = 0.05;
/**
 * Lattice rows × (columns + polygon edges) summed over planes: about ten times what a
 * whole-body BODY contour needs at the default 1 mm lattice, a few seconds of work.
 */
export const MAX_LATTICE_WORK = 5e8;
/** Histogram bins (Float64: 32 MiB), ample for 10 000 Gy at 0.01 Gy. */
export const MAX_BINS = 2 ** 22;

/** Steps the scan-line sampler will take: checked before it takes any. */
function latticeWork(planes: readonly Plane[], res: number): number {
  let work = 0;
  for (const plane of planes) {
    const { minX, maxX, minY, maxY } = boundsXY([plane]);
    let edges = 0;
    for (const polygon of plane.polygons) edges += polygon.length / 3;
    if (edges === 0) continue;
    const rows = (maxY - minY) / res + 1;
    const columns = (maxX - minX) / res + 1;
    work += rows * (columns + edges);
  }
  return work;
}

function checkWork(
  roi: Roi,
  planes: readonly Plane[],
  res: number,
  bins: number,
  binWidth: number,
) {
  const work = latticeWork(planes, res);
  if (!(work <= MAX_LATTICE_WORK))
    throw new RtError(
      'BAD_VALUE',
      `ROI "${roi.name}": (3006,0050) ContourData spans ${planes.length} planes that need ${work.toPrecision(3)} sampling steps at ${res} mm, more than the limit of ${MAX_LATTICE_WORK}`,
      undefined,
      '(3006,0050) ContourData',
    );
  if (!(bins <= MAX_BINS))
    throw new RtError(
      'BAD_VALUE',
      `ROI "${roi.name}": the dose needs ${bins.toPrecision(3)} histogram bins of ${binWidth} Gy, more than the limit of ${MAX_BINS}`,
    );
}

function contourPlanes(roi: Roi, fallbackThickness: number): Plane[] {
  const byZ = new Map<number, Float64Array[]>();
  for (const contour of roi.contours) {
    if (contour.geometricType !== 'CLOSED_PLANAR' || contour.points.length < 9) continue;
    const { points } = contour;
    const z = points[2] as number;
    for (let i = 5; i < points.length; i += 3)
      if (Math.abs((points[i] as number) - z) > PLANE_TOLERANCE_MM)
        throw new RtError(
          'UNSUPPORTED',
          `ROI "${roi.name}": contour is not in an axial plane (z varies); only axial contours are supported`,
        );
    const key = Math.round(z * 100) / 100;
    const list = byZ.get(key) ?? [];
    list.push(points);
    byZ.set(key, list);
  }
  const zs = [...byZ.keys()].sort((a, b) => a - b);
  const gaps = zs.slice(1).map((z, i) => z - (zs[i] as number));
  const sortedGaps = [...gaps].sort((a, b) => a - b);
  const usual = sortedGaps[Math.floor(sortedGaps.length / 2)] ?? fallbackThickness;
  const joined = (gap: number | undefined) => gap !== undefined && gap <= usual * 1.5;
  return zs.map((z, i) => {
    const below = gaps[i - 1];
    const above = gaps[i];
    const down = (joined(below) ? (below as number) : usual) / 2;
    const up = (joined(above) ? (above as number) : usual) / 2;
    return { z, polygons: byZ.get(z) ?? [], thickness: down + up, zFrom: z - down, zTo: z + up };
  });
}

/** The in-plane bounding box of every contour point of the planes. */
function boundsXY(planes: readonly Plane[]) {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const plane of planes)
    for (const polygon of plane.polygons)
      for (let i = 0; i < polygon.length; i += 3) {
        const x = polygon[i] as number;
        const y = polygon[i + 1] as number;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
  return { minX, maxX, minY, maxY };
}

function defaultResolution(planes: readonly Plane[]): number {
  const { minX, maxX, minY, maxY } = boundsXY(planes);
  const extent = Math.min(maxX - minX, maxY - minY);
  return Math.min(1, Math.max(0.1, extent / 40));
}

const GOLDEN = 0.6180339887498949;

/** Lattice offset (fraction of a step) for the plane with this index: a 2-D golden sequence. */
function latticeOffset(planeIndex: number): [number, number] {
  return [((planeIndex + 1) * GOLDEN) % 1, ((planeIndex + 1) * GOLDEN * GOLDEN) % 1];
}

/**
 * Calls visit(x, y) for every lattice point (i + ox)·res, (j + oy)·res inside the plane's
 * contours (even–odd rule).
 */
function forEachInsidePoint(
  polygons: readonly Float64Array[],
  res: number,
  [ox, oy]: readonly [number, number],
  visit: (x: number, y: number) => void,
): void {
  let minY = Infinity;
  let maxY = -Infinity;
  const edges: number[] = [];
  for (const polygon of polygons) {
    const n = polygon.length / 3;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const y1 = polygon[i * 3 + 1] as number;
      const y2 = polygon[j * 3 + 1] as number;
      if (y1 === y2) continue;
      edges.push(polygon[i * 3] as number, y1, polygon[j * 3] as number, y2);
      minY = Math.min(minY, y1, y2);
      maxY = Math.max(maxY, y1, y2);
    }
  }
  if (edges.length === 0) return;
  const crossings: number[] = [];
  const firstRow = Math.ceil(minY / res - oy);
  const lastRow = Math.floor(maxY / res - oy);
  for (let j = firstRow; j <= lastRow; j++) {
    const y = (j + oy) * res;
    crossings.length = 0;
    for (let e = 0; e < edges.length; e += 4) {
      const x1 = edges[e] as number;
      const y1 = edges[e + 1] as number;
      const x2 = edges[e + 2] as number;
      const y2 = edges[e + 3] as number;
      // Half-open test so a vertex exactly on the scan line counts once.
      if (y1 <= y !== y2 <= y) crossings.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.ceil((crossings[k] as number) / res - ox);
      const to = Math.ceil((crossings[k + 1] as number) / res - ox) - 1;
      for (let i = from; i <= to; i++) visit((i + ox) * res, y);
    }
  }
}

function frameSpacing(grid: DoseGrid): number {
  if (grid.frames < 2) return Math.min(grid.rowSpacing, grid.columnSpacing);
  return Math.abs((grid.frameOffsets[1] as number) - (grid.frameOffsets[0] as number));
}

/** Extremes of the dose-grid samples whose centres lie inside the structure (null: none, or an oblique grid). */
function gridSampleExtremes(
  planes: readonly Plane[],
  grid: DoseGrid,
): { min: number; max: number } | null {
  const [rx, ry, rz] = grid.rowDirection;
  const [cx, cy, cz] = grid.columnDirection;
  const axial =
    Math.abs(Math.abs(rx) - 1) < 1e-6 &&
    Math.abs(ry) < 1e-6 &&
    Math.abs(rz) < 1e-6 &&
    Math.abs(cx) < 1e-6 &&
    Math.abs(Math.abs(cy) - 1) < 1e-6 &&
    Math.abs(cz) < 1e-6;
  if (!axial) return null;
  const { columns, rows, frames, dose } = grid;
  const [px, py, pz] = grid.position;
  const nz = rx * cy; // the plane normal's z for an axial grid (row × column direction)
  const stepX = rx * grid.columnSpacing;
  const stepY = cy * grid.rowSpacing;
  const planeSize = rows * columns;
  let min = Infinity;
  let max = -Infinity;
  const crossings: number[] = [];
  for (let k = 0; k < frames; k++) {
    const z = pz + nz * (grid.frameOffsets[k] as number);
    const plane = planes.find((p) => z >= p.zFrom && z < p.zTo);
    if (!plane) continue;
    const base = k * planeSize;
    for (let r = 0; r < rows; r++) {
      const y = py + r * stepY;
      crossings.length = 0;
      for (const polygon of plane.polygons) {
        const n = polygon.length / 3;
        for (let i = 0; i < n; i++) {
          const j = (i + 1) % n;
          const x1 = polygon[i * 3] as number;
          const y1 = polygon[i * 3 + 1] as number;
          const x2 = polygon[j * 3] as number;
          const y2 = polygon[j * 3 + 1] as number;
          // Same half-open rule as the lattice, so both passes agree on what is inside.
          if (y1 <= y !== y2 <= y) crossings.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
        }
      }
      if (crossings.length < 2) continue;
      crossings.sort((a, b) => a - b);
      for (let e = 0; e + 1 < crossings.length; e += 2) {
        // Columns whose centre x lies in [from, to) of this span.
        const a = ((crossings[e] as number) - px) / stepX;
        const b = ((crossings[e + 1] as number) - px) / stepX;
        const first = Math.max(0, Math.ceil(Math.min(a, b)));
        const last = Math.min(columns - 1, Math.ceil(Math.max(a, b)) - 1);
        const row = base + r * columns;
        for (let c = first; c <= last; c++) {
          const d = dose[row + c] as number;
          if (d < min) min = d;
          if (d > max) max = d;
        }
      }
    }
  }
  return max >= min ? { min, max } : null;
}

export function computeDvh(roi: Roi, grid: DoseGrid, options: DvhOptions = {}): Dvh {
  if (roi.frameOfReferenceUid !== grid.frameOfReferenceUid)
    throw new RtError(
      'FRAME_OF_REFERENCE_MISMATCH',
      `ROI "${roi.name}" is in frame of reference ${roi.frameOfReferenceUid}, the dose in ${grid.frameOfReferenceUid}`,
      grid.file,
    );
  const planes = contourPlanes(roi, options.singlePlaneThicknessMm ?? frameSpacing(grid));
  const res = options.resolutionMm ?? defaultResolution(planes);
  const binWidth = options.binWidthGy ?? 0.01;
  if (!(res > 0) || !(binWidth > 0))
    throw new RtError('BAD_VALUE', 'DVH resolution and bin width must be positive');
  // Interpolated dose never exceeds the grid's largest sample, so this many bins suffice.
  const binCount = Math.floor(grid.maxDose / binWidth) + 1;
  checkWork(roi, planes, res, binCount, binWidth);
  // NaN marks a point outside the grid: it counts as 0 Gy, and its volume is reported.
  const sampler = createDoseSampler(grid, NaN);

  const histogram = new Float64Array(binCount);
  const lastBin = binCount - 1;
  let volumeMm3 = 0;
  let outsideMm3 = 0;
  let doseVolume = 0;
  let minDose = Infinity;
  let maxDose = -Infinity;
  let samples = 0;
  planes.forEach((plane, index) => {
    const weight = res * res * plane.thickness;
    const z = plane.z;
    forEachInsidePoint(plane.polygons, res, latticeOffset(index), (x, y) => {
      let dose = sampler(x, y, z);
      if (Number.isNaN(dose)) {
        outsideMm3 += weight;
        dose = 0;
      }
      // Clamped so float rounding at the top (or a negative sample) stays in the table.
      const bin = Math.min(Math.max(Math.floor(dose / binWidth), 0), lastBin);
      histogram[bin] = (histogram[bin] as number) + weight;
      volumeMm3 += weight;
      doseVolume += dose * weight;
      if (dose < minDose) minDose = dose;
      if (dose > maxDose) maxDose = dose;
      samples++;
    });
  });

  const bins = samples === 0 ? 0 : Math.min(Math.floor(maxDose / binWidth) + 1, binCount);
  const atSamples = samples > 0 ? gridSampleExtremes(planes, grid) : null;
  if (atSamples) {
    minDose = Math.min(minDose, atSamples.min);
    maxDose = Math.max(maxDose, atSamples.max);
  }
  const differentialCc = new Float64Array(bins);
  for (let k = 0; k < bins; k++) differentialCc[k] = (histogram[k] as number) / 1000;
  const cumulativeCc = new Float64Array(bins + 1);
  for (let k = bins - 1; k >= 0; k--)
    cumulativeCc[k] = (cumulativeCc[k + 1] as number) + (differentialCc[k] as number);
  return {
    roiNumber: roi.number,
    roiName: roi.name,
    units: grid.units,
    volumeCc: volumeMm3 / 1000,
    minGy: samples === 0 ? 0 : minDose,
    maxGy: samples === 0 ? 0 : maxDose,
    meanGy: volumeMm3 === 0 ? 0 : doseVolume / volumeMm3,
    binWidthGy: binWidth,
    differentialCc,
    cumulativeCc,
    samples,
    planes: planes.length,
    resolutionMm: res,
    outsideGridCc: outsideMm3 / 1000,
    extremesIncludeGridSamples: atSamples !== null,
  };
}

/** Dx in Gy: the minimum dose received by the hottest `cc` of the structure. */
export function doseAtVolumeCc(dvh: Dvh, cc: number): number {
  const { cumulativeCc, differentialCc, binWidthGy } = dvh;
  if (dvh.samples === 0) return 0;
  if (cc <= 0) return dvh.maxGy;
  if (cc >= dvh.volumeCc) return dvh.minGy;
  // Largest k whose cumulative volume still reaches cc (cumulative is non-increasing).
  let lo = 0;
  let hi = cumulativeCc.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((cumulativeCc[mid] as number) >= cc) lo = mid;
    else hi = mid;
  }
  const inBin = differentialCc[lo] as number;
  const fraction = inBin > 0 ? ((cumulativeCc[lo] as number) - cc) / inBin : 0;
  const dose = (lo + Math.min(Math.max(fraction, 0), 1)) * binWidthGy;
  return Math.min(Math.max(dose, dvh.minGy), dvh.maxGy);
}

/** Dx% in Gy, e.g. doseAtVolumePercent(dvh, 95) is D95. */
export function doseAtVolumePercent(dvh: Dvh, percent: number): number {
  return doseAtVolumeCc(dvh, (percent / 100) * dvh.volumeCc);
}

/** Vx: the volume receiving at least `doseGy`, in cc and as a percentage. */
export function volumeAtDose(dvh: Dvh, doseGy: number): { cc: number; percent: number } {
  const { cumulativeCc, differentialCc, binWidthGy } = dvh;
  let cc: number;
  if (dvh.samples === 0 || doseGy > dvh.maxGy) cc = 0;
  else if (doseGy <= dvh.minGy) cc = dvh.volumeCc;
  else {
    const k = Math.floor(doseGy / binWidthGy);
    const above = (cumulativeCc[k + 1] as number | undefined) ?? 0;
    const partial = ((k + 1) * binWidthGy - doseGy) / binWidthGy;
    cc = above + ((differentialCc[k] as number | undefined) ?? 0) * partial;
  }
  return { cc, percent: dvh.volumeCc > 0 ? (100 * cc) / dvh.volumeCc : 0 };
}

export function summarizeDvh(dvh: Dvh): DvhSummary {
  return {
    volumeCc: dvh.volumeCc,
    minGy: dvh.minGy,
    meanGy: dvh.meanGy,
    maxGy: dvh.maxGy,
    d98Gy: doseAtVolumePercent(dvh, 98),
    d95Gy: doseAtVolumePercent(dvh, 95),
    d50Gy: doseAtVolumePercent(dvh, 50),
    d2Gy: doseAtVolumePercent(dvh, 2),
  };
}

export interface RoiDvh {
  roi: Roi;
  /** null when the ROI has no closed planar contours (points, open contours). */
  dvh: Dvh | null;
}

/** DVHs of every ROI of a structure set against one dose grid. */
export function computeStructureSetDvhs(
  structureSet: StructureSet,
  grid: DoseGrid,
  options: DvhOptions = {},
): RoiDvh[] {
  if (structureSet.frameOfReferenceUid !== grid.frameOfReferenceUid)
    throw new RtError(
      'FRAME_OF_REFERENCE_MISMATCH',
      `structure set ${structureSet.file} and dose ${grid.file} are in different frames of reference`,
    );
  return structureSet.rois.map((roi) => {
    const closed = roi.contours.some((c) => c.geometricType === 'CLOSED_PLANAR');
    return { roi, dvh: closed ? computeDvh(roi, grid, options) : null };
  });
}
