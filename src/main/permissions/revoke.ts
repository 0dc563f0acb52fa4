// Use case: the patient revokes a caregiver's access to categories. The revocations are
// committed on the ledger first (from then on the chaincode refuses every download), then
// the caregiver's key envelopes are removed from those records. Copies already opened
// cannot be recalled.
import type { RevokeResult } from '../../shared/ipc/contract';
import type { Category } from '../../shared/ledger';
import type { Operation } from '../app/operations';
import type { SignedInServices } from '../app/signed-in-services';
import { toUserError } from '../failures';
import { withdrawKeys } from './key-sharing';
import { requirePatient } from './grant';

export async function revokeAccess(
  services: SignedInServices,
  request: { caregiverId: string; categories: Category[] },
  op: Operation,
): Promise<RevokeResult> {
  requirePatient(services);
  let revoked = 0;
  try {
    for (const category of request.categories) {
      op.report('ledger', revoked, request.categories.length, 'items');
      await services.ledger.revoke(services.user.id, request.caregiverId, category);
      revoked++;
    }
  } catch (error) {
    throw toUserError(
      error,
      revoked === 0
        ? 'Nothing was revoked.'
        : `${revoked} of ${request.categories.length} categories were revoked; the rest were not.`,
    );
  }
  try {
    const keysRemoved = await withdrawKeys(services, request.caregiverId, request.categories, op);
    return { revoked, keysRemoved };
  } catch (error) {
    throw toUserError(
      error,
      'The access is revoked on the ledger, so downloads are refused, but the caregiver’s keys could not all be removed from storage yet. Revoke again to finish.',
    );
  }
}
