// Builders for the DICOM objects of a synthetic course, each from explicit parameters so
// the course generator and the analytic DVH tests share them. The attributes follow the
// IOD module tables (PS3.3 A.3 CT, A.19 RT Structure Set, A.20 RT Plan, A.18 RT Dose,
// A.29 RT Beams Treatment Record); the tests run dciodvfy over every object.

import { SOP_CLASS } from '../dictionary';
import { formatDecimalString, type DicomDataset } from '../dicom-writer';
import type { Vec3 } from '../geometry';
import type { Solid } from './shapes';

export interface PatientStudy {
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: 'M' | 'F' | 'O';
  studyInstanceUid: string;
  studyId: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  /** The hospital, written as InstitutionName (General Equipment) when given. */
  institutionName?: string;
}

export interface SeriesInfo {
  seriesInstanceUid: string;
  seriesNumber: number;
  description: string;
}

const MANUFACTURER = 'ACTION-EHR synthetic';
const AXIAL: readonly number[] = [1, 0, 0, 0, 1, 0];

function common(
  patient: PatientStudy,
  series: SeriesInfo,
  modality: string,
  sopClassUid: string,
  sopInstanceUid: string,
): DicomDataset {
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    InstanceCreationDate: patient.studyDate,
    InstanceCreationTime: patient.studyTime,
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: patient.studyDate,
    StudyTime: patient.studyTime,
    SeriesDate: patient.studyDate,
    SeriesTime: patient.studyTime,
    AccessionNumber: null,
    Modality: modality,
    Manufacturer: MANUFACTURER,
    ...(patient.institutionName ? { InstitutionName: patient.institutionName } : {}),
    ReferringPhysicianName: null,
    StudyDescription: patient.studyDescription,
    SeriesDescription: series.description,
    PatientName: patient.patientName,
    PatientID: patient.patientId,
    PatientBirthDate: patient.patientBirthDate,
    PatientSex: patient.patientSex,
    StudyInstanceUID: patient.studyInstanceUid,
    SeriesInstanceUID: series.seriesInstanceUid,
    StudyID: patient.studyId,
    SeriesNumber: series.seriesNumber,
  };
}

/** RT objects carry the RT Series module, whose Operators' Name is type 2. */
function rtCommon(...args: Parameters<typeof common>): DicomDataset {
  return { ...common(...args), OperatorsName: null };
}

export interface CtSliceSpec {
  sopInstanceUid: string;
  instanceNumber: number;
  frameOfReferenceUid: string;
  position: Vec3;
  rows: number;
  columns: number;
  pixelSpacing: number;
  sliceThickness: number;
  /** Hounsfield units, row by row. */
  hounsfield: Int16Array;
}

export function ctSliceDataset(
  patient: PatientStudy,
  series: SeriesInfo,
  slice: CtSliceSpec,
): DicomDataset {
  // Stored = HU + 1024 as unsigned 16-bit, the most common CT encoding.
  const stored = new Uint16Array(slice.hounsfield.length);
  for (let i = 0; i < stored.length; i++)
    stored[i] = Math.max(0, Math.min(4095, (slice.hounsfield[i] as number) + 1024));
  return {
    ...common(patient, series, 'CT', SOP_CLASS.ctImage, slice.sopInstanceUid),
    // An unpaired body part, so Laterality (type 2C) is correctly absent.
    BodyPartExamined: 'CHEST',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    ContentDate: patient.studyDate,
    ContentTime: patient.studyTime,
    SliceThickness: slice.sliceThickness,
    KVP: 120,
    PatientPosition: 'HFS',
    AcquisitionNumber: 1,
    InstanceNumber: slice.instanceNumber,
    ImagePositionPatient: [...slice.position],
    ImageOrientationPatient: AXIAL,
    FrameOfReferenceUID: slice.frameOfReferenceUid,
    PositionReferenceIndicator: null,
    SliceLocation: slice.position[2],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: slice.rows,
    Columns: slice.columns,
    PixelSpacing: [slice.pixelSpacing, slice.pixelSpacing],
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    WindowCenter: 40,
    WindowWidth: 400,
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    RescaleType: 'HU',
    PixelData: stored,
  };
}

