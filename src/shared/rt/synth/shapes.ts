// Analytic solids for phantoms: each can say whether a point is inside (to paint CT
// voxels) and give its axial cross-section as closed polygons (to write contours).
// Polygons are area-preserving: the vertices sit slightly outside the true curve so the
// polygon's area equals the ellipse's, which keeps analytic volumes exact to <0.01 %.

import type { Vec3 } from '../geometry';

export interface Solid {
  contains(point: Vec3): boolean;
  /** Closed polygons (x, y, z triplets) cutting the plane z; a hole is a separate polygon. */
  contoursAt(z: number): Float64Array[];
  /** Exact volume in mm³. */
  volumeMm3: number;
}

/** Polygon with the same area as the ellipse (semi-axes a, b) around (cx, cy). */
export function ellipsePolygon(
  cx: number,
  cy: number,
  a: number,
  b: number,
  z: number,
  maxEdgeMm = 1,
): Float64Array {
  const n = Math.max(24, Math.ceil((2 * Math.PI * Math.max(a, b)) / maxEdgeMm));
  const areaFix = Math.sqrt((2 * Math.PI) / (n * Math.sin((2 * Math.PI) / n)));
  const points = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    points[i * 3] = cx + a * areaFix * Math.cos(t);
    points[i * 3 + 1] = cy + b * areaFix * Math.sin(t);
    points[i * 3 + 2] = z;
  }
  return points;
}

export function ellipsoid(center: Vec3, a: number, b: number, c: number): Solid {
  return {
    volumeMm3: (4 / 3) * Math.PI * a * b * c,
    contains: ([x, y, z]) =>
      ((x - center[0]) / a) ** 2 + ((y - center[1]) / b) ** 2 + ((z - center[2]) / c) ** 2 <= 1,
    contoursAt(z) {
      const f = 1 - ((z - center[2]) / c) ** 2;
      if (f <= 0) return [];
      const s = Math.sqrt(f);
      return [ellipsePolygon(center[0], center[1], a * s, b * s, z)];
    },
  };
}

export function sphere(center: Vec3, radius: number): Solid {
  return ellipsoid(center, radius, radius, radius);
}

/** Elliptic cylinder along z between zMin and zMax. */
export function ellipticCylinder(
  center: Vec3,
  a: number,
  b: number,
  zMin: number,
  zMax: number,
): Solid {
  return {
    volumeMm3: Math.PI * a * b * (zMax - zMin),
    contains: ([x, y, z]) =>
      z >= zMin && z <= zMax && ((x - center[0]) / a) ** 2 + ((y - center[1]) / b) ** 2 <= 1,
    contoursAt: (z) =>
      z >= zMin && z <= zMax ? [ellipsePolygon(center[0], center[1], a, b, z)] : [],
  };
}

/** The space between two concentric spheres. */
export function sphericalShell(center: Vec3, outerRadius: number, innerRadius: number): Solid {
  const outer = sphere(center, outerRadius);
  const inner = sphere(center, innerRadius);
  return {
    volumeMm3: outer.volumeMm3 - inner.volumeMm3,
    contains: (p) => outer.contains(p) && !inner.contains(p),
    contoursAt: (z) => [...outer.contoursAt(z), ...inner.contoursAt(z)],
  };
}
