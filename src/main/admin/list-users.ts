// Use case: this hospital's users from the ledger's directory, for its administrator.
import type { AdminUserView } from '../../shared/ipc/contract';
import type { SignedInServices } from '../app/signed-in-services';
import { withOutcome } from '../failures';
import { requireAdmin } from './admin-deps';
import { adminUserView } from './user-view';

export async function listUsers(services: SignedInServices): Promise<AdminUserView[]> {
  requireAdmin(services);
  return withOutcome('The user list could not be read.', async () => {
    const users = await services.ledger.listUsers(services.user.mspId);
    return users.map(adminUserView);
  });
}
