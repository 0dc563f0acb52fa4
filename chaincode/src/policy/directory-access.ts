import type { Context } from 'fabric-contract-api';
import { ADMIN_ATTRIBUTE } from '../auth/caller';
import { certificateFingerprint } from '../auth/certificate-fingerprint';
import { isCurrentOrUpcoming } from '../model/permission-entry';
import type { DirectoryUser } from '../model/user';
import { readPatientCaregiverCategoryEntries } from '../stores/permission-store';
import { readUserByCertificate } from '../stores/user-store';
import { breakGlassInForce } from './caregiver-access';

/**
 * Who may read a patient's directory entry (his hospital, certificate fingerprint,
 * encryption key, who registered him): the patient himself, an administrator of his
 * hospital, and a caregiver he has granted anything in force now or later (read or write:
 * a caregiver adding records needs the patient's encryption key) or who holds an open
 * break-glass session. Anyone else could link the pseudonym to a hospital and a certificate.
 * Caregivers' and admins' entries are not patients' and stay readable by every member.
 */
export async function mayReadPatientEntry(
  ctx: Context,
  patient: DirectoryUser,
  atMillis: number,
): Promise<boolean> {
  // Administrators are known by their CA attribute, not necessarily by the directory.
  if (
    ctx.clientIdentity.getAttributeValue(ADMIN_ATTRIBUTE.name) === ADMIN_ATTRIBUTE.value &&
    ctx.clientIdentity.getMSPID() === patient.mspId
  ) {
    return true;
  }
  const caller = await readUserByCertificate(
    ctx,
    certificateFingerprint(ctx.clientIdentity.getIDBytes()),
  );
  if (!caller || caller.mspId !== ctx.clientIdentity.getMSPID()) return false;
  if (caller.userId === patient.userId) return true;
  if (caller.role !== 'caregiver') return false;
  const entries = await readPatientCaregiverCategoryEntries(ctx, patient.userId, caller.userId);
  if (entries.some((entry) => entry.kind === 'grant' && isCurrentOrUpcoming(entry, atMillis))) {
    return true;
  }
  return (await breakGlassInForce(ctx, patient.userId, caller.userId, atMillis)) !== null;
}
