// Who may see what: the patient's grants and revokes, and what was shared with a caregiver.
import { z } from 'zod';
import type { Category } from '../../ledger';
import { caregiverId, category, isoTime, operationId, type PersonView, type Snapshot } from './ids';
import { returns } from './returns';

/** One permission in force now or later, as the patient's screen lists it. */
export interface GrantView {
  seq: number;
  kind: 'grant' | 'break-glass';
  caregiver: PersonView;
  /** null for break-glass, which covers every category. */
  category: Category | null;
  validFrom: string;
  validTo: string;
  read: boolean;
  write: boolean;
  reason: string | null;
}

export interface GrantResult {
  granted: GrantView[];
  /** Existing records whose data key was wrapped for the caregiver. */
  recordsShared: number;
}

export interface RevokeResult {
  revoked: number;
  /** Records from which the caregiver's key envelope was removed. */
  keysRemoved: number;
}

/** A patient who shared with the signed-in caregiver. */
export interface SharedPatientView {
  patientId: string;
  /** The patient's hospital of registration. */
  mspId: string | null;
  grants: {
    category: Category;
    validFrom: string;
    validTo: string;
    read: boolean;
    write: boolean;
  }[];
}

export const permissionsContract = {
  listMyGrants: { args: z.undefined(), result: returns<Snapshot<GrantView>>() },
  grantAccess: {
    args: z
      .object({
        caregiverId,
        categories: z.array(category).min(1, 'pick at least one category').max(7),
        validFrom: isoTime,
        validTo: isoTime,
        read: z.boolean(),
        write: z.boolean(),
        operationId: operationId.optional(),
      })
      .strict()
      .refine((g) => g.read || g.write, {
        message: 'a grant gives read, write or both',
        path: ['read'],
      })
      .refine((g) => Date.parse(g.validTo) > Date.parse(g.validFrom), {
        message: 'the end must be after the start',
        path: ['validTo'],
      }),
    result: returns<GrantResult>(),
  },
  revokeAccess: {
    args: z
      .object({
        caregiverId,
        categories: z.array(category).min(1).max(7),
        operationId: operationId.optional(),
      })
      .strict(),
    result: returns<RevokeResult>(),
  },
  listSharedWithMe: { args: z.undefined(), result: returns<Snapshot<SharedPatientView>>() },
};
