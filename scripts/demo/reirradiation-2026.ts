// The demo patient's two courses as the hospitals' systems hold them: HospitalA's 2024 course
// (60 Gy in 30 fractions) and HospitalB's 2026 re-irradiation plan of the same site (30 Gy
// in 10 fractions) on a new CT in HospitalB's own frame of reference — the patient lay
// 2.5° turned on the table and shifted by (12, −8, 6) mm — with the DICOM Spatial
// Registration (REG) HospitalB's planning system exports after fusing the 2024 CT: it maps
// the 2024 frame into the 2026 one. Sizes are parameters so tests build the same story small.
import { writeSpatialRegistration } from '../../src/shared/rt/registration/spatial-registration';
import {
  synthesizeCourse,
  type SynthFile,
  type SynthOptions,
  type SyntheticCourse,
} from '../../src/shared/rt/synth/course';
import { uidFromSeed } from '../../src/shared/rt/synth/uid';
import type { Vec3 } from '../../src/shared/rt/geometry';

// The 2024 course keeps the synthesiser's default seed: a devnet seeded by an earlier story
// holds it in HospitalA's PACS with these UIDs, and the REG must name its frame.
const SEED_2024 = 'action-ehr-synthetic';
const SEED_2026 = 'demo-hospital-b-2026';

/** The 2026 CT's pose relative to the 2024 one (what the REG must carry). */
export const POSE_2026: { shiftMm: Vec3; tableRotationDeg: number } = {
  shiftMm: [12, -8, 6],
  tableRotationDeg: 2.5,
};

interface Size {
  matrix: number;
  slices: number;
  patientId: string;
  patientName: string;
}

export function course2024Options(size: Size): SynthOptions {
  return {
    ...size,
    seed: SEED_2024,
    frameOfReferenceUid: uidFromSeed(SEED_2024, 'frame-of-reference'),
    deliveredFractions: 30,
    missedSession: 0,
    courseLabel: '2024 course',
    studyDate: '20231218',
    firstTreatmentDate: '20240108',
    institutionName: 'HospitalA',
  };
}

export interface ReirradiationPlan {
  course: SyntheticCourse;
  /** The 2024 course's frame of reference (the REG's source). */
  priorFrameOfReferenceUid: string;
  /** The course's files and the REG, as HospitalB's PACS holds them. */
  files: SynthFile[];
}

/** HospitalB's 2026 plan (not yet delivered: no treatment records) and its REG. */
export function reirradiationPlan2026(size: Size): ReirradiationPlan {
  const course = synthesizeCourse({
    ...size,
    seed: SEED_2026,
    prescriptionGy: 30,
    fractions: 10,
    deliveredFractions: 0,
    missedSession: 0,
    courseLabel: '2026 re-irr plan', // a plan's label holds 16 characters
    studyDate: '20260302',
    firstTreatmentDate: '20260316',
    institutionName: 'HospitalB',
    pose: POSE_2026,
  });
  const priorFrameOfReferenceUid = uidFromSeed(SEED_2024, 'frame-of-reference');
  const reg = writeSpatialRegistration({
    // The 2024 course was centred and unturned: its frame is the phantom's coordinates, so
    // the 2026 CT's pose is the map from the 2024 frame into the 2026 one.
    transform: {
      sourceFrameOfReferenceUid: priorFrameOfReferenceUid,
      targetFrameOfReferenceUid: course.frameOfReferenceUid,
      matrix: course.phantomToFrame,
    },
    sopInstanceUid: uidFromSeed(SEED_2026, 'reg'),
    seriesInstanceUid: uidFromSeed(SEED_2026, 'reg-series'),
    seriesNumber: 6,
    patient: {
      patientName: size.patientName,
      patientId: size.patientId,
      patientBirthDate: '19600101',
      patientSex: 'O',
    },
    study: {
      studyInstanceUid: course.studyInstanceUid,
      studyDate: '20260302',
      studyTime: '090000',
      studyId: 'SYN1',
    },
    contentDate: '20260305',
    contentTime: '141000',
    creatorName: 'Demo^Marie',
    description: 'Rigid fusion of the 2024 planning CT (HospitalA) to the 2026 planning CT',
    manufacturer: 'SYNPLAN synthetic planning system',
  });
  return {
    course,
    priorFrameOfReferenceUid,
    files: [...course.files, { name: 'REG.dcm', bytes: reg }],
  };
}
