// The card process: owns the PKCS#11 module and the signed-in session, answers one request
// at a time (PKCS#11 sessions are not for concurrent use), and watches that the card stays
// in its reader. The PIN passes through here to C_Login and is never stored or logged.
import { CardError } from './errors';
import type { CardMessage, CardOperations, CardRequest } from './card-protocol';
import { Pkcs11Card } from './pkcs11-card';
import { onParentGone, onParentMessage, postToParent } from '../offload/parent-port';

let card: Pkcs11Card | null = null;
let watch: NodeJS.Timeout | null = null;

function send(message: CardMessage): void {
  postToParent(message);
}

const asBuffer = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

type Handlers = {
  [Op in keyof CardOperations]: (
    card: Pkcs11Card,
    args: CardOperations[Op]['args'],
  ) => CardOperations[Op]['result'];
};

const handlers: Handlers = {
  listTokens: (c) => c.listTokens(),
  signIn: (c, { serial, pin }) => {
    c.signIn(serial, pin);
  },
  signOut: (c) => c.signOut(),
  publicKeys: (c) => c.publicKeys(),
  signDigest: (c, { digest }) => c.signDigest(asBuffer(digest)),
  deriveSharedSecret: (c, { peerPoint }) => c.deriveSharedSecret(asBuffer(peerPoint)),
  generateKeys: (c) => c.generateKeys(),
  writeCertificate: (c, { der, subjectDer }) =>
    c.writeCertificate(asBuffer(der), asBuffer(subjectDer)),
  readCertificate: (c) => c.readCertificate(),
};

function startWatching(pollMs: number): void {
  watch = setInterval(() => {
    const serial = card?.signedInSerial;
    if (card && serial && !card.present()) {
      card.signOut();
      send({ kind: 'removed', serial });
    }
  }, pollMs);
}

onParentMessage((raw) => {
  const request = raw as CardRequest;
  if (request.kind === 'init') {
    try {
      card = new Pkcs11Card(request.modulePath);
      startWatching(request.presencePollMs);
      send({ kind: 'ready' });
    } catch (error) {
      const e = error instanceof CardError ? error : new CardError('CARD_MODULE', String(error));
      send({ kind: 'init-failed', code: e.code, message: e.message });
    }
    return;
  }
  if (!card) return;
  const signedIn = card.signedInSerial;
  try {
    const handler = handlers[request.op] as (card: Pkcs11Card, args: unknown) => unknown;
    if (!handler)
      throw new CardError('CARD_BAD_REQUEST', `Unknown card operation ${String(request.op)}.`);
    send({ kind: 'reply', id: request.id, ok: true, value: handler(card, request.args) });
  } catch (error) {
    const e =
      error instanceof CardError
        ? error
        : new CardError(
            'CARD_OPERATION_FAILED',
            error instanceof Error ? error.message : String(error),
          );
    // An operation can find the card gone before the presence watch does (it signs out, so
    // the watch would never tell): say so first, so the session locks before the error lands.
    if (e.code === 'CARD_REMOVED' && signedIn) send({ kind: 'removed', serial: signedIn });
    send({ kind: 'reply', id: request.id, ok: false, code: e.code, message: e.message });
  }
});

onParentGone(() => {
  if (watch) clearInterval(watch);
  card?.close();
  process.exit(0);
});
