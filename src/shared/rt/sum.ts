// Dose summation across courses for re-irradiation review. Grids are added only when they
// share a frame of reference or come with an accepted rigid registration into the first
// grid's frame (a REG object, or an automatic result the physicist accepted); without one
// there is no defensible mapping between two patient coordinate systems, so we refuse
// rather than guess. Only physical
// dose in Gy is taken (relative dose has no absolute scale; a file's effective dose hides
// the model it came from). An EQD2 or BED sum converts each course's physical dose with its
// own number of fractions and one α/β (biological.ts) before adding.
//
// The first source is the reference: the sum is laid on its lattice (its spacing, its
// orientation, its own frame offsets), extended by whole steps until it covers the union of
// every source's box to its far edges. The reference's values are copied, never
// re-interpolated; every other source is sampled trilinearly at the lattice's points (0 Gy
// outside its own grid). The result records where every number came from.
//
// Sampling is hand-written rather than a library call because it is a separable
// trilinear lookup (per-axis indices computed once per column, row and frame), which is what
// makes it faster than a general interpolator; an oblique source falls back to the
// per-point sampler of dose-sampler.ts.

import {
  biologicalDose,
  biologicalDoseArray,
  checkAlphaBeta,
  checkFractions,
  type BiologicalQuantity,
} from './biological';
import { RtError } from './errors';
import {
  describeRegistration,
  throughRegistration,
  type AcceptedRegistration,
  type RegistrationOrigin,
} from './registration/accepted';
import { applyMatrix, type Matrix4 } from './registration/rigid';
import { createDoseSampler } from './dose-sampler';
import { add, dot, planeNormal, scale, sub, type Vec3 } from './geometry';
import type { DoseGrid } from './parse/rtdose';

export interface SummationSource {
  grid: DoseGrid;
  /** The course's number of fractions: needed for a biological (EQD2/BED) sum. */
  fractions?: number;
  /** What a person calls it, e.g. "Course 1 (2019, Hospital A)". */
  label?: string;
  /**
   * For a grid in another frame of reference than the first source's: the accepted rigid
   * registration from its frame into the first one's. Its dose is resampled through it.
   */
  registration?: AcceptedRegistration;
}

export interface SummationOptions {
  /**
   * Add EQD2 or BED instead of physical dose: each course's samples are converted with its
   * own number of fractions and this α/β before they are resampled and added (biological.ts).
   */
  biological?: { quantity: BiologicalQuantity; alphaBetaGy: number };
  /** Refuse grids larger than this many voxels (default 64 million). */
  maxVoxels?: number;
}

export const SUMMATION_METHOD =
  "first course's grid kept as the reference (extended to cover every grid), other courses resampled trilinearly onto it, physical dose added voxel by voxel";

export interface SummationProvenance {
  method: typeof SUMMATION_METHOD;
  /** Set when the sum is of EQD2 or BED (linear-quadratic model), not physical dose. */
  biological?: { quantity: BiologicalQuantity; alphaBetaGy: number; model: 'linear-quadratic' };
  frameOfReferenceUid: string;
  sources: {
    label?: string;
    file: string;
    sopInstanceUid: string;
    referencedPlanUid?: string;
    summationType: string;
    maxGy: number;
    fractions?: number;
    /** The registration its dose was mapped through; absent when it shares the frame. */
    registration?: {
      description: string;
      sourceFrameOfReferenceUid: string;
      matrix: Matrix4;
      origin: RegistrationOrigin;
    };
  }[];
  grid: { origin: Vec3; columns: number; rows: number; frames: number; spacingMm: Vec3 };
}

export interface DoseSummation {
  grid: DoseGrid;
  provenance: SummationProvenance;
}

function refuseUnlessSummable(sources: readonly SummationSource[]): void {
  const first = sources[0];
  if (!first) throw new RtError('BAD_VALUE', 'dose summation needs at least one dose grid');
  for (const { grid, label, registration } of sources) {
    const name = label ?? grid.file;
    if (grid.units.toUpperCase() !== 'GY' || grid.doseType.toUpperCase() !== 'PHYSICAL')
      throw new RtError(
        'NOT_PHYSICAL_DOSE',
        `summation refused: ${name} holds ${grid.doseType} dose in ${grid.units}; only PHYSICAL dose in GY can be added`,
        grid.file,
      );
    if (registration) refuseUnlessRegistrationFits(grid, name, registration, first.grid);
    else if (grid.frameOfReferenceUid !== first.grid.frameOfReferenceUid)
      throw new RtError(
        'FRAME_OF_REFERENCE_MISMATCH',
        `summation refused: ${first.label ?? first.grid.file} is in frame of reference ${first.grid.frameOfReferenceUid} but ${name} is in ${grid.frameOfReferenceUid}, and no registration between them is available`,
        grid.file,
      );
  }
}

