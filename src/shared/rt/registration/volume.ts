// A CT series as one regular volume of Hounsfield units, in the series' own patient
// coordinates — what a registration compares and what a fusion view resamples. Only
// evenly spaced slices make a volume: a registration library takes one spacing per axis,
// and silently treating uneven gaps as even would misplace the prior course's dose.

import { RtError } from '../errors';
import { add, dot, scale, sub, type Vec3 } from '../geometry';
import type { ImageSeries } from '../parse/image';
import type { Matrix4 } from './rigid';

export interface VolumeGeometry {
  frameOfReferenceUid: string;
  /** Centre of voxel (0, 0, 0), patient coordinates (mm). */
  origin: Vec3;
  /** Unit axes of increasing i (along a row), j (down a column) and k (slice normal). */
  axes: readonly [Vec3, Vec3, Vec3];
  /** mm between voxel centres along i, j, k. */
  spacing: Vec3;
  /** Voxels along i, j, k. */
  size: readonly [number, number, number];
}

export interface CtVolume extends VolumeGeometry {
  /** Hounsfield units, index (k · size[1] + j) · size[0] + i. */
  hu: Float32Array;
}

/** Relative tolerance on slice gaps (CT positions are written to about 0.01 mm). */
const GAP_TOLERANCE = 0.01;

/**
 * The series as a volume; `inPlaneStep` > 1 averages step × step pixels into one (a
 * registration needs no more than ~1 mm in-plane, and a 512² CT has ~0.5 mm pixels).
 */
export function volumeFromSeries(series: ImageSeries, inPlaneStep = 1): CtVolume {
  const first = series.slices[0];
  if (!first) throw new RtError('INCONSISTENT', 'an image series needs at least one slice');
  if (!Number.isInteger(inPlaneStep) || inPlaneStep < 1)
    throw new RtError('BAD_VALUE', 'the in-plane step of a volume must be a whole number');
  const count = series.slices.length;
  const gap =
    count > 1
      ? (series.sliceOffsets[1] as number) - (series.sliceOffsets[0] as number)
      : first.rowSpacing;
  for (let k = 2; k < count; k++) {
    const g = (series.sliceOffsets[k] as number) - (series.sliceOffsets[k - 1] as number);
    if (Math.abs(g - gap) > GAP_TOLERANCE * gap)
      throw new RtError(
        'UNSUPPORTED',
        `series ${series.seriesInstanceUid} has unevenly spaced slices (${gap.toFixed(2)} mm and ${g.toFixed(2)} mm apart); it cannot be registered as one volume`,
        series.slices[k]?.file,
      );
  }
  // Decode on demand leaves compressed slices empty until decoded (the viewer decodes the
  // whole series first, see lazyPixels.ts): an empty slice here would be read as air.
  const encoded = series.slices.find((s) => s.pixelsEncoded);
  if (encoded)
    throw new RtError(
      'BAD_VALUE',
      `series ${series.seriesInstanceUid} is not decoded yet (slice ${encoded.file}); it cannot be used as a volume`,
      encoded.file,
    );
  const nx = Math.floor(first.columns / inPlaneStep);
  const ny = Math.floor(first.rows / inPlaneStep);
  const hu = new Float32Array(nx * ny * count);
  const weight = 1 / (inPlaneStep * inPlaneStep);
  for (let k = 0; k < count; k++) {
    const slice = series.slices[k] as (typeof series.slices)[number];
    const { pixels, rescaleSlope: m, rescaleIntercept: b, columns } = slice;
    const base = k * nx * ny;
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        let s = 0;
        for (let dj = 0; dj < inPlaneStep; dj++) {
          const row = (j * inPlaneStep + dj) * columns + i * inPlaneStep;
          for (let di = 0; di < inPlaneStep; di++) s += pixels[row + di] as number;
        }
        hu[base + j * nx + i] = s * weight * m + b;
      }
  }
  // The centre of an averaged block is half a block minus half a pixel from its first pixel.
  const shift = (inPlaneStep - 1) / 2;
  const origin = add(
    first.position,
    add(
      scale(first.rowDirection, shift * first.columnSpacing),
      scale(first.columnDirection, shift * first.rowSpacing),
    ),
  );
  return {
    frameOfReferenceUid: series.frameOfReferenceUid,
    origin,
    axes: [first.rowDirection, first.columnDirection, series.normal],
    spacing: [first.columnSpacing * inPlaneStep, first.rowSpacing * inPlaneStep, gap],
    size: [nx, ny, count],
    hu,
  };
}

