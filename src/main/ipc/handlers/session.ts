import type { sessionContract } from '../../../shared/ipc/slices/session';
import type { UserWorkspace } from '../../app/workspace';
import { refuseRevokedCard } from '../../session/revoked-check';
import type { SessionSource } from '../../session/session';
import type { HandlersOf } from '../dispatch';

export function sessionHandlers(
  session: SessionSource,
  workspace?: UserWorkspace,
): HandlersOf<typeof sessionContract> {
  return {
    getSession: () => session.current(),
    listCards: () => session.listCards(),
    signIn: async ({ pin, serial }) => {
      const signedIn = await session.signIn({ pin, serial });
      if (signedIn.state === 'signed-in' && workspace) await refuseRevokedCard(workspace, session);
      return signedIn;
    },
    signOut: (args) => session.signOut(args?.because),
  };
}