// Across frames of reference: a source's registration must map exactly its own frame into
// the reference's; its corners and samples then go through it (and nothing else changes).
function refuseUnlessRegistrationFits(
  grid: DoseGrid,
  name: string,
  registration: AcceptedRegistration,
  reference: DoseGrid,
): void {
  const t = registration.transform;
  if (
    t.sourceFrameOfReferenceUid !== grid.frameOfReferenceUid ||
    t.targetFrameOfReferenceUid !== reference.frameOfReferenceUid
  )
    throw new RtError(
      'FRAME_OF_REFERENCE_MISMATCH',
      `summation refused: the registration given for ${name} maps frame of reference ${t.sourceFrameOfReferenceUid} to ${t.targetFrameOfReferenceUid}, but its dose is in ${grid.frameOfReferenceUid} and the reference course in ${reference.frameOfReferenceUid}`,
      grid.file,
    );
}

function cornersInReference(grid: DoseGrid, registration?: AcceptedRegistration): Vec3[] {
  const points = corners(grid);
  const m = registration?.transform.matrix;
  return m ? points.map((p) => applyMatrix(m, p)) : points;
}

function samplerInReference(grid: DoseGrid, registration?: AcceptedRegistration) {
  const sample = createDoseSampler(grid);
  return registration ? throughRegistration(sample, registration) : sample;
}

function frameStep(grid: DoseGrid): number {
  if (grid.frames < 2) return Math.min(grid.rowSpacing, grid.columnSpacing);
  return Math.abs((grid.frameOffsets[1] as number) - (grid.frameOffsets[0] as number));
}

/** The eight corner sample positions of a grid in patient coordinates. */
function corners(grid: DoseGrid): Vec3[] {
  const normal = planeNormal(grid);
  const along = (c: number, r: number, w: number): Vec3 =>
    add(
      grid.position,
      add(
        add(
          scale(grid.rowDirection, c * grid.columnSpacing),
          scale(grid.columnDirection, r * grid.rowSpacing),
        ),
        scale(normal, w),
      ),
    );
  const offsets = [grid.frameOffsets[0] as number, grid.frameOffsets[grid.frames - 1] as number];
  const out: Vec3[] = [];
  for (const c of [0, grid.columns - 1])
    for (const r of [0, grid.rows - 1]) for (const w of offsets) out.push(along(c, r, w));
  return out;
}

/** Where each lattice index along one axis falls in a source: lower index and fraction. */
interface AxisMap {
  index: Int32Array; // -1: outside the source
  next: Int32Array;
  fraction: Float64Array;
}

function axisMap(count: number, at: (i: number) => number, size: number): AxisMap {
  const index = new Int32Array(count);
  const next = new Int32Array(count);
  const fraction = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = at(i);
    if (u < -EDGE || u > size - 1 + EDGE) {
      index[i] = -1;
      continue;
    }
    const clamped = Math.min(Math.max(u, 0), size - 1);
    const lower = Math.min(Math.floor(clamped), size - 1);
    index[i] = lower;
    next[i] = Math.min(lower + 1, size - 1);
    fraction[i] = clamped - lower;
  }
  return { index, next, fraction };
}

/**
 * Frame map: lattice frame i lies at `targets[i] + shift` along the source's normal (source
 * offsets may be in either order).
 */
function frameMap(targets: readonly number[], grid: DoseGrid, shift: number): AxisMap {
  const count = targets.length;
  const index = new Int32Array(count).fill(-1);
  const next = new Int32Array(count);
  const fraction = new Float64Array(count);
  const offsets = grid.frameOffsets;
  const frames = grid.frames;
  for (let i = 0; i < count; i++) {
    const w = (targets[i] as number) + shift;
    if (frames === 1) {
      if (Math.abs(w - (offsets[0] as number)) <= Math.min(grid.rowSpacing, grid.columnSpacing) / 2)
        index[i] = 0;
      continue;
    }
    for (let k = 0; k + 1 < frames; k++) {
      const a = offsets[k] as number;
      const b = offsets[k + 1] as number;
      const t = (w - a) / (b - a);
      if (t >= -EDGE && t <= 1 + EDGE) {
        const f = Math.min(Math.max(t, 0), 1);
        index[i] = k;
        next[i] = k + 1;
        fraction[i] = f;
        break;
      }
    }
  }
  return { index, next, fraction };
}

const EDGE = 1e-6;

function sameDirection(a: Vec3, b: Vec3): boolean {
  return dot(a, b) > 1 - 1e-9;
}