export interface RoiSpec {
  number: number;
  name: string;
  color: readonly [number, number, number];
  /** EXTERNAL, PTV, ORGAN, … */
  interpretedType: string;
  solid: Solid;
}

export interface StructureSetSpec {
  sopInstanceUid: string;
  frameOfReferenceUid: string;
  imageSeriesUid: string;
  /** The image planes contours are drawn on (contours reference these images). */
  planes: readonly { z: number; sopInstanceUid: string }[];
  rois: readonly RoiSpec[];
  label: string;
}

export function structureSetDataset(
  patient: PatientStudy,
  series: SeriesInfo,
  spec: StructureSetSpec,
): DicomDataset {
  const imageRef = (uid: string): DicomDataset => ({
    ReferencedSOPClassUID: SOP_CLASS.ctImage,
    ReferencedSOPInstanceUID: uid,
  });
  return {
    ...rtCommon(patient, series, 'RTSTRUCT', SOP_CLASS.rtStructureSet, spec.sopInstanceUid),
    InstanceNumber: 1,
    FrameOfReferenceUID: spec.frameOfReferenceUid,
    PositionReferenceIndicator: null,
    StructureSetLabel: spec.label,
    StructureSetDate: patient.studyDate,
    StructureSetTime: patient.studyTime,
    ReferencedFrameOfReferenceSequence: [
      {
        FrameOfReferenceUID: spec.frameOfReferenceUid,
        RTReferencedStudySequence: [
          {
            // Study Component Management SOP Class: the value PS3.3 C.8.8.5 prescribes.
            ReferencedSOPClassUID: '1.2.840.10008.3.1.2.3.2',
            ReferencedSOPInstanceUID: patient.studyInstanceUid,
            RTReferencedSeriesSequence: [
              {
                SeriesInstanceUID: spec.imageSeriesUid,
                ContourImageSequence: spec.planes.map((p) => imageRef(p.sopInstanceUid)),
              },
            ],
          },
        ],
      },
    ],
    StructureSetROISequence: spec.rois.map((roi) => ({
      ROINumber: roi.number,
      ReferencedFrameOfReferenceUID: spec.frameOfReferenceUid,
      ROIName: roi.name,
      ROIGenerationAlgorithm: 'AUTOMATIC',
    })),
    ROIContourSequence: spec.rois.map((roi) => {
      let contourNumber = 0;
      const contours = spec.planes.flatMap((plane) =>
        roi.solid.contoursAt(plane.z).map((points): DicomDataset => ({
          ContourImageSequence: [imageRef(plane.sopInstanceUid)],
          ContourGeometricType: 'CLOSED_PLANAR',
          NumberOfContourPoints: points.length / 3,
          ContourNumber: ++contourNumber,
          ContourData: Array.from(points, (v) => Math.round(v * 1000) / 1000),
        })),
      );
      return {
        ROIDisplayColor: [...roi.color],
        ContourSequence: contours,
        ReferencedROINumber: roi.number,
      };
    }),
    RTROIObservationsSequence: spec.rois.map((roi) => ({
      ObservationNumber: roi.number,
      ReferencedROINumber: roi.number,
      RTROIInterpretedType: roi.interpretedType,
      ROIInterpreter: null,
    })),
  };
}

export interface DoseGridSpec {
  sopInstanceUid: string;
  frameOfReferenceUid: string;
  referencedPlanUid: string;
  /** Centre of the first voxel. */
  origin: Vec3;
  columns: number;
  rows: number;
  frames: number;
  /** In-plane spacing (mm), same for rows and columns. */
  spacing: number;
  /** Distance between frames (mm). */
  frameSpacing: number;
  /** Dose in Gy at a patient point. */
  doseAt: (point: Vec3) => number;
  /**
   * Stored sample size. 16 is the default because dciodvfy (dicom3tools 1.00) aborts on
   * 32-bit OW pixel data; 32 exercises the other common encoding in tests.
   */
  bitsAllocated?: 16 | 32;
}

