// Messages between the main process (CardClient) and the card process (card-service).
// Serialised with Node's "advanced" (structured clone) IPC so buffers cross as bytes.
import type { CardErrorCode } from './errors';
import type { CardPublicKeys, TokenSummary } from './pkcs11-card';

export interface CardOperations {
  listTokens: { args: undefined; result: TokenSummary[] };
  signIn: { args: { serial: string; pin: string }; result: void };
  signOut: { args: undefined; result: void };
  publicKeys: { args: undefined; result: CardPublicKeys };
  signDigest: { args: { digest: Uint8Array }; result: Uint8Array };
  deriveSharedSecret: { args: { peerPoint: Uint8Array }; result: Uint8Array };
  generateKeys: { args: undefined; result: CardPublicKeys };
  writeCertificate: { args: { der: Uint8Array; subjectDer: Uint8Array }; result: void };
  readCertificate: { args: undefined; result: Uint8Array | null };
}

export type CardOperation = keyof CardOperations;

export type CardRequest =
  | { kind: 'init'; modulePath: string; presencePollMs: number }
  | { kind: 'call'; id: number; op: CardOperation; args: unknown };

export type CardMessage =
  | { kind: 'ready' }
  | { kind: 'init-failed'; code: CardErrorCode; message: string }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; code: CardErrorCode; message: string }
  | { kind: 'removed'; serial: string };
