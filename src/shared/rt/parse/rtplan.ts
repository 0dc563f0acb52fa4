// RT Plan (photon/electron beams): prescription (dose references), fraction groups with
// the meterset per beam and fraction, and the beams themselves as a reviewer reads them.
// What the dose history and the review need is required: a plan without its fraction
// scheme, beams or their geometry is refused rather than read as an empty plan.

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
  description?: string;
  fractionsPlanned: number;
  beams: FractionGroupBeam[];
  /** Dose references (prescriptions) this group delivers, by DoseReferenceNumber. */
  doseReferenceNumbers: number[];
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
  /** The hospital that wrote the plan (InstitutionName), when given. */
  institutionName?: string;
  frameOfReferenceUid?: string;
  referencedStructureSetUid?: string;
  approvalStatus?: string;
  primaryDosimeterUnit?: string;
  doseReferences: DoseReference[];
  fractionGroups: FractionGroup[];
  beams: PlanBeam[];
  /** Damage found while reading: content that may be missing from this plan. */
  warnings: string[];
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
  const number = item.requireNumber('FractionGroupNumber');
  const fractionsPlanned = item.requireNumber('NumberOfFractionsPlanned');
  const beamCount = item.requireNumber('NumberOfBeams');
  const beams = (beamCount > 0 ? item.requireItems('ReferencedBeamSequence') : []).map((beam) => ({
    beamNumber: beam.requireNumber('ReferencedBeamNumber'),
    meterset: beam.number('BeamMeterset'),
    beamDoseGy: beam.number('BeamDose'),
  }));
  if (beams.length !== beamCount)
    throw item.fail(
      'BAD_VALUE',
      'NumberOfBeams',
      `says ${beamCount} beams but ReferencedBeamSequence holds ${beams.length}`,
    );
  const doseReferenceNumbers = item
    .items('ReferencedDoseReferenceSequence')
    .flatMap((ref) => ref.number('ReferencedDoseReferenceNumber') ?? []);
  return {
    number,
    description: item.string('FractionGroupDescription'),
    fractionsPlanned,
    beams,
    doseReferenceNumbers,
  };
}

function readBeam(item: DicomReader): PlanBeam {
  const controlPoints = item.requireItems('ControlPointSequence');
  const declared = item.requireNumber('NumberOfControlPoints');
  if (declared !== controlPoints.length)
    throw item.fail(
      'BAD_VALUE',
      'NumberOfControlPoints',
      `says ${declared} control points but ControlPointSequence holds ${controlPoints.length}`,
    );
  const first = controlPoints[0] as DicomReader;
  return {
    number: item.requireNumber('BeamNumber'),
    name: item.string('BeamName') ?? '',
    type: item.requireString('BeamType'),
    radiationType: item.string('RadiationType') ?? '',
    treatmentMachine: item.string('TreatmentMachineName'),
    deliveryType: item.string('TreatmentDeliveryType'),
    nominalEnergy: first.number('NominalBeamEnergy'),
    // Required in the first control point (PS3.3 C.8.8.14.5).
    gantryAngle: first.requireNumber('GantryAngle'),
    controlPoints: declared,
    finalCumulativeMetersetWeight: item.number('FinalCumulativeMetersetWeight'),
  };
}

/** Every beam a fraction group delivers must be in the beam sequence. */
function checkReferencedBeams(reader: DicomReader, groups: FractionGroup[], beams: PlanBeam[]) {
  const numbers = new Set(beams.map((beam) => beam.number));
  for (const group of groups)
    for (const beam of group.beams)
      if (!numbers.has(beam.beamNumber))
        throw reader.fail(
          'BAD_VALUE',
          'BeamSequence',
          `holds no beam ${beam.beamNumber}, which fraction group ${group.number} delivers`,
        );
}

