import type { Context } from 'fabric-contract-api';
import { forbidden } from '../errors';
import type { DirectoryUser } from '../model/user';
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
export function requireAdminOf(ctx: Context, mspId: string): void {
  const role = ctx.clientIdentity.getAttributeValue(ADMIN_ATTRIBUTE.name);
  if (role !== ADMIN_ATTRIBUTE.value) {
    throw forbidden(
      'admin-role',
      `registering users needs certificate attribute ${ADMIN_ATTRIBUTE.name}=${ADMIN_ATTRIBUTE.value}; the signer has ${ADMIN_ATTRIBUTE.name}=${role ?? '(none)'}`,
    );
  }
  const adminMspId = ctx.clientIdentity.getMSPID();
  if (adminMspId !== mspId) {
    throw forbidden(
      'admin-same-hospital',
      `an administrator of ${adminMspId} may only register users of ${adminMspId}, not of ${mspId}`,
    );
  }
}
