// Who is signed in, and the calls that change it. The real source is the smart card
// (card-session.ts); tests may put a named test double in its place.
import type { CardSummary, Session } from '../../shared/ipc/contract';
import type { CardIdentity } from '../keystore/provision';

/**
 * The signed-in card as the rest of the main process uses it: who it is, and the two
 * operations its private keys allow. The keys themselves never leave the card.
 */
export interface SignedInCard {
  identity: CardIdentity;
  /** ECDSA over a SHA-256 digest with the card's signing key; DER, low-S (Fabric's form). */
  signDigest(digest: Uint8Array): Promise<Uint8Array>;
  /** ECDH with the card's encryption key and a peer's public point (unwraps data keys). */
  deriveSharedSecret(peerPoint: Uint8Array): Promise<Buffer>;
}

export interface SessionSource {
  current(): Session;
  listCards(): Promise<CardSummary[]>;
  signIn(request: { pin: string; serial?: string | undefined }): Promise<Session>;
  /** Signs out; `idle` when the UI's automatic logoff asked, which the reason then says. */
  signOut(because?: SignOutCause): Promise<Session>;
  /** The card of the signed-in user, or null when nobody is signed in. */
  card(): SignedInCard | null;
  /** Calls listener whenever the session changes (sign-in, sign-out, card removed). */
  onChange(listener: (session: Session) => void): void;
  close(): Promise<void>;
}

/** idle: the UI's automatic logoff; locked: the screen locked or the machine slept. */
export type SignOutCause = 'idle' | 'locked';

export function signedOut(reason: string): Session {
  return { state: 'signed-out', reason };
}