/** The structure set a patient-based plan was made on (required for PATIENT geometry). */
function referencedStructureSet(reader: DicomReader): string | undefined {
  const geometry = reader.requireString('RTPlanGeometry');
  // A cut sequence is damage and fails the plan; an item without its UID is only noted.
  if (geometry === 'PATIENT') reader.requireItems('ReferencedStructureSetSequence');
  return reader.referencedUids('ReferencedStructureSetSequence', 'ReferencedSOPInstanceUID')[0];
}

export function parsePlanReader(reader: DicomReader): RtPlan {
  const fractionGroups = reader.requireItems('FractionGroupSequence').map(readFractionGroup);
  const needsBeams = fractionGroups.some((group) => group.beams.length > 0);
  const beamItems = needsBeams ? reader.requireItems('BeamSequence') : reader.items('BeamSequence');
  const beams = beamItems.map(readBeam);
  checkReferencedBeams(reader, fractionGroups, beams);
  return {
    file: reader.file,
    sopInstanceUid: reader.requireString('SOPInstanceUID'),
    studyInstanceUid: reader.requireString('StudyInstanceUID'),
    seriesInstanceUid: reader.requireString('SeriesInstanceUID'),
    label: reader.requireString('RTPlanLabel'),
    name: reader.string('RTPlanName'),
    date: reader.string('RTPlanDate'),
    institutionName: reader.string('InstitutionName'),
    frameOfReferenceUid: reader.string('FrameOfReferenceUID'),
    referencedStructureSetUid: referencedStructureSet(reader),
    approvalStatus: reader.string('ApprovalStatus'),
    primaryDosimeterUnit: beamItems[0]?.string('PrimaryDosimeterUnit'),
    doseReferences: reader.items('DoseReferenceSequence').map(readDoseReference),
    fractionGroups,
    beams,
    warnings: reader.warnings,
  };
}

export function parsePlan(bytes: Uint8Array, file: string): RtPlan {
  const { reader } = openDicom(bytes, file);
  const sopClass = reader.requireString('SOPClassUID');
  if (sopClass !== SOP_CLASS.rtPlan)
    throw reader.fail('WRONG_OBJECT', 'SOPClassUID', `${sopClass} is not an RT Plan`);
  return parsePlanReader(reader);
}

function largestTarget(references: readonly DoseReference[]): number | undefined {
  const doses = references
    .filter((ref) => ref.type === 'TARGET' && ref.targetPrescriptionDoseGy !== undefined)
    .map((ref) => ref.targetPrescriptionDoseGy as number);
  return doses.length > 0 ? Math.max(...doses) : undefined;
}

/**
 * What one fraction group prescribes (Gy over its fractions): the largest target
 * prescription among the dose references the group names; in a plan of one group, among
 * all its dose references; failing that, the group's beam doses times its fractions.
 * With several groups (a sequential boost, say) each dose reference is taken as its own
 * group's part, so the course's prescription is the sum over groups.
 */
export function groupPrescribedDoseGy(plan: RtPlan, group: FractionGroup): number | undefined {
  const named = largestTarget(
    plan.doseReferences.filter((ref) => group.doseReferenceNumbers.includes(ref.number)),
  );
  if (named !== undefined) return named;
  if (plan.fractionGroups.length === 1) {
    const any = largestTarget(plan.doseReferences);
    if (any !== undefined) return any;
  }
  if (group.beams.length === 0 || group.beams.some((beam) => beam.beamDoseGy === undefined))
    return undefined;
  const perFraction = group.beams.reduce((sum, beam) => sum + (beam.beamDoseGy ?? 0), 0);
  return perFraction > 0 ? perFraction * group.fractionsPlanned : undefined;
}

/**
 * The prescribed total dose (Gy): the sum of every fraction group's prescription when each
 * has one (see groupPrescribedDoseGy); otherwise the largest target prescription dose.
 */
export function prescribedDoseGy(plan: RtPlan): number | undefined {
  const groups = plan.fractionGroups.map((group) => groupPrescribedDoseGy(plan, group));
  if (groups.length > 0 && groups.every((dose) => dose !== undefined))
    return groups.reduce((sum: number, dose) => sum + (dose as number), 0);
  return largestTarget(plan.doseReferences);
}
