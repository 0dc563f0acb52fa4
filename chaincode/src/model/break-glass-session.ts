import type { AccessEntry } from './access-entry';
import type { BreakGlassEntry } from './permission-entry';

/** An administrator of the caregiver's hospital looked at a break-glass session. Once. */
export interface BreakGlassReview {
  patientId: string;
  /** The session's permission-log seq. */
  seq: number;
  reviewerMspId: string;
  /** The reviewer's directory id when he is in the directory (admins need not be). */
  reviewerId: string | null;
  /** Fabric identity (x509 subject::issuer) that signed the review. */
  reviewedBy: string;
  /** What the review found; the patient reads it too. */
  comment: string;
  reviewedAt: string;
  txId: string;
}

/** The patient has seen the notice of a break-glass session (kept on the ledger, so a kiosk
 *  that forgets its cache at sign-out does not show it again, nor lose it). */
export interface BreakGlassAcknowledgement {
  patientId: string;
  seq: number;
  acknowledgedAt: string;
  txId: string;
}

/** A session with what was opened under it, its review and the patient's acknowledgement. */
export interface BreakGlassSession {
  entry: BreakGlassEntry;
  /** The disclosures logged under this session, oldest first. */
  openings: AccessEntry[];
  review: BreakGlassReview | null;
  acknowledgement: BreakGlassAcknowledgement | null;
}
