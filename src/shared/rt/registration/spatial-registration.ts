// DICOM Spatial Registration objects (SOP class 1.2.840.10008.5.1.4.1.1.66.1, PS3.3 A.39 and
// C.20.2): how a registration travels with the records of a course. The object's own
// FrameOfReferenceUID is the registered coordinate system; each RegistrationSequence item
// names a frame of reference and the matrices (applied in order) that map it into the
// registered one. We read and write only RIGID matrices: a deformable registration
// (SOP class …66.3) or a scaled/affine matrix is refused by name, never approximated.

import { SOP_CLASS } from '../dictionary';
import { writePart10, type DicomDataset } from '../dicom-writer';
import { openDicom } from '../parse/open';
import type { DicomReader } from '../parse/reader';
import {
  IDENTITY,
  invertRigid,
  multiply,
  requireRigid,
  whyNotRigid,
  type RigidTransform,
} from './rigid';

export interface SpatialRegistration {
  file: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** The registered coordinate system every item maps into. */
  frameOfReferenceUid: string;
  contentLabel?: string;
  contentDescription?: string;
  contentCreatorName?: string;
  contentDate?: string;
  /** One per item other than the registered frame itself: item frame → registered frame. */
  transforms: RigidTransform[];
}

function matrixOfItem(item: DicomReader): number[] {
  const matrices = item.requireItems('MatrixRegistrationSequence').flatMap((registration) =>
    registration.requireItems('MatrixSequence').map((entry) => {
      const type = entry.requireString('FrameOfReferenceTransformationMatrixType');
      if (type !== 'RIGID')
        throw entry.fail(
          'UNSUPPORTED',
          'FrameOfReferenceTransformationMatrixType',
          `${type} registration is not used: only RIGID matrices are applied to dose`,
        );
      const values = entry.requireNumbers('FrameOfReferenceTransformationMatrix', 16);
      const why = whyNotRigid(values);
      if (why) throw entry.fail('BAD_VALUE', 'FrameOfReferenceTransformationMatrix', why);
      return values;
    }),
  );
  // Matrices of a sequence apply in order: the last one is applied last.
  return matrices.reduce<number[]>((acc, m) => [...multiply(m, acc)], [...IDENTITY]);
}

export function parseSpatialRegistrationReader(reader: DicomReader): SpatialRegistration {
  const sopClass = reader.requireString('SOPClassUID');
  if (sopClass === SOP_CLASS.deformableSpatialRegistration)
    throw reader.fail(
      'UNSUPPORTED',
      'SOPClassUID',
      'a deformable registration cannot be used: only rigid registrations are applied to dose',
    );
  if (sopClass !== SOP_CLASS.spatialRegistration)
    throw reader.fail('WRONG_OBJECT', 'SOPClassUID', `${sopClass} is not a Spatial Registration`);
  const registered = reader.requireString('FrameOfReferenceUID');
  const transforms: RigidTransform[] = [];
  for (const item of reader.requireItems('RegistrationSequence')) {
    const source = item.requireString('FrameOfReferenceUID');
    const matrix = matrixOfItem(item);
    if (source === registered) {
      // The registered frame's own item must map it onto itself.
      if (matrix.some((v, i) => Math.abs(v - (IDENTITY[i] as number)) > 1e-4))
        throw item.fail(
          'BAD_VALUE',
          'FrameOfReferenceTransformationMatrix',
          'the registered frame of reference is mapped away from itself',
        );
      continue;
    }
    transforms.push({
      sourceFrameOfReferenceUid: source,
      targetFrameOfReferenceUid: registered,
      matrix,
    });
  }
  if (transforms.length === 0)
    throw reader.fail(
      'MISSING_TAG',
      'RegistrationSequence',
      'no item registers another frame of reference to this one',
    );
  return {
    file: reader.file,
    sopInstanceUid: reader.requireString('SOPInstanceUID'),
    studyInstanceUid: reader.requireString('StudyInstanceUID'),
    seriesInstanceUid: reader.requireString('SeriesInstanceUID'),
    frameOfReferenceUid: registered,
    contentLabel: reader.string('ContentLabel'),
    contentDescription: reader.string('ContentDescription'),
    contentCreatorName: reader.string('ContentCreatorName'),
    contentDate: reader.string('ContentDate'),
    transforms,
  };
}

