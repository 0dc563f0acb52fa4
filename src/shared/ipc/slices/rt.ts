// Radiotherapy review: the workstation's constraint table (a department preference, not
// PHI), the dose-history report the physicist exports for the patient's chart, and the
// registration of two courses' CTs (computed, accepted, saved as a DICOM REG record).
import { z } from 'zod';
import type { Constraint } from '../../rt/constraints';
import type { DoseReportInput } from '../../rt/dose-report';
import type { AcceptedRegistration } from '../../rt/registration/accepted';
import { whyNotRigid, type RigidTransform } from '../../rt/registration/rigid';
import type { CtVolume } from '../../rt/registration/volume';
import type { AddedRecord } from './records';
import { operationId, patientId } from './ids';
import { returns } from './returns';

const text = z.string().max(500);
const gy = z.number().finite().min(0).max(10_000);

export const constraintSchema = z
  .object({
    organ: z.string().min(1).max(200),
    roiPattern: z.string().min(1).max(200),
    metric: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('Dmax') }).strict(),
      z.object({ kind: z.literal('Dmean') }).strict(),
      z
        .object({ kind: z.literal('Dcc'), cc: z.number().finite().positive().max(100_000) })
        .strict(),
      z.object({ kind: z.literal('Vx'), doseGy: gy, unit: z.enum(['cc', '%']) }).strict(),
    ]),
    dose: z.enum(['PHYSICAL', 'EQD2']),
    limit: z.number().finite().min(0).max(100_000),
    source: text,
    alphaBetaGy: z.number().finite().positive().max(100).optional(),
  })
  .strict() satisfies z.ZodType<Constraint>;

const constraintTable = z.array(constraintSchema).max(200);

export interface ConstraintTableView {
  constraints: Constraint[];
  /** True when nobody on this workstation changed the published defaults. */
  isDefault: boolean;
}

export interface SavedReport {
  path: string;
  format: 'pdf' | 'csv';
  bytes: number;
}

const optionalGy = gy.optional();
const uid = z.string().max(64);
const status = z.enum(['pass', 'close', 'fail', 'not evaluable', 'no structure']);

