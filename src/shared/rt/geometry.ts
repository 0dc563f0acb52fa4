// Small vector helpers and the plane geometry shared by CT slices and dose grids.
// DICOM conventions, stated once: ImageOrientationPatient's first triplet is the direction
// in which the column index grows (along a row), the second the direction in which the row
// index grows; PixelSpacing is [distance between rows, distance between columns] in mm.

export type Vec3 = readonly [number, number, number];

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}

export function norm(a: Vec3): number {
  return Math.sqrt(dot(a, a));
}

export function nearlyEqual(a: Vec3, b: Vec3, tolerance = 1e-4): boolean {
  return (
    Math.abs(a[0] - b[0]) <= tolerance &&
    Math.abs(a[1] - b[1]) <= tolerance &&
    Math.abs(a[2] - b[2]) <= tolerance
  );
}

/** Where pixels of a plane sit in patient coordinates (mm). */
export interface PlaneGeometry {
  /** Centre of the first transmitted pixel (ImagePositionPatient). */
  position: Vec3;
  /** Unit vector along a row: the direction of increasing column index. */
  rowDirection: Vec3;
  /** Unit vector down a column: the direction of increasing row index. */
  columnDirection: Vec3;
  /** mm between adjacent columns (PixelSpacing[1]). */
  columnSpacing: number;
  /** mm between adjacent rows (PixelSpacing[0]). */
  rowSpacing: number;
  rows: number;
  columns: number;
}

export function planeNormal(plane: PlaneGeometry): Vec3 {
  return cross(plane.rowDirection, plane.columnDirection);
}

/** Patient coordinates of pixel (column, row). */
export function pixelToPatient(plane: PlaneGeometry, column: number, row: number): Vec3 {
  return add(
    plane.position,
    add(
      scale(plane.rowDirection, column * plane.columnSpacing),
      scale(plane.columnDirection, row * plane.rowSpacing),
    ),
  );
}

/** Fractional (column, row, distance along the normal) of a patient point. */
export function patientToPixel(plane: PlaneGeometry, point: Vec3): Vec3 {
  const d = sub(point, plane.position);
  return [
    dot(d, plane.rowDirection) / plane.columnSpacing,
    dot(d, plane.columnDirection) / plane.rowSpacing,
    dot(d, planeNormal(plane)),
  ];
}
