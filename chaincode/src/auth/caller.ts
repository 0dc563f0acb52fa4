import type { Context } from 'fabric-contract-api';
import { forbidden } from '../errors';
import type { DirectoryUser } from '../model/user';
import { keys } from '../ledger/keys';
import { readText } from '../ledger/state';
import { readUserByCertificate } from '../stores/user-store';
import { certificateFingerprint } from './certificate-fingerprint';

/**
 * Who signed this transaction, as a directory user. Identity comes from the signing
 * certificate the peer has already verified, never from an argument, so nobody can act as
 * someone else by naming them.
 */
export async function identifyCaller(ctx: Context): Promise<DirectoryUser> {
  const fingerprint = certificateFingerprint(ctx.clientIdentity.getIDBytes());
  const user = await readUserByCertificate(ctx, fingerprint);
  if (!user) {
    throw forbidden(
      'registered-signer',
      `the signing certificate (sha256 ${fingerprint}) is not registered in the directory`,
    );
  }
  const signerMspId = ctx.clientIdentity.getMSPID();
  if (user.mspId !== signerMspId) {
    throw forbidden(
      'registered-signer',
      `user ${user.userId} is registered at ${user.mspId} but the transaction was signed through ${signerMspId}`,
    );
  }
  return user;
}

/** Only the patient himself: his pseudonym and the certificate registered for it. */
export async function requirePatientSelf(
  ctx: Context,
  patientId: string,
  action: string,
): Promise<DirectoryUser> {
  const caller = await identifyCaller(ctx);
  if (caller.role !== 'patient' || caller.userId !== patientId) {
    throw forbidden(
      'patient-only',
      `only patient ${patientId} may ${action}; the transaction was signed by ${caller.userId}`,
    );
  }
  return caller;
}

export async function requireCaregiver(ctx: Context, action: string): Promise<DirectoryUser> {
  const caller = await identifyCaller(ctx);
  if (caller.role !== 'caregiver') {
    throw forbidden(
      'caregiver-only',
      `only caregivers may ${action}; ${caller.userId} is a ${caller.role}`,
    );
  }
  return caller;
}

/** Fabric CA attribute that makes an identity a hospital administrator. */
export const ADMIN_ATTRIBUTE = { name: 'role', value: 'admin' } as const;

/**
 * Administrators are recognised by their CA-issued certificate attribute rather than the
 * directory, so the first administrator of a hospital can register users before any exist.
 * An administrator acts only for his own hospital (his MSP).
 */
const GERUND = { register: 'registering', revoke: 'revoking', list: 'listing' } as const;

export function requireAdminOf(
  ctx: Context,
  mspId: string,
  action: keyof typeof GERUND = 'register',
): void {
  const role = ctx.clientIdentity.getAttributeValue(ADMIN_ATTRIBUTE.name);
  if (role !== ADMIN_ATTRIBUTE.value) {
    throw forbidden(
      'admin-role',
      `${GERUND[action]} users needs certificate attribute ${ADMIN_ATTRIBUTE.name}=${ADMIN_ATTRIBUTE.value}; the signer has ${ADMIN_ATTRIBUTE.name}=${role ?? '(none)'}`,
    );
  }
  const adminMspId = ctx.clientIdentity.getMSPID();
  if (adminMspId !== mspId) {
    throw forbidden(
      'admin-same-hospital',
      `an administrator of ${adminMspId} may only ${action} users of ${adminMspId}, not of ${mspId}`,
    );
  }
}

/**
 * Refuses a signer whose certificate his hospital has revoked (Directory:revokeUser). Run
 * before every call, queries included, so a revoked card can neither read nor write; the
 * peer's MSP would accept the certificate until the hospital publishes a CRL in the channel
 * configuration, which the ledger's own check does not wait for.
 */
export async function refuseRevokedSigner(ctx: Context): Promise<void> {
  const fingerprint = certificateFingerprint(ctx.clientIdentity.getIDBytes());
  const userId = await readText(ctx, keys.revokedCertificate(ctx, fingerprint));
  if (userId !== null) {
    throw forbidden(
      'revoked-signer',
      `user ${userId} was revoked by his hospital; the ledger refuses everything his certificate (sha256 ${fingerprint}) signs`,
    );
  }
}
