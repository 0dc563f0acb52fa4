// The attributes this module reads or writes, keyed by DICOM keyword. One table serves the
// writer (which needs each attribute's VR to encode it) and the parsers (which check the VR
// a file declares and name the attribute in errors), so the two can never disagree.

export type Vr =
  | 'AE'
  | 'AS'
  | 'AT'
  | 'CS'
  | 'DA'
  | 'DS'
  | 'DT'
  | 'FD'
  | 'FL'
  | 'IS'
  | 'LO'
  | 'LT'
  | 'OB'
  | 'OW'
  | 'PN'
  | 'SH'
  | 'SL'
  | 'SQ'
  | 'SS'
  | 'ST'
  | 'TM'
  | 'UI'
  | 'UL'
  | 'UN'
  | 'US'
  | 'UT';

/** Every VR of PS3.5 6.2: a file declaring another one is damaged. */
export const KNOWN_VRS: ReadonlySet<string> = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);

/** keyword → [tag as 0xGGGGEEEE, VR the standard gives it]. */
export const DICTIONARY = {
  FileMetaInformationGroupLength: [0x00020000, 'UL'],
  FileMetaInformationVersion: [0x00020001, 'OB'],
  MediaStorageSOPClassUID: [0x00020002, 'UI'],
  MediaStorageSOPInstanceUID: [0x00020003, 'UI'],
  TransferSyntaxUID: [0x00020010, 'UI'],
  ImplementationClassUID: [0x00020012, 'UI'],
  ImplementationVersionName: [0x00020013, 'SH'],

  SpecificCharacterSet: [0x00080005, 'CS'],
  ImageType: [0x00080008, 'CS'],
  InstanceCreationDate: [0x00080012, 'DA'],
  InstanceCreationTime: [0x00080013, 'TM'],
  SOPClassUID: [0x00080016, 'UI'],
  SOPInstanceUID: [0x00080018, 'UI'],
  StudyDate: [0x00080020, 'DA'],
  SeriesDate: [0x00080021, 'DA'],
  ContentDate: [0x00080023, 'DA'],
  StudyTime: [0x00080030, 'TM'],
  SeriesTime: [0x00080031, 'TM'],
  ContentTime: [0x00080033, 'TM'],
  AccessionNumber: [0x00080050, 'SH'],
  Modality: [0x00080060, 'CS'],
  Manufacturer: [0x00080070, 'LO'],
  InstitutionName: [0x00080080, 'LO'],
  ReferringPhysicianName: [0x00080090, 'PN'],
  StationName: [0x00081010, 'SH'],
  StudyDescription: [0x00081030, 'LO'],
  SeriesDescription: [0x0008103e, 'LO'],
  OperatorsName: [0x00081070, 'PN'],
  ManufacturerModelName: [0x00081090, 'LO'],
  ReferencedSOPClassUID: [0x00081150, 'UI'],
  ReferencedSOPInstanceUID: [0x00081155, 'UI'],
  CodeValue: [0x00080100, 'SH'],
  CodingSchemeDesignator: [0x00080102, 'SH'],
  CodeMeaning: [0x00080104, 'LO'],

  PatientName: [0x00100010, 'PN'],
  PatientID: [0x00100020, 'LO'],
  PatientBirthDate: [0x00100030, 'DA'],
  PatientSex: [0x00100040, 'CS'],

  BodyPartExamined: [0x00180015, 'CS'],
  SliceThickness: [0x00180050, 'DS'],
  KVP: [0x00180060, 'DS'],
  DeviceSerialNumber: [0x00181000, 'LO'],
  SoftwareVersions: [0x00181020, 'LO'],
  PatientPosition: [0x00185100, 'CS'],

  StudyInstanceUID: [0x0020000d, 'UI'],
  SeriesInstanceUID: [0x0020000e, 'UI'],
  StudyID: [0x00200010, 'SH'],
  SeriesNumber: [0x00200011, 'IS'],
  AcquisitionNumber: [0x00200012, 'IS'],
  InstanceNumber: [0x00200013, 'IS'],
  PatientOrientation: [0x00200020, 'CS'],
  Laterality: [0x00200060, 'CS'],
  ImagePositionPatient: [0x00200032, 'DS'],
  ImageOrientationPatient: [0x00200037, 'DS'],
  FrameOfReferenceUID: [0x00200052, 'UI'],
  PositionReferenceIndicator: [0x00201040, 'LO'],
  SliceLocation: [0x00201041, 'DS'],
  PlanePositionSequence: [0x00209113, 'SQ'],
  PlaneOrientationSequence: [0x00209116, 'SQ'],

  SamplesPerPixel: [0x00280002, 'US'],
  PhotometricInterpretation: [0x00280004, 'CS'],
  NumberOfFrames: [0x00280008, 'IS'],
  FrameIncrementPointer: [0x00280009, 'AT'],
  Rows: [0x00280010, 'US'],
  Columns: [0x00280011, 'US'],
  PixelSpacing: [0x00280030, 'DS'],
  BitsAllocated: [0x00280100, 'US'],
  BitsStored: [0x00280101, 'US'],
  HighBit: [0x00280102, 'US'],
  PixelRepresentation: [0x00280103, 'US'],
  WindowCenter: [0x00281050, 'DS'],
  WindowWidth: [0x00281051, 'DS'],
  RescaleIntercept: [0x00281052, 'DS'],
  RescaleSlope: [0x00281053, 'DS'],
  RescaleType: [0x00281054, 'LO'],
  PixelMeasuresSequence: [0x00289110, 'SQ'],
  FrameVOILUTSequence: [0x00289132, 'SQ'],
  PixelValueTransformationSequence: [0x00289145, 'SQ'],

  DoseUnits: [0x30040002, 'CS'],
  DoseType: [0x30040004, 'CS'],
  DoseComment: [0x30040006, 'LO'],
  DoseSummationType: [0x3004000a, 'CS'],
  GridFrameOffsetVector: [0x3004000c, 'DS'],
  DoseGridScaling: [0x3004000e, 'DS'],
  TissueHeterogeneityCorrection: [0x30040014, 'CS'],

  StructureSetLabel: [0x30060002, 'SH'],
  StructureSetName: [0x30060004, 'LO'],
  StructureSetDate: [0x30060008, 'DA'],
  StructureSetTime: [0x30060009, 'TM'],
  ReferencedFrameOfReferenceSequence: [0x30060010, 'SQ'],
  RTReferencedStudySequence: [0x30060012, 'SQ'],
  RTReferencedSeriesSequence: [0x30060014, 'SQ'],
  ContourImageSequence: [0x30060016, 'SQ'],
  StructureSetROISequence: [0x30060020, 'SQ'],
  ROINumber: [0x30060022, 'IS'],
  ReferencedFrameOfReferenceUID: [0x30060024, 'UI'],
  ROIName: [0x30060026, 'LO'],
  ROIGenerationAlgorithm: [0x30060036, 'CS'],
  ROIContourSequence: [0x30060039, 'SQ'],
  ROIDisplayColor: [0x3006002a, 'IS'],
  ContourSequence: [0x30060040, 'SQ'],
  ContourGeometricType: [0x30060042, 'CS'],
  NumberOfContourPoints: [0x30060046, 'IS'],
  ContourNumber: [0x30060048, 'IS'],
  ContourData: [0x30060050, 'DS'],
  RTROIObservationsSequence: [0x30060080, 'SQ'],
  ObservationNumber: [0x30060082, 'IS'],
  ReferencedROINumber: [0x30060084, 'IS'],
  RTROIInterpretedType: [0x300600a4, 'CS'],
  ROIInterpreter: [0x300600a6, 'PN'],

  TreatmentControlPointDate: [0x30080024, 'DA'],
  TreatmentControlPointTime: [0x30080025, 'TM'],
  TreatmentSessionBeamSequence: [0x30080020, 'SQ'],
  CurrentFractionNumber: [0x30080022, 'IS'],
  TreatmentTerminationStatus: [0x3008002a, 'CS'],
  TreatmentVerificationStatus: [0x3008002c, 'CS'],
  SpecifiedPrimaryMeterset: [0x30080032, 'DS'],
  DeliveredPrimaryMeterset: [0x30080036, 'DS'],
  ControlPointDeliverySequence: [0x30080040, 'SQ'],
  SpecifiedMeterset: [0x30080042, 'DS'],
  DeliveredMeterset: [0x30080044, 'DS'],
  DoseRateDelivered: [0x30080048, 'DS'],
  BeamLimitingDeviceLeafPairsSequence: [0x300800a0, 'SQ'],
  TreatmentMachineSequence: [0x300a0206, 'SQ'],
  TreatmentDate: [0x30080250, 'DA'],
  TreatmentTime: [0x30080251, 'TM'],

  RTPlanLabel: [0x300a0002, 'SH'],
  RTPlanName: [0x300a0003, 'LO'],
  RTPlanDate: [0x300a0006, 'DA'],
  RTPlanTime: [0x300a0007, 'TM'],
  RTPlanGeometry: [0x300a000c, 'CS'],
  DoseReferenceSequence: [0x300a0010, 'SQ'],
  DoseReferenceNumber: [0x300a0012, 'IS'],
  DoseReferenceUID: [0x300a0013, 'UI'],
  DoseReferenceStructureType: [0x300a0014, 'CS'],
  DoseReferenceDescription: [0x300a0016, 'LO'],
  DoseReferenceType: [0x300a0020, 'CS'],
  DeliveryMaximumDose: [0x300a0023, 'DS'],
  TargetPrescriptionDose: [0x300a0026, 'DS'],
  FractionGroupSequence: [0x300a0070, 'SQ'],
  FractionGroupNumber: [0x300a0071, 'IS'],
  FractionGroupDescription: [0x300a0072, 'LO'],
  NumberOfFractionsPlanned: [0x300a0078, 'IS'],
  NumberOfBeams: [0x300a0080, 'IS'],
  BeamDose: [0x300a0084, 'DS'],
  BeamMeterset: [0x300a0086, 'DS'],
  NumberOfBrachyApplicationSetups: [0x300a00a0, 'IS'],
  BeamSequence: [0x300a00b0, 'SQ'],
  TreatmentMachineName: [0x300a00b2, 'SH'],
  PrimaryDosimeterUnit: [0x300a00b3, 'CS'],
  SourceAxisDistance: [0x300a00b4, 'DS'],
  BeamLimitingDeviceSequence: [0x300a00b6, 'SQ'],
  RTBeamLimitingDeviceType: [0x300a00b8, 'CS'],
  NumberOfLeafJawPairs: [0x300a00bc, 'IS'],
  BeamNumber: [0x300a00c0, 'IS'],
  BeamName: [0x300a00c2, 'LO'],
  BeamType: [0x300a00c4, 'CS'],
  RadiationType: [0x300a00c6, 'CS'],
  TreatmentDeliveryType: [0x300a00ce, 'CS'],
  NumberOfWedges: [0x300a00d0, 'IS'],
  NumberOfCompensators: [0x300a00e0, 'IS'],
  NumberOfBoli: [0x300a00ed, 'IS'],
  NumberOfBlocks: [0x300a00f0, 'IS'],
  FinalCumulativeMetersetWeight: [0x300a010e, 'DS'],
  NumberOfControlPoints: [0x300a0110, 'IS'],
  ControlPointSequence: [0x300a0111, 'SQ'],
  ControlPointIndex: [0x300a0112, 'IS'],
  NominalBeamEnergy: [0x300a0114, 'DS'],
  NominalBeamEnergyUnit: [0x300a0015, 'CS'],
  DoseRateSet: [0x300a0115, 'DS'],
  BeamLimitingDevicePositionSequence: [0x300a011a, 'SQ'],
  LeafJawPositions: [0x300a011c, 'DS'],
  GantryAngle: [0x300a011e, 'DS'],
  GantryRotationDirection: [0x300a011f, 'CS'],
  BeamLimitingDeviceAngle: [0x300a0120, 'DS'],
  BeamLimitingDeviceRotationDirection: [0x300a0121, 'CS'],
  PatientSupportAngle: [0x300a0122, 'DS'],
  PatientSupportRotationDirection: [0x300a0123, 'CS'],
  TableTopEccentricAngle: [0x300a0125, 'DS'],
  TableTopEccentricRotationDirection: [0x300a0126, 'CS'],
  TableTopVerticalPosition: [0x300a0128, 'DS'],
  TableTopLongitudinalPosition: [0x300a0129, 'DS'],
  TableTopLateralPosition: [0x300a012a, 'DS'],
  IsocenterPosition: [0x300a012c, 'DS'],
  CumulativeMetersetWeight: [0x300a0134, 'DS'],
  PatientSetupSequence: [0x300a0180, 'SQ'],
  PatientSetupNumber: [0x300a0182, 'IS'],

  ReferencedRTPlanSequence: [0x300c0002, 'SQ'],
  ReferencedBeamSequence: [0x300c0004, 'SQ'],
  ReferencedBeamNumber: [0x300c0006, 'IS'],
  ReferencedFractionGroupSequence: [0x300c0020, 'SQ'],
  ReferencedFractionGroupNumber: [0x300c0022, 'IS'],
  ReferencedStructureSetSequence: [0x300c0060, 'SQ'],
  ReferencedPatientSetupNumber: [0x300c006a, 'IS'],
  ReferencedDoseReferenceSequence: [0x300c0050, 'SQ'],
  ReferencedDoseReferenceNumber: [0x300c0051, 'IS'],
  ReferencedControlPointIndex: [0x300c00f0, 'IS'],

  ApprovalStatus: [0x300e0002, 'CS'],

  // Spatial Registration (PS3.3 C.20.2).
  ContentLabel: [0x00700080, 'CS'],
  ContentDescription: [0x00700081, 'LO'],
  ContentCreatorName: [0x00700084, 'PN'],
  RegistrationSequence: [0x00700308, 'SQ'],
  MatrixRegistrationSequence: [0x00700309, 'SQ'],
  MatrixSequence: [0x0070030a, 'SQ'],
  FrameOfReferenceTransformationMatrixType: [0x0070030c, 'CS'],
  RegistrationTypeCodeSequence: [0x0070030d, 'SQ'],
  FrameOfReferenceTransformationComment: [0x300600c8, 'LO'],
  FrameOfReferenceTransformationMatrix: [0x300600c6, 'DS'],

  SharedFunctionalGroupsSequence: [0x52009229, 'SQ'],
  PerFrameFunctionalGroupsSequence: [0x52009230, 'SQ'],
  PixelData: [0x7fe00010, 'OW'],
} as const satisfies Record<string, readonly [number, Vr]>;

