// Who is signed in, and the calls that change it. The real source is the smart card
// (card-session.ts); tests may put a named test double in its place.
import type { CardSummary, Session } from '../../shared/ipc/contract';

export interface SessionSource {
  current(): Session;
  listCards(): Promise<CardSummary[]>;
  signIn(request: { pin: string; serial?: string | undefined }): Promise<Session>;
  signOut(): Promise<Session>;
  /** Calls listener whenever the session changes (sign-in, sign-out, card removed). */
  onChange(listener: (session: Session) => void): void;
  close(): Promise<void>;
}

export function signedOut(reason: string): Session {
  return { state: 'signed-out', reason };
}
