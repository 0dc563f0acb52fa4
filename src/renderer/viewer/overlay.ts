// What the viewer draws over a CT slice, in cornerstone's pixel coordinate system (pixel
// (c, r) spans [c, c+1] × [r, r+1]): structure contours, and dose as isodose lines or a
// colour wash. Dose is resampled from the grid onto a lattice over the slice (trilinear,
// the same sampler the DVH uses), once per slice, then cached by the caller.
import { createDoseSampler } from '../../shared/rt/dose-sampler';
import {
  dot,
  patientToPixel,
  pixelToPatient,
  planeNormal,
  type PlaneGeometry,
} from '../../shared/rt/geometry';
import type { ImageSlice } from '../../shared/rt/parse/image';
import type { DoseGrid } from '../../shared/rt/parse/rtdose';
import type { Roi } from '../../shared/rt/parse/rtstruct';

export interface DosePlane {
  /** Samples per row and per column of the lattice. */
  width: number;
  height: number;
  /** Canvas (CT pixel) units per lattice step. */
  stepX: number;
  stepY: number;
  values: Float32Array;
  max: number;
}

/** Dose on this slice, sampled on a lattice of at least 256 samples across. */
export function dosePlaneOnSlice(grid: DoseGrid, slice: ImageSlice): DosePlane {
  const sampler = createDoseSampler(grid);
  const width = Math.min(512, Math.max(slice.columns, 256));
  const height = Math.min(
    512,
    Math.max(slice.rows, Math.round((256 * slice.rows) / slice.columns)),
  );
  const stepX = slice.columns / width;
  const stepY = slice.rows / height;
  const values = new Float32Array(width * height);
  let max = 0;
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) {
      const [x, y, z] = pixelToPatient(slice, (i + 0.5) * stepX - 0.5, (j + 0.5) * stepY - 0.5);
      const v = sampler(x, y, z);
      values[j * width + i] = v;
      if (v > max) max = v;
    }
  return { width, height, stepX, stepY, values, max };
}

export interface IsodoseLevel {
  gy: number;
  percent: number;
  color: string;
}

const ISODOSE_PERCENTS: [number, string][] = [
  [107, '#ff00ff'],
  [100, '#ff2a2a'],
  [95, '#ff9a00'],
  [80, '#f5e90a'],
  [50, '#1fd65f'],
  [30, '#1aa3ff'],
];

/** Isodose levels as percentages of the reference dose (the prescription when known). */
export function isodoseLevels(referenceGy: number): IsodoseLevel[] {
  return ISODOSE_PERCENTS.map(([percent, color]) => ({
    gy: (referenceGy * percent) / 100,
    percent,
    color,
  }));
}