export type Keyword = keyof typeof DICTIONARY;

/** VRs a file may legitimately declare for an attribute besides the dictionary one. */
const ALTERNATIVE_VRS: Partial<Record<Keyword, readonly Vr[]>> = {
  PixelData: ['OB', 'OW'],
};

export function tagOf(keyword: Keyword): number {
  return DICTIONARY[keyword][0];
}

export function vrOf(keyword: Keyword): Vr {
  return DICTIONARY[keyword][1];
}

export function allowedVrs(keyword: Keyword): readonly Vr[] {
  return ALTERNATIVE_VRS[keyword] ?? [vrOf(keyword)];
}

/** The key dicom-parser uses for a tag: 'x' + 8 lower-case hex digits. */
export function parserKey(keyword: Keyword): string {
  return 'x' + tagOf(keyword).toString(16).padStart(8, '0');
}

const KEYWORD_BY_PARSER_KEY = new Map(
  (Object.keys(DICTIONARY) as Keyword[]).map((keyword) => [parserKey(keyword), keyword]),
);

/** The keyword of a dicom-parser key, when the attribute is one we know. */
export function keywordOfParserKey(key: string): Keyword | undefined {
  return KEYWORD_BY_PARSER_KEY.get(key);
}

/** "(3004,000E) DoseGridScaling" — how errors name an attribute. */
export function describeTag(keyword: Keyword): string {
  const hex = tagOf(keyword).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)}) ${keyword}`;
}

export const SOP_CLASS = {
  ctImage: '1.2.840.10008.5.1.4.1.1.2',
  mrImage: '1.2.840.10008.5.1.4.1.1.4',
  enhancedCtImage: '1.2.840.10008.5.1.4.1.1.2.1',
  legacyEnhancedCtImage: '1.2.840.10008.5.1.4.1.1.2.2',
  enhancedMrImage: '1.2.840.10008.5.1.4.1.1.4.1',
  legacyEnhancedMrImage: '1.2.840.10008.5.1.4.1.1.4.4',
  rtDose: '1.2.840.10008.5.1.4.1.1.481.2',
  rtStructureSet: '1.2.840.10008.5.1.4.1.1.481.3',
  rtBeamsTreatmentRecord: '1.2.840.10008.5.1.4.1.1.481.4',
  rtPlan: '1.2.840.10008.5.1.4.1.1.481.5',
  spatialRegistration: '1.2.840.10008.5.1.4.1.1.66.1',
  deformableSpatialRegistration: '1.2.840.10008.5.1.4.1.1.66.3',
} as const;

export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
} as const;
