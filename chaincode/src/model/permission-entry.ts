import type { Category } from '../validation/categories';

/**
 * One line of a patient's permission history. Entries are never changed: a grant, a revoke
 * (a newer entry for the same caregiver and category whose window ends at the revoke's
 * transaction time) and a break-glass opening each append one, numbered by `seq` from 0,
 * which is also the order of the history.
 *
 * Windows are half-open: an entry gives access at time t when validFrom <= t < validTo.
 */
interface PermissionEntryBase {
  patientId: string;
  seq: number;
  caregiverId: string;
  validFrom: string;
  validTo: string;
  read: boolean;
  write: boolean;
  /** Transaction time at which the entry was written. */
  recordedAt: string;
  txId: string;
  /** True only for break-glass entries; present on all so every view can flag them. */
  breakGlass: boolean;
}

export interface GrantEntry extends PermissionEntryBase {
  kind: 'grant';
  category: Category;
  /** The entry for the same caregiver and category this one replaces, if any. */
  supersedesSeq: number | null;
  breakGlass: false;
}

export interface RevokeEntry extends PermissionEntryBase {
  kind: 'revoke';
  category: Category;
  /** The entry whose window this one ends. */
  revokesSeq: number;
  breakGlass: false;
  /** Absent when the patient revoked; 'caregiver-revoked' when the caregiver's hospital
   *  revoked his account (Directory:revokeUser), which ends every grant he held. */
  cause?: 'caregiver-revoked';
}

/** Emergency read access to all categories, opened by the caregiver, never by the patient. */
export interface BreakGlassEntry extends PermissionEntryBase {
  kind: 'break-glass';
  reason: string;
  /** The caregiver's hospital at the time, shown to the patient beside the reason. */
  caregiverMspId: string;
  read: true;
  write: false;
  breakGlass: true;
}

export type CategoryEntry = GrantEntry | RevokeEntry;
export type PermissionEntry = CategoryEntry | BreakGlassEntry;

/** Gives access at this instant. */
export function isInForce(entry: PermissionEntry, atMillis: number): boolean {
  return Date.parse(entry.validFrom) <= atMillis && atMillis < Date.parse(entry.validTo);
}

/** In force now or later: what "current permissions" lists. */
export function isCurrentOrUpcoming(entry: PermissionEntry, atMillis: number): boolean {
  return atMillis < Date.parse(entry.validTo);
}
