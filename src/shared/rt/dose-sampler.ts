// Dose at any patient point by trilinear interpolation between the eight surrounding grid
// samples (bilinear in-plane, linear between frames, which may be unevenly spaced). Points
// outside the hull of the grid's sample centres get 0 Gy (or `outside`, for a caller that
// must tell them apart): a planning system computes dose only where it placed the grid, so
// we do not extrapolate.

import { planeNormal, type Vec3 } from './geometry';
import type { DoseGrid } from './parse/rtdose';

export type DoseSampler = (x: number, y: number, z: number) => number;

const EDGE = 1e-6;

export function createDoseSampler(grid: DoseGrid, outside = 0): DoseSampler {
  const { columns, rows, frames, dose } = grid;
  const [px, py, pz] = grid.position;
  const normal: Vec3 = planeNormal(grid);
  const [rx, ry, rz] = grid.rowDirection;
  const [cx, cy, cz] = grid.columnDirection;
  const [nx, ny, nz] = normal;
  const invColumn = 1 / grid.columnSpacing;
  const invRow = 1 / grid.rowSpacing;
  // Work with increasing offsets whatever the file's order.
  const sign = frames > 1 && (grid.frameOffsets[1] as number) < 0 ? -1 : 1;
  const offsets = Float64Array.from(grid.frameOffsets, (o) => o * sign);
  const planeSize = rows * columns;
  // A single frame has no thickness of its own; treat it as a slab one pixel thick.
  const singleFrameHalfThickness = Math.min(grid.rowSpacing, grid.columnSpacing) / 2;
  let lastFrame = 0;

  function frameBelow(w: number): number {
    if (w >= (offsets[lastFrame] as number) && w <= (offsets[lastFrame + 1] as number))
      return lastFrame;
    let lo = 0;
    let hi = frames - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((offsets[mid] as number) <= w) lo = mid;
      else hi = mid;
    }
    lastFrame = lo;
    return lo;
  }

  function bilinear(base: number, c0: number, r0: number, fc: number, fr: number): number {
    const c1 = fc > 0 ? c0 + 1 : c0;
    const r1 = fr > 0 ? r0 + 1 : r0;
    const i00 = base + r0 * columns;
    const i10 = base + r1 * columns;
    const top = (dose[i00 + c0] as number) * (1 - fc) + (dose[i00 + c1] as number) * fc;
    const bottom = (dose[i10 + c0] as number) * (1 - fc) + (dose[i10 + c1] as number) * fc;
    return top * (1 - fr) + bottom * fr;
  }

  return (x, y, z) => {
    const dx = x - px;
    const dy = y - py;
    const dz = z - pz;
    const c = (dx * rx + dy * ry + dz * rz) * invColumn;
    const r = (dx * cx + dy * cy + dz * cz) * invRow;
    if (c < -EDGE || r < -EDGE || c > columns - 1 + EDGE || r > rows - 1 + EDGE) return outside;
    const cc = Math.min(Math.max(c, 0), columns - 1);
    const rr = Math.min(Math.max(r, 0), rows - 1);
    const c0 = Math.min(Math.floor(cc), columns - 1);
    const r0 = Math.min(Math.floor(rr), rows - 1);
    const fc = cc - c0;
    const fr = rr - r0;
    const w = (dx * nx + dy * ny + dz * nz) * sign;
    if (frames === 1) {
      return Math.abs(w) <= singleFrameHalfThickness ? bilinear(0, c0, r0, fc, fr) : outside;
    }
    const first = offsets[0] as number;
    const last = offsets[frames - 1] as number;
    if (w < first - EDGE || w > last + EDGE) return outside;
    const k = frameBelow(Math.min(Math.max(w, first), last));
    const w0 = offsets[k] as number;
    const w1 = offsets[k + 1] as number;
    const fw = Math.min(Math.max((w - w0) / (w1 - w0), 0), 1);
    const lower = bilinear(k * planeSize, c0, r0, fc, fr);
    if (fw === 0) return lower;
    return lower * (1 - fw) + bilinear((k + 1) * planeSize, c0, r0, fc, fr) * fw;
  };
}