export function doseDataset(
  patient: PatientStudy,
  series: SeriesInfo,
  spec: DoseGridSpec,
): DicomDataset {
  const count = spec.columns * spec.rows * spec.frames;
  const dose = new Float64Array(count);
  let max = 0;
  let i = 0;
  for (let f = 0; f < spec.frames; f++)
    for (let r = 0; r < spec.rows; r++)
      for (let c = 0; c < spec.columns; c++) {
        const value = Math.max(
          0,
          spec.doseAt([
            spec.origin[0] + c * spec.spacing,
            spec.origin[1] + r * spec.spacing,
            spec.origin[2] + f * spec.frameSpacing,
          ]),
        );
        dose[i++] = value;
        if (value > max) max = value;
      }
  // Scale so the maximum nearly fills the stored range; the scaling is rounded to what its
  // DS text holds, so stored × scaling reproduces the dose a reader will compute.
  const bits = spec.bitsAllocated ?? 16;
  const top = bits === 16 ? 65000 : 2 ** 31;
  const scaling = Number(formatDecimalString(max > 0 ? max / top : 1e-6));
  const stored = bits === 16 ? new Uint16Array(count) : new Uint32Array(count);
  for (let k = 0; k < count; k++) stored[k] = Math.round((dose[k] as number) / scaling);
  return {
    ...rtCommon(patient, series, 'RTDOSE', SOP_CLASS.rtDose, spec.sopInstanceUid),
    ContentDate: patient.studyDate,
    ContentTime: patient.studyTime,
    InstanceNumber: 1,
    SliceThickness: null,
    ImagePositionPatient: [...spec.origin],
    ImageOrientationPatient: AXIAL,
    FrameOfReferenceUID: spec.frameOfReferenceUid,
    PositionReferenceIndicator: null,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: spec.frames,
    FrameIncrementPointer: 0x3004000c,
    Rows: spec.rows,
    Columns: spec.columns,
    PixelSpacing: [spec.spacing, spec.spacing],
    BitsAllocated: bits,
    BitsStored: bits,
    HighBit: bits - 1,
    PixelRepresentation: 0,
    DoseUnits: 'GY',
    DoseType: 'PHYSICAL',
    DoseSummationType: 'PLAN',
    GridFrameOffsetVector: Array.from({ length: spec.frames }, (_, f) => f * spec.frameSpacing),
    DoseGridScaling: scaling,
    TissueHeterogeneityCorrection: 'IMAGE',
    ReferencedRTPlanSequence: [
      { ReferencedSOPClassUID: SOP_CLASS.rtPlan, ReferencedSOPInstanceUID: spec.referencedPlanUid },
    ],
    PixelData: stored,
  };
}

export interface BeamSpec {
  number: number;
  name: string;
  gantryAngle: number;
  energyMv: number;
  /** Meterset (MU) per fraction. */
  meterset: number;
  /** Dose per fraction at the isocentre (Gy). */
  doseGy: number;
}

export interface PlanSpec {
  sopInstanceUid: string;
  frameOfReferenceUid: string;
  structureSetUid: string;
  label: string;
  planDate: string;
  prescriptionGy: number;
  fractions: number;
  targetRoiNumber: number;
  isocenter: Vec3;
  beams: readonly BeamSpec[];
  machine: string;
}

function jaws(halfWidth: number): DicomDataset[] {
  return [
    { RTBeamLimitingDeviceType: 'ASYMX', LeafJawPositions: [-halfWidth, halfWidth] },
    { RTBeamLimitingDeviceType: 'ASYMY', LeafJawPositions: [-halfWidth, halfWidth] },
  ];
}