export const reportInput = z
  .object({
    courses: z
      .array(
        z
          .object({
            label: text,
            hospital: text.optional(),
            firstDate: z.string().max(8).optional(),
            lastDate: z.string().max(8).optional(),
            prescribedDoseGy: optionalGy,
            dosePerFractionGy: optionalGy,
            fractionsPlanned: z.number().int().min(0).max(10_000),
            fractionsDelivered: z.number().int().min(0).max(10_000),
            deliveredDoseGy: optionalGy,
            frameOfReferenceUid: uid.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    summation: z
      .object({
        method: text,
        frameOfReferenceUid: uid,
        structureSetLabel: text.optional(),
        summedMaxGy: gy,
        sources: z
          .array(z.object({ label: text, maxGy: gy, registration: text.optional() }).strict())
          .min(1)
          .max(50),
      })
      .strict(),
    organs: z
      .array(
        z
          .object({
            roiName: text,
            volumeCc: z.number().finite().min(0),
            minGy: gy,
            meanGy: gy,
            maxGy: gy,
            d2ccGy: gy.nullable(),
            d003ccGy: gy.nullable(),
          })
          .strict(),
      )
      .max(500),
    constraints: z
      .array(
        z
          .object({
            organ: text,
            roiName: text.nullable(),
            metric: text,
            dose: z.enum(['PHYSICAL', 'EQD2']),
            alphaBetaGy: z.number().finite().positive().max(100).nullable(),
            alphaBetaBasis: text.nullable(),
            defaultAlphaBetaGy: z.number().finite().positive().max(100).nullable(),
            value: z.number().finite().nullable(),
            limit: z.number().finite().min(0),
            unit: z.enum(['Gy', 'cc', '%']),
            status,
            source: text,
          })
          .strict(),
      )
      .max(1000),
  })
  .strict() satisfies z.ZodType<DoseReportInput>;

const finite = z.number().finite();
const vec3 = z.tuple([finite, finite, finite]).readonly();
const unit3 = vec3.refine((v) => Math.abs(Math.hypot(...v) - 1) < 1e-3, 'not a unit vector');
/** 1024² × 600 voxels at most: far more than a CT downsampled for registration. */
const MAX_VOXELS = 64 * 1024 * 1024;

export const ctVolume = z
  .object({
    frameOfReferenceUid: uid.min(1),
    origin: vec3,
    axes: z.tuple([unit3, unit3, unit3]).readonly(),
    spacing: z.tuple([finite.positive(), finite.positive(), finite.positive()]).readonly(),
    size: z
      .tuple([
        z.number().int().min(1).max(1024),
        z.number().int().min(1).max(1024),
        z.number().int().min(1).max(2048),
      ])
      .readonly(),
    hu: z
      .custom<Float32Array>((v) => v instanceof Float32Array, 'must be the CT’s values')
      .refine((v) => v.length <= MAX_VOXELS, 'CT volume too large'),
  })
  .strict() satisfies z.ZodType<CtVolume>;

export const rigidTransform = z
  .object({
    sourceFrameOfReferenceUid: uid.min(1),
    targetFrameOfReferenceUid: uid.min(1),
    matrix: z
      .array(finite)
      .length(16)
      .superRefine((m, ctx) => {
        const why = whyNotRigid(m);
        if (why) ctx.addIssue({ code: 'custom', message: why });
      })
      .readonly(),
  })
  .strict() satisfies z.ZodType<RigidTransform>;

/** An automatic registration, before the physicist accepted it. */
export interface CandidateRegistration {
  /** Prior course's frame → current course's frame. */
  transform: RigidTransform;
  method: string;
  eulerParameters: number[];
  centerOfRotation: number[];
}

const acceptedAutomatic = z
  .object({
    transform: rigidTransform,
    origin: z
      .object({
        kind: z.literal('automatic'),
        method: text.min(1),
        acceptedBy: text.min(1),
        acceptedAt: z.iso.datetime(),
        adjusted: z.boolean(),
      })
      .strict(),
  })
  .strict() satisfies z.ZodType<AcceptedRegistration>;

const dicomText = z.string().max(64);
/** The current course's patient and study (read from its CT), which the REG belongs to. */
export const registrationSubject = z
  .object({
    patientName: dicomText,
    patientId: dicomText,
    patientBirthDate: z.string().max(8).optional(),
    patientSex: z.string().max(16).optional(),
    studyInstanceUid: uid.min(1),
    studyDate: z.string().max(8).optional(),
    studyTime: z.string().max(16).optional(),
    studyId: z.string().max(16).optional(),
    accessionNumber: z.string().max(16).optional(),
  })
  .strict();

export type RegistrationSubject = z.infer<typeof registrationSubject>;

export const rtContract = {
  getConstraintTable: { args: z.undefined(), result: returns<ConstraintTableView>() },
  saveConstraintTable: {
    args: z.object({ constraints: constraintTable }).strict(),
    result: returns<ConstraintTableView>(),
  },
  resetConstraintTable: { args: z.undefined(), result: returns<ConstraintTableView>() },
  exportDoseReport: {
    args: z.object({ format: z.enum(['pdf', 'csv']), report: reportInput }).strict(),
    /** Null when the person closed the save dialog without choosing a place. */
    result: returns<SavedReport | null>(),
  },
  /** Automatic rigid registration of the prior course's CT (moving) to the current one. */
  registerCourses: {
    args: z
      .object({ fixed: ctVolume, moving: ctVolume, operationId: operationId.optional() })
      .strict(),
    result: returns<CandidateRegistration>(),
  },
  /** The physicist accepts a (possibly nudged) candidate: stamped with who and when. */
  acceptRegistration: {
    args: z
      .object({ transform: rigidTransform, method: text.min(1), adjusted: z.boolean() })
      .strict(),
    result: returns<AcceptedRegistration>(),
  },
  /** Writes the accepted registration as a DICOM REG and adds it as the patient's record. */
  saveRegistrationRecord: {
    args: z
      .object({
        patientId,
        registration: acceptedAutomatic,
        subject: registrationSubject,
        operationId: operationId.optional(),
      })
      .strict(),
    result: returns<AddedRecord[]>(),
  },
};
