import type { sessionContract } from '../../../shared/ipc/slices/session';
import type { SessionSource } from '../../session/session';
import type { HandlersOf } from '../dispatch';

export function sessionHandlers(session: SessionSource): HandlersOf<typeof sessionContract> {
  return {
    getSession: () => session.current(),
    listCards: () => session.listCards(),
    signIn: ({ pin, serial }) => session.signIn({ pin, serial }),
    signOut: (args) => session.signOut(args?.because),
  };
}