export function planDataset(
  patient: PatientStudy,
  series: SeriesInfo,
  spec: PlanSpec,
): DicomDataset {
  return {
    ...rtCommon(patient, series, 'RTPLAN', SOP_CLASS.rtPlan, spec.sopInstanceUid),
    InstanceNumber: 1,
    FrameOfReferenceUID: spec.frameOfReferenceUid,
    PositionReferenceIndicator: null,
    RTPlanLabel: spec.label,
    RTPlanName: spec.label,
    RTPlanDate: spec.planDate,
    RTPlanTime: patient.studyTime,
    RTPlanGeometry: 'PATIENT',
    ReferencedStructureSetSequence: [
      {
        ReferencedSOPClassUID: SOP_CLASS.rtStructureSet,
        ReferencedSOPInstanceUID: spec.structureSetUid,
      },
    ],
    DoseReferenceSequence: [
      {
        DoseReferenceNumber: 1,
        DoseReferenceStructureType: 'VOLUME',
        DoseReferenceDescription: 'PTV prescription',
        ReferencedROINumber: spec.targetRoiNumber,
        DoseReferenceType: 'TARGET',
        DeliveryMaximumDose: Math.round(spec.prescriptionGy * 1.07 * 100) / 100,
        TargetPrescriptionDose: spec.prescriptionGy,
      },
    ],
    FractionGroupSequence: [
      {
        FractionGroupNumber: 1,
        NumberOfFractionsPlanned: spec.fractions,
        NumberOfBeams: spec.beams.length,
        NumberOfBrachyApplicationSetups: 0,
        ReferencedBeamSequence: spec.beams.map((beam) => ({
          BeamDose: beam.doseGy,
          BeamMeterset: beam.meterset,
          ReferencedBeamNumber: beam.number,
        })),
      },
    ],
    BeamSequence: spec.beams.map((beam) => ({
      Manufacturer: MANUFACTURER,
      TreatmentMachineName: spec.machine,
      PrimaryDosimeterUnit: 'MU',
      SourceAxisDistance: 1000,
      BeamLimitingDeviceSequence: [
        { RTBeamLimitingDeviceType: 'ASYMX', NumberOfLeafJawPairs: 1 },
        { RTBeamLimitingDeviceType: 'ASYMY', NumberOfLeafJawPairs: 1 },
      ],
      BeamNumber: beam.number,
      BeamName: beam.name,
      BeamType: 'STATIC',
      RadiationType: 'PHOTON',
      TreatmentDeliveryType: 'TREATMENT',
      NumberOfWedges: 0,
      NumberOfCompensators: 0,
      NumberOfBoli: 0,
      NumberOfBlocks: 0,
      FinalCumulativeMetersetWeight: 1,
      NumberOfControlPoints: 2,
      ControlPointSequence: [
        {
          ControlPointIndex: 0,
          NominalBeamEnergy: beam.energyMv,
          DoseRateSet: 600,
          BeamLimitingDevicePositionSequence: jaws(40),
          GantryAngle: beam.gantryAngle,
          GantryRotationDirection: 'NONE',
          BeamLimitingDeviceAngle: 0,
          BeamLimitingDeviceRotationDirection: 'NONE',
          PatientSupportAngle: 0,
          PatientSupportRotationDirection: 'NONE',
          TableTopEccentricAngle: 0,
          TableTopEccentricRotationDirection: 'NONE',
          TableTopVerticalPosition: null,
          TableTopLongitudinalPosition: null,
          TableTopLateralPosition: null,
          IsocenterPosition: [...spec.isocenter],
          CumulativeMetersetWeight: 0,
        },
        { ControlPointIndex: 1, CumulativeMetersetWeight: 1 },
      ],
      ReferencedPatientSetupNumber: 1,
    })),
    PatientSetupSequence: [{ PatientPosition: 'HFS', PatientSetupNumber: 1 }],
    ApprovalStatus: 'UNAPPROVED',
  };
}

