// Who is signed in. Sign-in needs the smart card (keystore, a later part); until it is
// wired, the workstation truthfully reports that nobody is signed in and why.
import type { Session } from '../../shared/ipc/contract';

export interface SessionSource {
  current(): Session;
}

export const CARD_SIGN_IN_UNAVAILABLE: Session = {
  state: 'signed-out',
  reason: 'Smart-card sign-in is not available in this version of the workstation yet.',
};

export class NoCardSessionSource implements SessionSource {
  current(): Session {
    return CARD_SIGN_IN_UNAVAILABLE;
  }
}
