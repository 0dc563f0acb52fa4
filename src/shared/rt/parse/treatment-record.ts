// RT Beams Treatment Record: one treatment session. For each beam it says which fraction
// it belonged to, how it ended (NORMAL, OPERATOR, MACHINE, …) and the meterset specified
// and actually delivered. The dose history is built from these.

import { SOP_CLASS } from '../dictionary';
import { openDicom } from './open';
import type { DicomReader } from './reader';

export interface DeliveredBeam {
  beamNumber: number;
  beamName?: string;
  fractionNumber: number;
  /** NORMAL, OPERATOR, MACHINE or UNKNOWN. */
  terminationStatus: string;
  verificationStatus?: string;
  specifiedMeterset?: number;
  deliveredMeterset?: number;
}

export interface TreatmentRecord {
  file: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  instanceNumber?: number;
  /** YYYYMMDD, when given. */
  treatmentDate?: string;
  /** HHMMSS(.ffffff), when given. */
  treatmentTime?: string;
  referencedPlanUid?: string;
  referencedFractionGroupNumber?: number;
  fractionsPlanned?: number;
  primaryDosimeterUnit?: string;
  beams: DeliveredBeam[];
  /** Damage found while reading: content that may be missing from this record. */
  warnings: string[];
}

/** Beam-level totals when given, else the last control point's (cumulative) values. */
function metersets(beam: DicomReader): { specified?: number; delivered?: number } {
  const points = beam.items('ControlPointDeliverySequence');
  const last = points[points.length - 1];
  return {
    specified: beam.number('SpecifiedPrimaryMeterset') ?? last?.number('SpecifiedMeterset'),
    delivered: beam.number('DeliveredPrimaryMeterset') ?? last?.number('DeliveredMeterset'),
  };
}

function readBeam(item: DicomReader): DeliveredBeam {
  const { specified, delivered } = metersets(item);
  if (delivered !== undefined && delivered < 0)
    throw item.fail('BAD_VALUE', 'DeliveredMeterset', 'must not be negative');
  return {
    beamNumber: item.requireNumber('ReferencedBeamNumber'),
    beamName: item.string('BeamName'),
    fractionNumber: item.requireNumber('CurrentFractionNumber'),
    terminationStatus: item.requireString('TreatmentTerminationStatus'),
    verificationStatus: item.string('TreatmentVerificationStatus'),
    specifiedMeterset: specified,
    deliveredMeterset: delivered,
  };
}

export function parseTreatmentRecordReader(reader: DicomReader): TreatmentRecord {
  return {
    file: reader.file,
    sopInstanceUid: reader.requireString('SOPInstanceUID'),
    studyInstanceUid: reader.requireString('StudyInstanceUID'),
    seriesInstanceUid: reader.requireString('SeriesInstanceUID'),
    instanceNumber: reader.number('InstanceNumber'),
    treatmentDate: reader.string('TreatmentDate'),
    treatmentTime: reader.string('TreatmentTime'),
    referencedPlanUid: reader.referencedUids(
      'ReferencedRTPlanSequence',
      'ReferencedSOPInstanceUID',
    )[0],
    referencedFractionGroupNumber: reader.number('ReferencedFractionGroupNumber'),
    fractionsPlanned: reader.number('NumberOfFractionsPlanned'),
    primaryDosimeterUnit: reader.string('PrimaryDosimeterUnit'),
    beams: reader.requireItems('TreatmentSessionBeamSequence').map(readBeam),
    warnings: reader.warnings,
  };
}

export function parseTreatmentRecord(bytes: Uint8Array, file: string): TreatmentRecord {
  const { reader } = openDicom(bytes, file);
  const sopClass = reader.requireString('SOPClassUID');
  if (sopClass !== SOP_CLASS.rtBeamsTreatmentRecord)
    throw reader.fail(
      'WRONG_OBJECT',
      'SOPClassUID',
      `${sopClass} is not an RT Beams Treatment Record`,
    );
  return parseTreatmentRecordReader(reader);
}
