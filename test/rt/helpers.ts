// Shared fixtures for the RT tests: analytic phantoms written as real DICOM (through the
// writer and back through the parsers), so every DVH test also exercises the file path.

import { writePart10 } from '../../src/shared/rt/dicom-writer';
import type { Vec3 } from '../../src/shared/rt/geometry';
import { applyMatrix } from '../../src/shared/rt/registration/rigid';
import { parseDose, type DoseGrid } from '../../src/shared/rt/parse/rtdose';
import { parseStructureSet, type Roi } from '../../src/shared/rt/parse/rtstruct';
import {
  doseDataset,
  structureSetDataset,
  type PatientStudy,
} from '../../src/shared/rt/synth/objects';
import type { Solid } from '../../src/shared/rt/synth/shapes';
import { uidFactory } from '../../src/shared/rt/synth/uid';

export const patient: PatientStudy = {
  patientName: 'TEST^ANALYTIC',
  patientId: 'T-1',
  patientBirthDate: '19700101',
  patientSex: 'O',
  studyInstanceUid: '2.25.1',
  studyId: 'T1',
  studyDate: '20240101',
  studyTime: '120000',
  studyDescription: 'analytic phantom',
};

export interface AnalyticCase {
  roi: Roi;
  grid: DoseGrid;
}

/**
 * One ROI (the solid, contoured on planes `planeSpacing` apart through z = 0) and a dose
 * grid (cube of half-size `halfSize` mm around the origin) with dose `doseAt`.
 */
export function analyticCase(options: {
  solid: Solid;
  doseAt: (p: Vec3) => number;
  planeSpacing?: number;
  gridSpacing?: number;
  halfSize?: number;
  bitsAllocated?: 16 | 32;
  seed?: string;
}): AnalyticCase {
  const uid = uidFactory(options.seed ?? 'analytic');
  const planeSpacing = options.planeSpacing ?? 2.5;
  const gridSpacing = options.gridSpacing ?? 2.5;
  const halfSize = options.halfSize ?? 40;
  const frameOfReferenceUid = uid('for');
  const planes: { z: number; sopInstanceUid: string }[] = [];
  for (let z = -halfSize; z <= halfSize + 1e-9; z += planeSpacing)
    planes.push({ z: Math.round(z * 1000) / 1000, sopInstanceUid: uid(`img-${z}`) });
  const rs = writePart10(
    structureSetDataset(
      patient,
      { seriesInstanceUid: uid('rs-series'), seriesNumber: 1, description: 'RS' },
      {
        sopInstanceUid: uid('rs'),
        frameOfReferenceUid,
        imageSeriesUid: uid('ct-series'),
        planes,
        rois: [
          {
            number: 1,
            name: 'SOLID',
            color: [255, 0, 0],
            interpretedType: 'PTV',
            solid: options.solid,
          },
        ],
        label: 'ANALYTIC',
      },
    ),
  );
  const n = Math.round((2 * halfSize) / gridSpacing) + 1;
  const rd = writePart10(
    doseDataset(
      patient,
      { seriesInstanceUid: uid('rd-series'), seriesNumber: 2, description: 'RD' },
      {
        sopInstanceUid: uid('rd'),
        frameOfReferenceUid,
        referencedPlanUid: uid('plan'),
        origin: [-halfSize, -halfSize, -halfSize],
        columns: n,
        rows: n,
        frames: n,
        spacing: gridSpacing,
        frameSpacing: gridSpacing,
        doseAt: options.doseAt,
        bitsAllocated: options.bitsAllocated ?? 32,
      },
    ),
  );
  const roi = parseStructureSet(rs, 'RS.dcm').rois[0];
  if (!roi) throw new Error('analytic structure set lost its ROI');
  return { roi, grid: parseDose(rd, 'RD.dcm') };
}

/** Volume of the part of a sphere (radius r, centred at 0) with x ≥ t. */
export function sphereCapVolume(r: number, t: number): number {
  if (t >= r) return 0;
  if (t <= -r) return (4 / 3) * Math.PI * r ** 3;
  return (Math.PI * (r - t) ** 2 * (2 * r + t)) / 3;
}

/** Solves f(t) = target for increasing or decreasing f on [lo, hi] by bisection. */
export function bisect(f: (t: number) => number, target: number, lo: number, hi: number): number {
  const rising = f(hi) > f(lo);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target === rising) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Largest distance between where two matrices send the corners of a 10 cm cube. */
export function worstDisplacementMm(
  a: readonly number[],
  b: readonly number[],
  centre: Vec3,
): number {
  let worst = 0;
  for (const dx of [-50, 50])
    for (const dy of [-50, 50])
      for (const dz of [-50, 50]) {
        const p: Vec3 = [centre[0] + dx, centre[1] + dy, centre[2] + dz];
        const [x, y, z] = applyMatrix(a, p);
        const [u, v, w] = applyMatrix(b, p);
        worst = Math.max(worst, Math.hypot(x - u, y - v, z - w));
      }
  return worst;
}
