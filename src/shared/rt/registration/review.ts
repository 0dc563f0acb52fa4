// The maths of reviewing a candidate registration on screen: the CT volumes it is shown
// on, a checkerboard of the current CT and the prior CT resampled through the candidate,
// the physicist's nudges (±1 mm, ±0.5°) and the numbers read out beside it. Pure
// functions: the viewer draws what they return and tests check them in Node.

import { add, scale, type PlaneGeometry, type Vec3 } from '../geometry';
import type { ImageSeries } from '../parse/image';
import { invertRigid, multiply, rigidFromEuler, type Matrix4, type RigidTransform } from './rigid';
import { resampleVolume, volumeFromSeries, type CtVolume, type VolumeGeometry } from './volume';

/** In-plane spacing the registration and the review work at: no finer than this (mm). */
const REVIEW_SPACING_MM = 1.5;

/**
 * A CT series as the volume the registration compares and the review shows: pixels
 * averaged in blocks so they are about 1.5 mm (a 512² CT at 0.98 mm becomes 256²),
 * which keeps the volume sent to the main process small and elastix fast.
 */
export function registrationVolume(series: ImageSeries): CtVolume {
  const first = series.slices[0];
  const pixel = first ? Math.min(first.columnSpacing, first.rowSpacing) : REVIEW_SPACING_MM;
  return volumeFromSeries(series, Math.max(1, Math.floor(REVIEW_SPACING_MM / pixel)));
}

/** The plane of axial slice k of a volume, for drawing contours on it. */
export function slicePlane(volume: VolumeGeometry, k: number): PlaneGeometry {
  return {
    position: add(volume.origin, scale(volume.axes[2], k * volume.spacing[2])),
    rowDirection: volume.axes[0],
    columnDirection: volume.axes[1],
    columnSpacing: volume.spacing[0],
    rowSpacing: volume.spacing[1],
    columns: volume.size[0],
    rows: volume.size[1],
  };
}

/** The prior CT on axial slice k of the current CT, seen through `priorToCurrent`. */
export function resampledSlice(
  current: CtVolume,
  prior: CtVolume,
  priorToCurrent: Matrix4,
  k: number,
): Float32Array {
  const onto: VolumeGeometry = {
    ...current,
    origin: add(current.origin, scale(current.axes[2], k * current.spacing[2])),
    size: [current.size[0], current.size[1], 1],
  };
  return resampleVolume(prior, onto, invertRigid(priorToCurrent));
}

/**
 * Axial slice k as a checkerboard (HU): squares of `squareMm` alternate between the
 * current CT and the prior CT resampled through the candidate, so a misregistration shows
 * as edges that break at the squares' borders.
 */
export function checkerboardSlice(
  current: CtVolume,
  prior: CtVolume,
  priorToCurrent: Matrix4,
  k: number,
  squareMm = 20,
): Float32Array {
  const [nx, ny] = current.size;
  const resampled = resampledSlice(current, prior, priorToCurrent, k);
  const base = k * nx * ny;
  const out = new Float32Array(nx * ny);
  const sx = squareMm / current.spacing[0];
  const sy = squareMm / current.spacing[1];
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const priorSquare = (Math.floor(i / sx) + Math.floor(j / sy)) % 2 === 1;
      const at = j * nx + i;
      out[at] = priorSquare ? (resampled[at] as number) : (current.hu[base + i + j * nx] as number);
    }
  return out;
}

export type Axis = 'x' | 'y' | 'z';

export interface Nudge {
  kind: 'translate' | 'rotate';
  axis: Axis;
  /** mm for a translation, degrees for a rotation. */
  amount: number;
}

const AXIS_INDEX: Record<Axis, 0 | 1 | 2> = { x: 0, y: 1, z: 2 };
const DEG = Math.PI / 180;

/**
 * The candidate moved by one nudge, in the current (target) frame: a translation along a
 * patient axis, or a rotation about one through `centre` (the current CT's centre), applied
 * after the candidate — so "+1 mm x" moves the prior image 1 mm towards +x on screen.
 */
export function nudgeTransform(t: RigidTransform, nudge: Nudge, centre: Vec3): RigidTransform {
  const v: [number, number, number] = [0, 0, 0];
  v[AXIS_INDEX[nudge.axis]] = nudge.kind === 'translate' ? nudge.amount : nudge.amount * DEG;
  const step =
    nudge.kind === 'translate'
      ? rigidFromEuler([0, 0, 0], v)
      : rigidFromEuler(v, [0, 0, 0], centre);
  return { ...t, matrix: multiply(step, t.matrix) };
}

/** Centre of a volume (mm, patient coordinates): what the review rotates about. */
export function volumeCentre(v: VolumeGeometry): Vec3 {
  let p = v.origin;
  for (const axis of [0, 1, 2] as const)
    p = add(p, scale(v.axes[axis], ((v.size[axis] - 1) * v.spacing[axis]) / 2));
  return p;
}

export interface TransformReadout {
  /** mm along x, y, z. */
  translationMm: Vec3;
  /** Degrees about x, y, z (R = Rz·Ry·Rx, as rigidFromEuler builds it). */
  rotationDeg: Vec3;
}

/** The numbers shown beside the review: the matrix's translation and its Euler angles. */
export function readTransform(m: Matrix4): TransformReadout {
  const r = (i: number, j: number) => m[i * 4 + j] as number;
  const ry = Math.asin(Math.max(-1, Math.min(1, -r(2, 0))));
  const rx = Math.atan2(r(2, 1), r(2, 2));
  const rz = Math.atan2(r(1, 0), r(0, 0));
  return {
    translationMm: [r(0, 3), r(1, 3), r(2, 3)],
    rotationDeg: [rx / DEG, ry / DEG, rz / DEG],
  };
}
