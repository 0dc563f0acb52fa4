// A rigid registration between two patient coordinate systems: a 4×4 homogeneous matrix
// (row-major, mm) that maps a point given in the source frame of reference (the prior
// course) to the target frame of reference (the current course) — the direction DICOM
// Spatial Registration uses (PS3.3 C.20.2: the matrix maps the item's frame of reference
// into the registered one). Rigid means the upper 3×3 is a rotation; anything else (a
// scale, a shear, a mirror) would silently change doses' volumes, so it is refused.

import { RtError } from '../errors';
import type { Vec3 } from '../geometry';

/** Row-major 4×4; the last row is 0 0 0 1. */
export type Matrix4 = readonly number[];

export interface RigidTransform {
  /** Frame of reference the points come from (the prior course's CT and dose). */
  sourceFrameOfReferenceUid: string;
  /** Frame of reference they are mapped into (the reference course). */
  targetFrameOfReferenceUid: string;
  matrix: Matrix4;
}

export const IDENTITY: Matrix4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** Tolerance on orthonormality: DS values keep about 10 significant digits. */
const RIGID_TOLERANCE = 1e-4;

export function applyMatrix(m: Matrix4, p: Vec3): Vec3 {
  return [
    (m[0] as number) * p[0] + (m[1] as number) * p[1] + (m[2] as number) * p[2] + (m[3] as number),
    (m[4] as number) * p[0] + (m[5] as number) * p[1] + (m[6] as number) * p[2] + (m[7] as number),
    (m[8] as number) * p[0] +
      (m[9] as number) * p[1] +
      (m[10] as number) * p[2] +
      (m[11] as number),
  ];
}

export function multiply(a: Matrix4, b: Matrix4): Matrix4 {
  const out: number[] = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += (a[r * 4 + k] as number) * (b[k * 4 + c] as number);
      out[r * 4 + c] = s;
    }
  return out;
}

/** Inverse of a rigid matrix: transpose the rotation, rotate back the translation. */
export function invertRigid(m: Matrix4): Matrix4 {
  const r = (i: number, j: number) => m[i * 4 + j] as number;
  const t: Vec3 = [r(0, 3), r(1, 3), r(2, 3)];
  const out: number[] = [...IDENTITY];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i * 4 + j] = r(j, i);
    out[i * 4 + 3] = -(r(0, i) * t[0] + r(1, i) * t[1] + r(2, i) * t[2]);
  }
  return out;
}

/** Why a matrix is not a rigid transform, or undefined when it is one. */
export function whyNotRigid(m: readonly number[]): string | undefined {
  if (m.length !== 16) return `a transformation matrix has 16 values, not ${m.length}`;
  if (m.some((v) => !Number.isFinite(v))) return 'the matrix holds a value that is not a number';
  if (
    Math.abs(m[12] as number) > RIGID_TOLERANCE ||
    Math.abs(m[13] as number) > RIGID_TOLERANCE ||
    Math.abs(m[14] as number) > RIGID_TOLERANCE ||
    Math.abs((m[15] as number) - 1) > RIGID_TOLERANCE
  )
    return 'the last row of the matrix is not 0 0 0 1';
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let d = 0;
      for (let k = 0; k < 3; k++) d += (m[i * 4 + k] as number) * (m[j * 4 + k] as number);
      if (Math.abs(d - (i === j ? 1 : 0)) > RIGID_TOLERANCE)
        return 'the matrix scales or shears (its 3×3 part is not a rotation)';
    }
  const det =
    (m[0] as number) *
      ((m[5] as number) * (m[10] as number) - (m[6] as number) * (m[9] as number)) -
    (m[1] as number) *
      ((m[4] as number) * (m[10] as number) - (m[6] as number) * (m[8] as number)) +
    (m[2] as number) * ((m[4] as number) * (m[9] as number) - (m[5] as number) * (m[8] as number));
  if (det < 0) return 'the matrix mirrors the patient (determinant −1)';
  return undefined;
}

export function requireRigid(m: readonly number[], file?: string): Matrix4 {
  const why = whyNotRigid(m);
  if (why) throw new RtError('BAD_VALUE', `registration refused: ${why}`, file);
  return m;
}

/**
 * Rotation about x, then y, then z (radians, R = Rz·Ry·Rx; elastix orders its angles
 * otherwise, see elastix-registration.ts),
 * about `center`, followed by `translation` (mm): p' = R (p − c) + c + t.
 */
export function rigidFromEuler(angles: Vec3, translation: Vec3, center: Vec3 = [0, 0, 0]): Matrix4 {
  const [cx, cy, cz] = angles.map(Math.cos) as unknown as Vec3;
  const [sx, sy, sz] = angles.map(Math.sin) as unknown as Vec3;
  const r = [
    cz * cy,
    cz * sy * sx - sz * cx,
    cz * sy * cx + sz * sx,
    sz * cy,
    sz * sy * sx + cz * cx,
    sz * sy * cx - cz * sx,
    -sy,
    cy * sx,
    cy * cx,
  ];
  const out: number[] = [...IDENTITY];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i * 4 + j] = r[i * 3 + j] as number;
    out[i * 4 + 3] =
      center[i]! +
      translation[i]! -
      (r[i * 3] as number) * center[0] -
      (r[i * 3 + 1] as number) * center[1] -
      (r[i * 3 + 2] as number) * center[2];
  }
  return out;
}

/** Angle of the rotation part (degrees) — how far a registration turns the patient. */
export function rotationAngleDeg(m: Matrix4): number {
  const trace = (m[0] as number) + (m[5] as number) + (m[10] as number);
  return (Math.acos(Math.max(-1, Math.min(1, (trace - 1) / 2))) * 180) / Math.PI;
}

export function translationOf(m: Matrix4): Vec3 {
  return [m[3] as number, m[7] as number, m[11] as number];
}
