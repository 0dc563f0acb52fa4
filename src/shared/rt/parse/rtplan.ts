// RT Plan (photon/electron beams): prescription (dose references), fraction groups with
// the meterset per beam and fraction, and the beams themselves as a reviewer reads them.

import { SOP_CLASS } from '../dictionary';
import { openDicom } from './open';
import type { DicomReader } from './reader';

export interface DoseReference {
  number: number;
  /** POINT, VOLUME, COORDINATES, SITE. */
  structureType: string;
  /** TARGET or ORGAN_AT_RISK. */
  type: string;
  description?: string;
  targetPrescriptionDoseGy?: number;
  deliveryMaximumDoseGy?: number;
}

export interface FractionGroupBeam {
  beamNumber: number;
  /** Meterset (MU for photons) of this beam per fraction. */
  meterset?: number;
  /** Dose (Gy) at the beam dose specification point per fraction. */
  beamDoseGy?: number;
}

export interface FractionGroup {
  number: number;
  fractionsPlanned: number;
  beams: FractionGroupBeam[];
}

export interface PlanBeam {
  number: number;
  name: string;
  type: string;
  radiationType: string;
  treatmentMachine?: string;
  deliveryType?: string;
  /** Nominal energy (MV for photons, MeV for electrons) at the first control point. */
  nominalEnergy?: number;
  gantryAngle?: number;
  controlPoints: number;
  finalCumulativeMetersetWeight?: number;
}

export interface RtPlan {
  file: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  label: string;
  name?: string;
  /** RT Plan Date as YYYYMMDD when given. */
  date?: string;
  frameOfReferenceUid?: string;
  referencedStructureSetUid?: string;
  approvalStatus?: string;
  primaryDosimeterUnit?: string;
  doseReferences: DoseReference[];
  fractionGroups: FractionGroup[];
  beams: PlanBeam[];
}

function readDoseReference(item: DicomReader): DoseReference {
  return {
    number: item.requireNumber('DoseReferenceNumber'),
    structureType: item.requireString('DoseReferenceStructureType'),
    type: item.requireString('DoseReferenceType'),
    description: item.string('DoseReferenceDescription'),
    targetPrescriptionDoseGy: item.number('TargetPrescriptionDose'),
    deliveryMaximumDoseGy: item.number('DeliveryMaximumDose'),
  };
}

function readFractionGroup(item: DicomReader): FractionGroup {
  const fractionsPlanned = item.number('NumberOfFractionsPlanned') ?? 0;
  if (fractionsPlanned < 0)
    throw item.fail('BAD_VALUE', 'NumberOfFractionsPlanned', 'must not be negative');
  return {
    number: item.requireNumber('FractionGroupNumber'),
    fractionsPlanned,
    beams: item.items('ReferencedBeamSequence').map((beam) => ({
      beamNumber: beam.requireNumber('ReferencedBeamNumber'),
      meterset: beam.number('BeamMeterset'),
      beamDoseGy: beam.number('BeamDose'),
    })),
  };
}

function readBeam(item: DicomReader): PlanBeam {
  const controlPoints = item.items('ControlPointSequence');
  const first = controlPoints[0];
  return {
    number: item.requireNumber('BeamNumber'),
    name: item.string('BeamName') ?? '',
    type: item.requireString('BeamType'),
    radiationType: item.string('RadiationType') ?? '',
    treatmentMachine: item.string('TreatmentMachineName'),
    deliveryType: item.string('TreatmentDeliveryType'),
    nominalEnergy: first?.number('NominalBeamEnergy'),
    gantryAngle: first?.number('GantryAngle'),
    controlPoints: item.number('NumberOfControlPoints') ?? controlPoints.length,
    finalCumulativeMetersetWeight: item.number('FinalCumulativeMetersetWeight'),
  };
}

export function parsePlanReader(reader: DicomReader): RtPlan {
  const beamItems = reader.items('BeamSequence');
  return {
    file: reader.file,
    sopInstanceUid: reader.requireString('SOPInstanceUID'),
    studyInstanceUid: reader.requireString('StudyInstanceUID'),
    seriesInstanceUid: reader.requireString('SeriesInstanceUID'),
    label: reader.requireString('RTPlanLabel'),
    name: reader.string('RTPlanName'),
    date: reader.string('RTPlanDate'),
    frameOfReferenceUid: reader.string('FrameOfReferenceUID'),
    referencedStructureSetUid: reader
      .items('ReferencedStructureSetSequence')[0]
      ?.requireString('ReferencedSOPInstanceUID'),
    approvalStatus: reader.string('ApprovalStatus'),
    primaryDosimeterUnit: beamItems[0]?.string('PrimaryDosimeterUnit'),
    doseReferences: reader.items('DoseReferenceSequence').map(readDoseReference),
    fractionGroups: reader.items('FractionGroupSequence').map(readFractionGroup),
    beams: beamItems.map(readBeam),
  };
}

export function parsePlan(bytes: Uint8Array, file: string): RtPlan {
  const { reader } = openDicom(bytes, file);
  const sopClass = reader.requireString('SOPClassUID');
  if (sopClass !== SOP_CLASS.rtPlan)
    throw reader.fail('WRONG_OBJECT', 'SOPClassUID', `${sopClass} is not an RT Plan`);
  return parsePlanReader(reader);
}

/**
 * The prescribed total dose (Gy): the largest target prescription dose of the TARGET dose
 * references; failing that, the beam doses of the first fraction group times its fractions.
 */
export function prescribedDoseGy(plan: RtPlan): number | undefined {
  const targets = plan.doseReferences
    .filter((ref) => ref.type === 'TARGET' && ref.targetPrescriptionDoseGy !== undefined)
    .map((ref) => ref.targetPrescriptionDoseGy as number);
  if (targets.length > 0) return Math.max(...targets);
  const group = plan.fractionGroups[0];
  if (!group || group.beams.some((beam) => beam.beamDoseGy === undefined)) return undefined;
  const perFraction = group.beams.reduce((sum, beam) => sum + (beam.beamDoseGy ?? 0), 0);
  return perFraction > 0 ? perFraction * group.fractionsPlanned : undefined;
}
