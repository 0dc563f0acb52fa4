// A card its hospital revoked still signs in on the card itself (PIN, certificate), while the
// ledger refuses everything it signs. One question to the ledger at sign-in says so at once,
// instead of on every screen after. Anything but that refusal (the peer unreachable, settings
// missing, a slow answer) lets the sign-in stand: the views then answer from the cache.
import { EhrError } from '../errors';
import { LedgerError } from '../ledger/errors';
import type { UserWorkspace } from '../app/workspace';
import type { SessionSource } from './session';

const CHECK_WAIT_MS = 3000;

export const REVOKED_AT_SIGN_IN =
  'Your hospital has revoked this card, so the ledger refuses everything it signs. You were signed out. Ask your hospital administrator.';

export async function refuseRevokedCard(
  workspace: UserWorkspace,
  session: SessionSource,
): Promise<void> {
  const asked = (async () => {
    try {
      const { services } = workspace.current();
      await services.ledger.getUser(services.user.id);
      return false;
    } catch (error) {
      return (
        error instanceof LedgerError &&
        error.code === 'FORBIDDEN' &&
        error.subject === 'revoked-signer'
      );
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_WAIT_MS);
  });
  const revoked = await Promise.race([asked, late]);
  clearTimeout(timer);
  if (revoked) {
    await session.signOut();
    throw new EhrError('LEDGER_REFUSED', REVOKED_AT_SIGN_IN);
  }
}
