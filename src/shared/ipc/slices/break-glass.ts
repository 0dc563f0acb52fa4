// Emergency (break-glass) access: a caregiver opens it with a reason for a few hours; the
// patient is told and sees it in red; the caregiver's hospital's administrator reviews it.
import { z } from 'zod';
import type { Category } from '../../ledger';
import { patientId, type PersonView, type Snapshot } from './ids';
import { returns } from './returns';

/** The chaincode's limits (BreakGlass:getPolicy), shown before the caregiver writes. */
export interface BreakGlassPolicy {
  maxHours: number;
  minReasonLength: number;
  maxReasonLength: number;
  minReasonWords: number;
}

/** One session in force, for the caregiver's banner. */
export interface BreakGlassView {
  patientId: string;
  seq: number;
  reason: string;
  validFrom: string;
  /** The ledger's end of the session: the banner counts down to it. */
  validTo: string;
}

/** A session with what was opened under it and its review, for the admin and the patient. */
export interface BreakGlassSessionView extends BreakGlassView {
  caregiver: PersonView;
  /** Still in force at the time of the answer. */
  inForce: boolean;
  openings: { accessId: string; recordId: string; category: Category; accessedAt: string }[];
  review: {
    reviewedAt: string;
    comment: string;
    reviewerMspId: string;
    /** The reviewing admin's name when he is in the directory. */
    reviewer: string | null;
  } | null;
  /** When the patient acknowledged the notice; null while he has not. */
  acknowledgedAt: string | null;
}

const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// Lengths and words are the chaincode's rules; these bounds only keep absurd input out.
const text = z.string().max(10_000);

export const breakGlassContract = {
  getBreakGlassPolicy: { args: z.undefined(), result: returns<BreakGlassPolicy>() },
  openBreakGlass: {
    args: z
      .object({ patientId, reason: text, durationHours: z.number().int().min(0).max(10_000) })
      .strict(),
    result: returns<BreakGlassView>(),
  },
  listMyBreakGlass: { args: z.undefined(), result: returns<Snapshot<BreakGlassView>>() },
  listBreakGlassForReview: {
    args: z.undefined(),
    result: returns<Snapshot<BreakGlassSessionView>>(),
  },
  reviewBreakGlass: {
    args: z.object({ patientId, seq, comment: text }).strict(),
    result: returns<BreakGlassSessionView>(),
  },
  listBreakGlassNotices: {
    args: z.undefined(),
    result: returns<Snapshot<BreakGlassSessionView>>(),
  },
  acknowledgeBreakGlass: {
    args: z.object({ seqs: z.array(seq).min(1).max(100) }).strict(),
    result: returns<{ acknowledged: number }>(),
  },
};
