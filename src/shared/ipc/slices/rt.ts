// Radiotherapy review: the workstation's constraint table (a department preference, not
// PHI) and the dose-history report the physicist exports for the patient's chart.
import { z } from 'zod';
import type { Constraint } from '../../rt/constraints';
import type { DoseReportInput } from '../../rt/dose-report';
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
};