export interface SessionBeamSpec {
  beam: BeamSpec;
  fractionNumber: number;
  terminationStatus: 'NORMAL' | 'OPERATOR' | 'MACHINE' | 'UNKNOWN';
  deliveredMeterset: number;
}

export interface TreatmentRecordSpec {
  sopInstanceUid: string;
  instanceNumber: number;
  planUid: string;
  fractionsPlanned: number;
  treatmentDate: string;
  treatmentTime: string;
  machine: string;
  beams: readonly SessionBeamSpec[];
}

export function treatmentRecordDataset(
  patient: PatientStudy,
  series: SeriesInfo,
  spec: TreatmentRecordSpec,
): DicomDataset {
  return {
    ...rtCommon(patient, series, 'RTRECORD', SOP_CLASS.rtBeamsTreatmentRecord, spec.sopInstanceUid),
    InstanceNumber: spec.instanceNumber,
    TreatmentDate: spec.treatmentDate,
    TreatmentTime: spec.treatmentTime,
    ReferencedRTPlanSequence: [
      { ReferencedSOPClassUID: SOP_CLASS.rtPlan, ReferencedSOPInstanceUID: spec.planUid },
    ],
    TreatmentMachineSequence: [
      {
        Manufacturer: MANUFACTURER,
        InstitutionName: null,
        ManufacturerModelName: null,
        DeviceSerialNumber: null,
        TreatmentMachineName: spec.machine,
      },
    ],
    ReferencedFractionGroupNumber: 1,
    NumberOfFractionsPlanned: spec.fractionsPlanned,
    PrimaryDosimeterUnit: 'MU',
    TreatmentSessionBeamSequence: spec.beams.map((session) => ({
      CurrentFractionNumber: session.fractionNumber,
      TreatmentTerminationStatus: session.terminationStatus,
      TreatmentVerificationStatus: null,
      BeamLimitingDeviceLeafPairsSequence: [
        { RTBeamLimitingDeviceType: 'ASYMX', NumberOfLeafJawPairs: 1 },
        { RTBeamLimitingDeviceType: 'ASYMY', NumberOfLeafJawPairs: 1 },
      ],
      SpecifiedPrimaryMeterset: session.beam.meterset,
      DeliveredPrimaryMeterset: session.deliveredMeterset,
      BeamName: session.beam.name,
      BeamType: 'STATIC',
      RadiationType: 'PHOTON',
      TreatmentDeliveryType: 'TREATMENT',
      NumberOfWedges: 0,
      NumberOfCompensators: 0,
      NumberOfBoli: 0,
      NumberOfBlocks: 0,
      NumberOfControlPoints: 2,
      ReferencedBeamNumber: session.beam.number,
      ControlPointDeliverySequence: [0, 1].map((index) => ({
        TreatmentControlPointDate: spec.treatmentDate,
        TreatmentControlPointTime: spec.treatmentTime,
        SpecifiedMeterset: index === 0 ? 0 : session.beam.meterset,
        DeliveredMeterset: index === 0 ? 0 : session.deliveredMeterset,
        ReferencedControlPointIndex: index,
        DoseRateSet: 600,
        DoseRateDelivered: session.deliveredMeterset > 0 ? 600 : 0,
        ...(index === 0
          ? {
              NominalBeamEnergy: session.beam.energyMv,
              NominalBeamEnergyUnit: 'MV',
              GantryAngle: session.beam.gantryAngle,
              GantryRotationDirection: 'NONE',
              BeamLimitingDeviceAngle: 0,
              BeamLimitingDeviceRotationDirection: 'NONE',
              PatientSupportAngle: 0,
              PatientSupportRotationDirection: 'NONE',
              TableTopEccentricAngle: 0,
              TableTopEccentricRotationDirection: 'NONE',
            }
          : {}),
      })),
    })),
  };
}
