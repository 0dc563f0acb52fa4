// A registration a person may sum dose through: a rigid transform from one course's frame
// of reference into the reference course's, and where it came from — a DICOM REG object
// shared with the records, or an automatic result the physicist reviewed and accepted.
// Every summation result names the one it used (sum.ts), so a cumulative dose is never
// shown without the mapping it rests on.

import { invertRigid, rotationAngleDeg, translationOf, type RigidTransform } from './rigid';
import type { SpatialRegistration } from './spatial-registration';

export type RegistrationOrigin =
  | {
      kind: 'dicom-reg';
      file: string;
      sopInstanceUid: string;
      creatorName?: string;
      contentDate?: string;
    }
  | {
      kind: 'automatic';
      /** How it was computed, e.g. "elastix 3-level rigid (Euler), Mattes mutual information". */
      method: string;
      acceptedBy: string;
      /** ISO 8601 time of acceptance. */
      acceptedAt: string;
      /** The physicist moved it by hand after the automatic result. */
      adjusted: boolean;
    };

export interface AcceptedRegistration {
  transform: RigidTransform;
  origin: RegistrationOrigin;
}

export function registrationsFromObject(reg: SpatialRegistration): AcceptedRegistration[] {
  return reg.transforms.map((transform) => ({
    transform,
    origin: {
      kind: 'dicom-reg',
      file: reg.file,
      sopInstanceUid: reg.sopInstanceUid,
      creatorName: reg.contentCreatorName,
      contentDate: reg.contentDate,
    },
  }));
}

/** The registration mapping `from` into `to`, inverting one that maps the other way. */
export function findRegistration(
  candidates: readonly AcceptedRegistration[],
  from: string,
  to: string,
): AcceptedRegistration | undefined {
  for (const r of candidates) {
    const t = r.transform;
    if (t.sourceFrameOfReferenceUid === from && t.targetFrameOfReferenceUid === to) return r;
    if (t.sourceFrameOfReferenceUid === to && t.targetFrameOfReferenceUid === from)
      return {
        ...r,
        transform: {
          sourceFrameOfReferenceUid: from,
          targetFrameOfReferenceUid: to,
          matrix: invertRigid(t.matrix),
        },
      };
  }
  return undefined;
}

/** One sentence for a result: what the registration is and where it came from. */
export function describeRegistration(r: AcceptedRegistration): string {
  const [x, y, z] = translationOf(r.transform.matrix).map((v) => v.toFixed(1));
  const what = `rigid, rotation ${rotationAngleDeg(r.transform.matrix).toFixed(2)}°, translation (${x}, ${y}, ${z}) mm`;
  const o = r.origin;
  if (o.kind === 'dicom-reg')
    return `DICOM registration object ${o.file} (${o.sopInstanceUid}${o.creatorName ? `, by ${o.creatorName}` : ''}${o.contentDate ? `, ${o.contentDate}` : ''}): ${what}`;
  return `automatic registration (${o.method})${o.adjusted ? ', adjusted by hand' : ''}, accepted by ${o.acceptedBy} at ${o.acceptedAt}: ${what}`;
}

/** A sampler of the source frame, called with points of the registration's target frame. */
export function throughRegistration(
  sample: (x: number, y: number, z: number) => number,
  r: AcceptedRegistration,
): (x: number, y: number, z: number) => number {
  const [a, b, c, d, e, f, g, h, i, j, k, l] = invertRigid(r.transform.matrix) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Inlined (no array per point): summation calls this once per voxel of the common grid.
  return (x, y, z) =>
    sample(a * x + b * y + c * z + d, e * x + f * y + g * z + h, i * x + j * y + k * z + l);
}