/**
 * Resamples `source` onto `onto` (trilinear): `ontoToSource` maps a point of `onto`'s
 * frame of reference to `source`'s. Points outside the source are `outside` (air).
 */
export function resampleVolume(
  source: CtVolume,
  onto: VolumeGeometry,
  ontoToSource: Matrix4,
  outside = -1000,
): Float32Array {
  const [nx, ny, nz] = onto.size;
  const [sx, sy, sz] = source.size;
  const out = new Float32Array(nx * ny * nz);
  const m = ontoToSource as number[];
  // Each onto axis step, mapped into the source frame and then into source voxel units.
  const toSourceIndex = (p: Vec3): Vec3 => {
    const d = sub(p, source.origin);
    return [
      dot(d, source.axes[0]) / source.spacing[0],
      dot(d, source.axes[1]) / source.spacing[1],
      dot(d, source.axes[2]) / source.spacing[2],
    ];
  };
  const mapPoint = (p: Vec3): Vec3 => [
    (m[0] as number) * p[0] + (m[1] as number) * p[1] + (m[2] as number) * p[2] + (m[3] as number),
    (m[4] as number) * p[0] + (m[5] as number) * p[1] + (m[6] as number) * p[2] + (m[7] as number),
    (m[8] as number) * p[0] +
      (m[9] as number) * p[1] +
      (m[10] as number) * p[2] +
      (m[11] as number),
  ];
  const zero = toSourceIndex(mapPoint(onto.origin));
  const stepOf = (axis: 0 | 1 | 2): Vec3 => {
    const p = toSourceIndex(mapPoint(add(onto.origin, scale(onto.axes[axis], onto.spacing[axis]))));
    return [p[0] - zero[0], p[1] - zero[1], p[2] - zero[2]];
  };
  const [di, dj, dk] = [stepOf(0), stepOf(1), stepOf(2)];
  const hu = source.hu;
  const plane = sx * sy;
  let at = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      let fx = zero[0] + j * dj[0] + k * dk[0];
      let fy = zero[1] + j * dj[1] + k * dk[1];
      let fz = zero[2] + j * dj[2] + k * dk[2];
      for (let i = 0; i < nx; i++, at++, fx += di[0], fy += di[1], fz += di[2]) {
        if (fx < 0 || fy < 0 || fz < 0 || fx > sx - 1 || fy > sy - 1 || fz > sz - 1) {
          out[at] = outside;
          continue;
        }
        const x0 = Math.min(Math.floor(fx), sx - 2 < 0 ? 0 : sx - 2);
        const y0 = Math.min(Math.floor(fy), sy - 2 < 0 ? 0 : sy - 2);
        const z0 = Math.min(Math.floor(fz), sz - 2 < 0 ? 0 : sz - 2);
        const tx = fx - x0;
        const ty = fy - y0;
        const tz = fz - z0;
        const x1 = Math.min(x0 + 1, sx - 1) - x0;
        const y1 = (Math.min(y0 + 1, sy - 1) - y0) * sx;
        const z1 = (Math.min(z0 + 1, sz - 1) - z0) * plane;
        const b = z0 * plane + y0 * sx + x0;
        const c00 = (hu[b] as number) * (1 - tx) + (hu[b + x1] as number) * tx;
        const c10 = (hu[b + y1] as number) * (1 - tx) + (hu[b + y1 + x1] as number) * tx;
        const c01 = (hu[b + z1] as number) * (1 - tx) + (hu[b + z1 + x1] as number) * tx;
        const c11 = (hu[b + z1 + y1] as number) * (1 - tx) + (hu[b + z1 + y1 + x1] as number) * tx;
        out[at] = (c00 * (1 - ty) + c10 * ty) * (1 - tz) + (c01 * (1 - ty) + c11 * ty) * tz;
      }
    }
  return out;
}
