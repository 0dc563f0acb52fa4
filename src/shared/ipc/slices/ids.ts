// Argument shapes shared by the ledger-facing slices. They mirror the chaincode's own
// checks (chaincode/README.md), so a malformed id is refused here, before any card signs.
import { z } from 'zod';
import { CATEGORIES } from '../../ledger';

export const patientId = z.string().regex(/^pat-[0-9a-f]{32}$/, 'not a patient pseudonym');
export const caregiverId = z.string().regex(/^cg-[0-9a-f]{32}$/, 'not a caregiver id');
export const recordId = z.string().regex(/^[0-9a-f]{64}$/, 'not a record id');
export const category = z.enum(CATEGORIES);
/** Names a long operation so its progress events can be followed and it can be cancelled. */
export const operationId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'not an operation id');
export const isoTime = z.iso.datetime({ offset: false });

/**
 * How fresh a view is. Views come from the local cache, kept in step with the ledger by its
 * event stream; `stale` says the hospital's peer could not be reached, so this is the last
 * state known, as of `asOf`.
 */
export interface Freshness {
  asOf: string;
  stale: boolean;
}

export interface Snapshot<T> extends Freshness {
  items: T[];
}

/** A view of the cache the renderer can be told to reload. */
export type ViewName =
  'records' | 'grants' | 'shared' | 'history' | 'caregivers' | 'break-glass' | 'users';

export interface ViewChanged {
  view: ViewName;
  /** The patient, for a records view; '' otherwise. */
  scope: string;
}

/** Someone the ledger's directory knows, as the screens show them. */
export interface PersonView {
  id: string;
  role: 'patient' | 'caregiver' | 'admin' | 'unknown';
  displayName: string;
  department: string | null;
  /** The hospital (MSP id) that registered them. */
  mspId: string | null;
}
