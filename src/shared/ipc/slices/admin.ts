// The hospital administrator's work: enrol a card, list this hospital's users, revoke one.
import { z } from 'zod';
import type { Role } from '../../roles';
import { operationId, type Freshness } from './ids';
import { returns } from './returns';

/** A card in a reader, as the enrolment screen offers it. */
export interface EnrolmentCardView {
  /** 'blank' for an uninitialised card, else the token serial. */
  card: string;
  label: string;
  blank: boolean;
  /** Holds ACTION-EHR keys already: enrolling wipes it, so the screen asks first. */
  holdsKeys: boolean;
  /** The user id of the certificate on it, if any. */
  enrolledAs: string | null;
}

/** The steps of an enrolment, in order, as its progress events name them. */
export const ENROLMENT_STEPS = [
  'card-check',
  'card-init',
  'card-keys',
  'ca-register',
  'ca-enrol',
  'card-certificate',
  'directory',
] as const;
export type EnrolmentStep = (typeof ENROLMENT_STEPS)[number];

export const ENROLMENT_STEP_LABELS: Record<EnrolmentStep, string> = {
  'card-check': 'Checking the card',
  'card-init': 'Initialising the card (SO PIN)',
  'card-keys': 'Generating the keys on the card',
  'ca-register': 'Registering at the hospital CA',
  'ca-enrol': 'Enrolling the certificate',
  'card-certificate': 'Writing the certificate to the card',
  directory: 'Registering in the ledger directory',
};

/** One user of this hospital, from the ledger's directory. */
export interface AdminUserView {
  id: string;
  role: Role;
  /** null for patients: no names go on the ledger. */
  displayName: string | null;
  department: string | null;
  enrolledAt: string;
  status: 'active' | 'revoked';
  revokedAt: string | null;
}

export interface UserList extends Freshness {
  items: AdminUserView[];
}

export interface EnrolResult {
  user: AdminUserView;
  /** A patient's fresh pseudonym, shown once to link it in the hospital's own records. */
  pseudonym: string | null;
  /** The serial of the enrolled card. */
  serial: string;
}

export interface RevokeUserResult {
  user: AdminUserView;
  /** Certificates the hospital CA revoked for him. */
  certificatesRevoked: number;
}

/** A hospital's record gateway as the ledger lists it (HospitalServices). */
export interface RecordGatewayView {
  mspId: string;
  url: string;
  bucket: string;
  /** First 16 hex digits of the SHA-256 of its emergency key, to compare with the gateway's. */
  emergencyKeyFingerprint: string;
  publishedAt: string;
  /** This administrator's own hospital's. */
  ours: boolean;
}

const pin = (what: string) =>
  z
    .string()
    .regex(
      /^[\x20-\x7e]{4,32}$/,
      `the ${what} is 4 to 32 printable characters (letters, digits, symbols)`,
    );
const text = z
  .string()
  .trim()
  .max(120, 'at most 120 characters')
  .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'no control or invisible characters');
const userId = z.string().regex(/^(pat|cg|adm)-[0-9a-f]{32}$/, 'not a user id');

export const adminContract = {
  listEnrolmentCards: { args: z.undefined(), result: returns<EnrolmentCardView[]>() },
  enrolCard: {
    args: z
      .object({
        card: z.union([
          z.literal('blank'),
          z.string().regex(/^[\x21-\x7e]{1,32}$/, 'not a card serial'),
        ]),
        role: z.enum(['patient', 'oncologist', 'physicist', 'admin']),
        displayName: text,
        department: text,
        soPin: pin('security officer PIN'),
        userPin: pin('new PIN'),
        /** The administrator confirmed wiping a card that holds keys. */
        wipe: z.boolean(),
        operationId: operationId.optional(),
      })
      .strict()
      .refine((r) => r.role === 'patient' || r.displayName.length > 0, {
        message: 'staff cards need the person’s name',
        path: ['displayName'],
      })
      .refine((r) => r.role === 'patient' || r.department.length > 0, {
        message: 'staff cards need a department',
        path: ['department'],
      })
      .refine((r) => r.role !== 'patient' || (r.displayName === '' && r.department === ''), {
        message: 'a patient card carries no name or department: only a pseudonym',
        path: ['displayName'],
      }),
    result: returns<EnrolResult>(),
  },
  listUsers: { args: z.undefined(), result: returns<UserList>() },
  revokeUser: {
    args: z.object({ userId }).strict(),
    result: returns<RevokeUserResult>(),
  },
  listRecordGateways: { args: z.undefined(), result: returns<RecordGatewayView[]>() },
  publishRecordGateway: {
    args: z.object({ url: z.string().max(512, 'at most 512 characters') }).strict(),
    result: returns<RecordGatewayView>(),
  },
};