/** Colour wash map: blue → cyan → green → yellow → red over [0, 1]. */
export function washColor(t: number): [number, number, number] {
  const x = Math.min(Math.max(t, 0), 1) * 4;
  const seg = Math.min(Math.floor(x), 3);
  const f = x - seg;
  const stops: [number, number, number][] = [
    [0, 0, 255],
    [0, 220, 255],
    [0, 230, 40],
    [255, 235, 0],
    [255, 0, 0],
  ];
  const a = stops[seg] as [number, number, number];
  const b = stops[seg + 1] as [number, number, number];
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

/** The wash shows dose from `fromGy` (transparent below) to `toGy` (red). */
export function drawColorWash(
  ctx: CanvasRenderingContext2D,
  plane: DosePlane,
  fromGy: number,
  toGy: number,
): void {
  const canvas = document.createElement('canvas');
  canvas.width = plane.width;
  canvas.height = plane.height;
  const off = canvas.getContext('2d');
  if (!off) return;
  const image = off.createImageData(plane.width, plane.height);
  const span = Math.max(toGy - fromGy, 1e-6);
  for (let i = 0; i < plane.values.length; i++) {
    const v = plane.values[i] as number;
    if (v < fromGy) continue;
    const [r, g, b] = washColor((v - fromGy) / span);
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = g;
    image.data[i * 4 + 2] = b;
    image.data[i * 4 + 3] = 255;
  }
  off.putImageData(image, 0, 0);
  ctx.save();
  ctx.globalAlpha = 0.42;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(canvas, 0, 0, plane.width * plane.stepX, plane.height * plane.stepY);
  ctx.restore();
}

/** Marching squares: the isoline of `level` as segments in canvas (CT pixel) units. */
export function isolineSegments(plane: DosePlane, level: number): Float32Array {
  const { width, height, values, stepX, stepY } = plane;
  const out: number[] = [];
  const at = (i: number, j: number) => values[j * width + i] as number;
  const cx = (i: number) => (i + 0.5) * stepX;
  const cy = (j: number) => (j + 0.5) * stepY;
  for (let j = 0; j + 1 < height; j++)
    for (let i = 0; i + 1 < width; i++) {
      const a = at(i, j);
      const b = at(i + 1, j);
      const c = at(i + 1, j + 1);
      const d = at(i, j + 1);
      const code =
        (a >= level ? 8 : 0) | (b >= level ? 4 : 0) | (c >= level ? 2 : 0) | (d >= level ? 1 : 0);
      if (code === 0 || code === 15) continue;
      const t = (p: number, q: number) => (level - p) / (q - p);
      // Edge points: top (a-b), right (b-c), bottom (d-c), left (a-d).
      const top = () => [cx(i + t(a, b)), cy(j)];
      const right = () => [cx(i + 1), cy(j + t(b, c))];
      const bottom = () => [cx(i + t(d, c)), cy(j + 1)];
      const left = () => [cx(i), cy(j + t(a, d))];
      const pairs: (() => number[])[][] = [];
      switch (code) {
        case 1:
        case 14:
          pairs.push([left, bottom]);
          break;
        case 2:
        case 13:
          pairs.push([bottom, right]);
          break;
        case 3:
        case 12:
          pairs.push([left, right]);
          break;
        case 4:
        case 11:
          pairs.push([top, right]);
          break;
        case 6:
        case 9:
          pairs.push([top, bottom]);
          break;
        case 7:
        case 8:
          pairs.push([left, top]);
          break;
        case 5:
          pairs.push([left, top], [bottom, right]);
          break;
        case 10:
          pairs.push([top, right], [left, bottom]);
          break;
      }
      for (const [p, q] of pairs) out.push(...p!(), ...q!());
    }
  return Float32Array.from(out);
}

export function drawIsodoses(
  ctx: CanvasRenderingContext2D,
  plane: DosePlane,
  levels: readonly IsodoseLevel[],
  lineWidth: number,
): void {
  ctx.save();
  ctx.lineWidth = lineWidth;
  for (const level of levels) {
    if (level.gy > plane.max) continue;
    const segments = isolineSegments(plane, level.gy);
    ctx.strokeStyle = level.color;
    ctx.beginPath();
    for (let k = 0; k < segments.length; k += 4) {
      ctx.moveTo(segments[k] as number, segments[k + 1] as number);
      ctx.lineTo(segments[k + 2] as number, segments[k + 3] as number);
    }
    ctx.stroke();
  }
  ctx.restore();
}

/** Closed contours of the ROI lying in this slice (within half the slice spacing). */
export function contoursOnSlice(
  roi: Roi,
  slice: PlaneGeometry,
  halfSpacing: number,
): Float64Array[] {
  const normal = planeNormal(slice);
  const offset = dot(slice.position, normal);
  return roi.contours
    .filter((c) => c.points.length >= 6)
    .filter((c) => {
      const p = c.points;
      const w =
        (p[0] as number) * normal[0] + (p[1] as number) * normal[1] + (p[2] as number) * normal[2];
      return Math.abs(w - offset) <= halfSpacing;
    })
    .map((c) => c.points);
}

export function drawContours(
  ctx: CanvasRenderingContext2D,
  slice: PlaneGeometry,
  contours: readonly Float64Array[],
  color: string,
  lineWidth: number,
): void {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = lineWidth;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  for (const points of contours) {
    for (let k = 0; k < points.length; k += 3) {
      const [c, r] = patientToPixel(slice, [
        points[k] as number,
        points[k + 1] as number,
        points[k + 2] as number,
      ]);
      if (k === 0) ctx.moveTo(c + 0.5, r + 0.5);
      else ctx.lineTo(c + 0.5, r + 0.5);
    }
    ctx.closePath();
  }
  ctx.stroke();
  ctx.restore();
}

export function rgb(color: readonly [number, number, number] | undefined): string {
  const [r, g, b] = color ?? [255, 255, 255];
  return `rgb(${r}, ${g}, ${b})`;
}
