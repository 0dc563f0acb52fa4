import type { Category } from '../validation/categories';

/** One disclosure: a caregiver downloaded one of the patient's records. */
export interface AccessEntry {
  /** The id of the transaction that logged the download. */
  accessId: string;
  patientId: string;
  recordId: string;
  category: Category;
  caregiverId: string;
  caregiverMspId: string;
  accessedAt: string;
  /** What allowed it: the patient's grant, or break-glass. */
  basis: 'grant' | 'break-glass';
  /** The permission-log entry that allowed it. */
  permissionSeq: number;
  breakGlass: boolean;
}