export function parseSpatialRegistration(bytes: Uint8Array, file: string): SpatialRegistration {
  return parseSpatialRegistrationReader(openDicom(bytes, file).reader);
}

/**
 * The transform from `source` to `target` a registration object gives, either way round
 * (a REG written at the other hospital may register our frame to theirs).
 */
export function transformBetween(
  registration: SpatialRegistration,
  source: string,
  target: string,
): RigidTransform | undefined {
  for (const t of registration.transforms) {
    if (t.sourceFrameOfReferenceUid === source && t.targetFrameOfReferenceUid === target) return t;
    if (t.sourceFrameOfReferenceUid === target && t.targetFrameOfReferenceUid === source)
      return {
        sourceFrameOfReferenceUid: source,
        targetFrameOfReferenceUid: target,
        matrix: invertRigid(t.matrix),
      };
  }
  return undefined;
}

export interface SpatialRegistrationSpec {
  transform: RigidTransform;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  /** The reference (current) course's patient and study, which the REG belongs to. */
  patient: {
    patientName: string;
    patientId: string;
    patientBirthDate?: string;
    patientSex?: string;
  };
  study: {
    studyInstanceUid: string;
    studyDate?: string;
    studyTime?: string;
    studyId?: string;
    accessionNumber?: string;
  };
  /** YYYYMMDD and HHMMSS of acceptance. */
  contentDate: string;
  contentTime: string;
  /** Who accepted it (DICOM PN, "Family^Given"). */
  creatorName: string;
  description: string;
  manufacturer: string;
  seriesNumber?: number;
}

const REGISTRATION_TYPE_RIGID = {
  CodeValue: '125024',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Image Content-based Alignment',
};

function registrationItem(frameOfReferenceUid: string, matrix: readonly number[]): DicomDataset {
  return {
    FrameOfReferenceUID: frameOfReferenceUid,
    MatrixRegistrationSequence: [
      {
        RegistrationTypeCodeSequence: [REGISTRATION_TYPE_RIGID],
        MatrixSequence: [
          {
            FrameOfReferenceTransformationMatrix: [...matrix],
            FrameOfReferenceTransformationMatrixType: 'RIGID',
          },
        ],
      },
    ],
  };
}

/** A Spatial Registration data set: the target frame (identity), then the source frame. */
export function spatialRegistrationDataset(spec: SpatialRegistrationSpec): DicomDataset {
  const { transform, patient, study } = spec;
  requireRigid(transform.matrix);
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    InstanceCreationDate: spec.contentDate,
    InstanceCreationTime: spec.contentTime,
    SOPClassUID: SOP_CLASS.spatialRegistration,
    SOPInstanceUID: spec.sopInstanceUid,
    StudyDate: study.studyDate ?? null,
    StudyTime: study.studyTime ?? null,
    ContentDate: spec.contentDate,
    ContentTime: spec.contentTime,
    AccessionNumber: study.accessionNumber ?? null,
    Modality: 'REG',
    Manufacturer: spec.manufacturer,
    ReferringPhysicianName: null,
    SeriesDescription: spec.description.slice(0, 64),
    PatientName: patient.patientName,
    PatientID: patient.patientId,
    PatientBirthDate: patient.patientBirthDate ?? null,
    PatientSex: patient.patientSex ?? null,
    StudyInstanceUID: study.studyInstanceUid,
    SeriesInstanceUID: spec.seriesInstanceUid,
    StudyID: study.studyId ?? null,
    SeriesNumber: spec.seriesNumber ?? 1,
    // Type 2C: a registration concerns no one paired body part; empty says so.
    Laterality: null,
    InstanceNumber: 1,
    FrameOfReferenceUID: transform.targetFrameOfReferenceUid,
    PositionReferenceIndicator: null,
    ContentLabel: 'RIGID_REG',
    ContentDescription: spec.description.slice(0, 64),
    ContentCreatorName: spec.creatorName,
    RegistrationSequence: [
      registrationItem(transform.targetFrameOfReferenceUid, IDENTITY),
      registrationItem(transform.sourceFrameOfReferenceUid, transform.matrix),
    ],
  };
}

export function writeSpatialRegistration(spec: SpatialRegistrationSpec): Uint8Array {
  return writePart10(spatialRegistrationDataset(spec));
}