/** Each course's physical dose as EQD2 or BED, from its own number of fractions. */
function toBiological(
  sources: readonly SummationSource[],
  biological: NonNullable<SummationOptions['biological']>,
): DoseGrid[] {
  checkAlphaBeta(biological.alphaBetaGy, 'the summation');
  return sources.map(({ grid, fractions, label }) => {
    checkFractions(fractions ?? Number.NaN, label ?? grid.file);
    const dose = biologicalDoseArray(
      biological.quantity,
      grid.dose,
      fractions as number,
      biological.alphaBetaGy,
    );
    const maxDose = biologicalDose(
      biological.quantity,
      grid.maxDose,
      fractions as number,
      biological.alphaBetaGy,
    );
    return { ...grid, dose, maxDose };
  });
}

export function sumDoseGrids(
  sources: readonly SummationSource[],
  options: SummationOptions = {},
): DoseSummation {
  refuseUnlessSummable(sources);
  const grids = options.biological
    ? toBiological(sources, options.biological)
    : sources.map((s) => s.grid);
  const reference = grids[0] as DoseGrid;
  const rowDir = reference.rowDirection;
  const colDir = reference.columnDirection;
  const normal = planeNormal(reference);

  // Bounding box of all grids in the reference grid's axes.
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  grids.forEach((grid, i) => {
    for (const corner of cornersInReference(grid, sources[i]?.registration)) {
      const d = sub(corner, reference.position);
      const coords = [dot(d, rowDir), dot(d, colDir), dot(d, normal)];
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a] as number, coords[a] as number);
        hi[a] = Math.max(hi[a] as number, coords[a] as number);
      }
    }
  });
  // The reference lattice, extended by whole steps until it reaches every far edge.
  const dc = reference.columnSpacing;
  const dr = reference.rowSpacing;
  const firstColumn = Math.min(0, Math.floor(lo[0] / dc + EDGE));
  const lastColumn = Math.max(reference.columns - 1, Math.ceil(hi[0] / dc - EDGE));
  const firstRow = Math.min(0, Math.floor(lo[1] / dr + EDGE));
  const lastRow = Math.max(reference.rows - 1, Math.ceil(hi[1] / dr - EDGE));
  const ascending = [...reference.frameOffsets].sort((a, b) => a - b);
  const step = frameStep(reference);
  const lowest = ascending[0] as number;
  const highest = ascending[ascending.length - 1] as number;
  const below = Math.max(0, Math.ceil((lowest - lo[2]) / step - EDGE));
  const above = Math.max(0, Math.ceil((hi[2] - highest) / step - EDGE));
  const offsets = [
    ...Array.from({ length: below }, (_, k) => lowest - (below - k) * step),
    ...ascending,
    ...Array.from({ length: above }, (_, k) => highest + (k + 1) * step),
  ];
  const columns = lastColumn - firstColumn + 1;
  const rows = lastRow - firstRow + 1;
  const frames = offsets.length;
  const voxels = columns * rows * frames;
  if (voxels > (options.maxVoxels ?? 64_000_000))
    throw new RtError(
      'BAD_VALUE',
      `summation grid of ${columns}×${rows}×${frames} voxels is too large; the courses' dose grids are too far apart or too finely spaced to add`,
    );

  // The lattice origin, in the plane of the first frame, so its offsets start at 0.
  const base = add(
    reference.position,
    add(scale(rowDir, firstColumn * dc), scale(colDir, firstRow * dr)),
  );
  const origin = add(base, scale(normal, offsets[0] as number));
  const dose = new Float32Array(voxels);
  const planeSize = rows * columns;

  // The reference, copied sample for sample.
  const refPlane = reference.rows * reference.columns;
  for (let k = 0; k < reference.frames; k++) {
    const f = below + ascending.indexOf(reference.frameOffsets[k] as number);
    for (let r = 0; r < reference.rows; r++) {
      const from = k * refPlane + r * reference.columns;
      const to = f * planeSize + (r - firstRow) * columns - firstColumn;
      dose.set(reference.dose.subarray(from, from + reference.columns), to);
    }
  }

  grids.slice(1).forEach((grid, i) => addResampled(grid, sources[i + 1]?.registration));

  function addResampled(grid: DoseGrid, registration?: AcceptedRegistration): void {
    // A registered grid's lattice is not the reference's: every point goes through it.
    if (registration) return addPointByPoint(grid, registration);
    const shift = dot(sub(base, grid.position), planeNormal(grid));
    if (!sameDirection(grid.rowDirection, rowDir) || !sameDirection(grid.columnDirection, colDir)) {
      addPointByPoint(grid);
      return;
    }
    // Same orientation: each lattice column, row and frame maps to one source index.
    const d = sub(base, grid.position);
    const c0 = dot(d, grid.rowDirection) / grid.columnSpacing;
    const r0 = dot(d, grid.columnDirection) / grid.rowSpacing;
    const cm = axisMap(columns, (c) => c0 + (c * dc) / grid.columnSpacing, grid.columns);
    const rm = axisMap(rows, (r) => r0 + (r * dr) / grid.rowSpacing, grid.rows);
    const fm = frameMap(offsets, grid, shift);
    const src = grid.dose;
    const sc = grid.columns;
    const sPlane = grid.rows * grid.columns;
    for (let f = 0; f < frames; f++) {
      const k0 = fm.index[f] as number;
      if (k0 < 0) continue;
      const fw = fm.fraction[f] as number;
      const p0 = k0 * sPlane;
      const p1 = (fw > 0 ? (fm.next[f] as number) : k0) * sPlane;
      for (let r = 0; r < rows; r++) {
        const j0 = rm.index[r] as number;
        if (j0 < 0) continue;
        const fr = rm.fraction[r] as number;
        const a0 = j0 * sc;
        const a1 = (fr > 0 ? (rm.next[r] as number) : j0) * sc;
        let i = f * planeSize + r * columns;
        for (let c = 0; c < columns; c++, i++) {
          const i0 = cm.index[c] as number;
          if (i0 < 0) continue;
          const fc = cm.fraction[c] as number;
          const i1 = cm.next[c] as number;
          const v00 = (src[p0 + a0 + i0] as number) * (1 - fc) + (src[p0 + a0 + i1] as number) * fc;
          const v01 = (src[p0 + a1 + i0] as number) * (1 - fc) + (src[p0 + a1 + i1] as number) * fc;
          const lower = v00 * (1 - fr) + v01 * fr;
          let value = lower;
          if (fw > 0) {
            const v10 =
              (src[p1 + a0 + i0] as number) * (1 - fc) + (src[p1 + a0 + i1] as number) * fc;
            const v11 =
              (src[p1 + a1 + i0] as number) * (1 - fc) + (src[p1 + a1 + i1] as number) * fc;
            value = lower * (1 - fw) + (v10 * (1 - fr) + v11 * fr) * fw;
          }
          dose[i] = (dose[i] as number) + value;
        }
      }
    }
  }

  function addPointByPoint(grid: DoseGrid, registration?: AcceptedRegistration): void {
    const sample = samplerInReference(grid, registration);
    const [ax, ay, az] = scale(rowDir, dc);
    const [bx, by, bz] = scale(colDir, dr);
    let i = 0;
    for (let f = 0; f < frames; f++) {
      const p = add(base, scale(normal, offsets[f] as number));
      for (let r = 0; r < rows; r++) {
        const x0 = p[0] + r * bx;
        const y0 = p[1] + r * by;
        const z0 = p[2] + r * bz;
        for (let c = 0; c < columns; c++) {
          dose[i] = (dose[i] as number) + sample(x0 + c * ax, y0 + c * ay, z0 + c * az);
          i++;
        }
      }
    }
  }

  let maxDose = 0;
  for (let i = 0; i < voxels; i++) if ((dose[i] as number) > maxDose) maxDose = dose[i] as number;
  const first = offsets[0] as number;

  const grid: DoseGrid = {
    file: 'dose summation',
    sopInstanceUid: '',
    studyInstanceUid: reference.studyInstanceUid,
    seriesInstanceUid: '',
    frameOfReferenceUid: reference.frameOfReferenceUid,
    units: 'GY',
    doseType: options.biological ? 'EFFECTIVE' : 'PHYSICAL',
    summationType: 'MULTI_PLAN',
    position: origin,
    rowDirection: rowDir,
    columnDirection: colDir,
    rowSpacing: dr,
    columnSpacing: dc,
    rows,
    columns,
    frames,
    frameOffsets: offsets.map((o) => o - first),
    dose,
    maxDose,
    // The sources' own warnings stay with the sources.
    warnings: [],
  };
  return {
    grid,
    provenance: {
      method: SUMMATION_METHOD,
      ...(options.biological
        ? { biological: { ...options.biological, model: 'linear-quadratic' as const } }
        : {}),
      frameOfReferenceUid: reference.frameOfReferenceUid,
      sources: sources.map(({ grid: g, label, fractions, registration }) => ({
        label,
        ...(fractions !== undefined ? { fractions } : {}),
        file: g.file,
        sopInstanceUid: g.sopInstanceUid,
        referencedPlanUid: g.referencedPlanUid,
        summationType: g.summationType,
        maxGy: g.maxDose,
        ...(registration && {
          registration: {
            description: describeRegistration(registration),
            sourceFrameOfReferenceUid: registration.transform.sourceFrameOfReferenceUid,
            matrix: registration.transform.matrix,
            origin: registration.origin,
          },
        }),
      })),
      grid: { origin, columns, rows, frames, spacingMm: [dc, dr, step] },
    },
  };
}
