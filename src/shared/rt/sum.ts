// Dose summation across courses for re-irradiation review. Grids are added only when they
// share a frame of reference or come with an accepted rigid registration into the first
// grid's frame (a REG object, or an automatic result the physicist accepted); without one
// there is no defensible mapping between two patient coordinate systems, so we refuse
// rather than guess. Only physical
// dose in Gy is added (relative dose has no absolute scale; effective dose needs a
// biological model, which a plain sum would silently ignore). Each source is resampled
// trilinearly onto one common grid, and the result records where every number came from.

import { RtError } from './errors';
import { createDoseSampler } from './dose-sampler';
import { add, dot, planeNormal, scale, sub, type Vec3 } from './geometry';
import type { DoseGrid } from './parse/rtdose';
import {
  describeRegistration,
  throughRegistration,
  type AcceptedRegistration,
  type RegistrationOrigin,
} from './registration/accepted';
import { applyMatrix, type Matrix4 } from './registration/rigid';

export interface SummationSource {
  grid: DoseGrid;
  /** What a person calls it, e.g. "Course 1 (2019, Hospital A)". */
  label?: string;
  /**
   * For a grid in another frame of reference than the first source's: the accepted rigid
   * registration from its frame into the first one's. Its dose is resampled through it.
   */
  registration?: AcceptedRegistration;
}

export interface SummationOptions {
  /** Common grid spacing (mm); default the finest in-plane and frame spacing of the sources. */
  spacingMm?: number;
  /** Refuse grids larger than this many voxels (default 64 million). */
  maxVoxels?: number;
}

export interface SummationProvenance {
  method: 'trilinear resampling onto a common grid, physical dose added voxel by voxel';
  frameOfReferenceUid: string;
  sources: {
    label?: string;
    file: string;
    sopInstanceUid: string;
    referencedPlanUid?: string;
    summationType: string;
    maxGy: number;
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

function cornersInReference(source: SummationSource): Vec3[] {
  const points = corners(source.grid);
  const m = source.registration?.transform.matrix;
  return m ? points.map((p) => applyMatrix(m, p)) : points;
}

function samplerInReference(source: SummationSource) {
  const sample = createDoseSampler(source.grid);
  return source.registration ? throughRegistration(sample, source.registration) : sample;
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

export function sumDoseGrids(
  sources: readonly SummationSource[],
  options: SummationOptions = {},
): DoseSummation {
  refuseUnlessSummable(sources);
  const reference = (sources[0] as SummationSource).grid;
  const rowDir = reference.rowDirection;
  const colDir = reference.columnDirection;
  const normal = planeNormal(reference);

  // Bounding box of all grids in the reference grid's axes.
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (const source of sources)
    for (const corner of cornersInReference(source)) {
      const d = sub(corner, reference.position);
      const coords = [dot(d, rowDir), dot(d, colDir), dot(d, normal)];
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a] as number, coords[a] as number);
        hi[a] = Math.max(hi[a] as number, coords[a] as number);
      }
    }
  const inPlane =
    options.spacingMm ??
    Math.min(...sources.map((s) => Math.min(s.grid.rowSpacing, s.grid.columnSpacing)));
  const through = options.spacingMm ?? Math.min(...sources.map((s) => frameStep(s.grid)));
  if (!(inPlane > 0) || !(through > 0))
    throw new RtError('BAD_VALUE', 'summation grid spacing must be positive');
  const count = (a: number, step: number) =>
    Math.floor(((hi[a] as number) - (lo[a] as number)) / step + 1e-6) + 1;
  const columns = count(0, inPlane);
  const rows = count(1, inPlane);
  const frames = count(2, through);
  const voxels = columns * rows * frames;
  if (voxels > (options.maxVoxels ?? 64_000_000))
    throw new RtError(
      'BAD_VALUE',
      `summation grid of ${columns}×${rows}×${frames} voxels is too large; choose a coarser spacing`,
    );

  const origin = add(
    reference.position,
    add(
      add(scale(rowDir, lo[0] as number), scale(colDir, lo[1] as number)),
      scale(normal, lo[2] as number),
    ),
  );
  const dose = new Float32Array(voxels);
  const [ax, ay, az] = scale(rowDir, inPlane);
  const [bx, by, bz] = scale(colDir, inPlane);
  const [nx, ny, nz] = scale(normal, through);
  for (const source of sources) {
    const sample = samplerInReference(source);
    let i = 0;
    for (let f = 0; f < frames; f++)
      for (let r = 0; r < rows; r++) {
        const x0 = origin[0] + r * bx + f * nx;
        const y0 = origin[1] + r * by + f * ny;
        const z0 = origin[2] + r * bz + f * nz;
        for (let c = 0; c < columns; c++) {
          dose[i] = (dose[i] as number) + sample(x0 + c * ax, y0 + c * ay, z0 + c * az);
          i++;
        }
      }
  }
  let maxDose = 0;
  for (let i = 0; i < voxels; i++) if ((dose[i] as number) > maxDose) maxDose = dose[i] as number;

  const grid: DoseGrid = {
    file: 'dose summation',
    sopInstanceUid: '',
    studyInstanceUid: reference.studyInstanceUid,
    seriesInstanceUid: '',
    frameOfReferenceUid: reference.frameOfReferenceUid,
    units: 'GY',
    doseType: 'PHYSICAL',
    summationType: 'MULTI_PLAN',
    position: origin,
    rowDirection: rowDir,
    columnDirection: colDir,
    rowSpacing: inPlane,
    columnSpacing: inPlane,
    rows,
    columns,
    frames,
    frameOffsets: Array.from({ length: frames }, (_, f) => f * through),
    dose,
    maxDose,
    // The sources' own warnings stay with the sources.
    warnings: [],
  };
  return {
    grid,
    provenance: {
      method: 'trilinear resampling onto a common grid, physical dose added voxel by voxel',
      frameOfReferenceUid: reference.frameOfReferenceUid,
      sources: sources.map(({ grid: g, label, registration }) => ({
        label,
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
      grid: { origin, columns, rows, frames, spacingMm: [inPlane, inPlane, through] },
    },
  };
}
