// Use case: the patient has seen the notice of emergency openings of his records. Each is
// acknowledged on the ledger, so the notice does not come back at the next kiosk (which
// forgets its cache at sign-out) and does not go away before he has seen it.
import type { SignedInServices } from '../app/signed-in-services';
import { toUserError } from '../failures';
import { LedgerError } from '../ledger/errors';
import { requirePatient } from '../permissions/grant';

export async function acknowledgeBreakGlass(
  services: SignedInServices,
  request: { seqs: number[] },
): Promise<{ acknowledged: number }> {
  requirePatient(services);
  let acknowledged = 0;
  for (const seq of new Set(request.seqs)) {
    try {
      await services.ledger.acknowledgeBreakGlass(services.user.id, seq);
    } catch (error) {
      // Already acknowledged (at another kiosk, or a retry whose first try committed).
      if (error instanceof LedgerError && error.code === 'CONFLICT') continue;
      throw toUserError(
        error,
        acknowledged === 0
          ? 'The notice will be shown again next time.'
          : 'The remaining notices will be shown again next time.',
      );
    }
    acknowledged++;
  }
  return { acknowledged };
}
