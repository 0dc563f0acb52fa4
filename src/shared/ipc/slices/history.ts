// The patient's access history: every grant, revoke, break-glass and download.
import { z } from 'zod';
import type { Category } from '../../ledger';
import type { PersonView, Snapshot } from './ids';
import { returns } from './returns';

export interface HistoryItem {
  /** Transaction id (unique per item). */
  id: string;
  kind: 'grant' | 'revoke' | 'break-glass' | 'download';
  at: string;
  caregiver: PersonView;
  category: Category | null;
  /** For grants: the window and rights given. */
  validFrom: string | null;
  validTo: string | null;
  read: boolean | null;
  write: boolean | null;
  /** Break-glass: the reason the caregiver gave. */
  reason: string | null;
  /** Downloads: which record. */
  recordId: string | null;
  breakGlass: boolean;
  /** Break-glass: the review by the caregiver's hospital, once there is one. */
  review: { reviewedAt: string; comment: string; reviewerMspId: string } | null;
  /** A revoke the caregiver's hospital caused by revoking his account, not the patient. */
  caregiverRevoked: boolean;
}

export const historyContract = {
  getAccessHistory: { args: z.undefined(), result: returns<Snapshot<HistoryItem>>() },
};
