// The wrapped data keys of one record, stored beside it (`<key>.keys`): one envelope per
// reader — always the patient, the uploader, and every caregiver the patient lets read the
// record's category. Granting adds an envelope, revoking removes one; the data key itself
// is only ever unwrapped in memory, on a card, for as long as the re-wrap takes.
import { EhrError } from '../errors';
import type { GatewayObjectStore, ObjectScope } from '../storage/gateway-store';
import { companionKey } from '../storage/keys';
import { unwrapDataKey, wrapDataKey, publicKeyFromPem, type KeyEnvelope } from '../vault/envelope';
import type { SignedInCard } from '../session/session';

export function envelopeKeyOf(recordKey: string): string {
  return companionKey(recordKey, 'keys');
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

export async function readEnvelopes(
  store: GatewayObjectStore,
  key: string,
  scope: ObjectScope,
  signal?: AbortSignal,
): Promise<KeyEnvelope[]> {
  const raw = await readAll((await store.get(key, scope, signal ? { signal } : {})).body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new EhrError(
      'RECORD_ALTERED',
      "The record's key envelopes are damaged, so it cannot be opened.",
    );
  }
  if (!Array.isArray(parsed)) {
    throw new EhrError(
      'RECORD_ALTERED',
      "The record's key envelopes are damaged, so it cannot be opened.",
    );
  }
  return parsed as KeyEnvelope[];
}

export async function writeEnvelopes(
  store: GatewayObjectStore,
  key: string,
  envelopes: KeyEnvelope[],
  scope: ObjectScope,
  signal?: AbortSignal,
): Promise<void> {
  await store.put(key, Buffer.from(JSON.stringify(envelopes)), scope, signal ? { signal } : {});
}

/** Unwraps this card's envelope to the record's data key (ECDH on the card). */
export async function unwrapWithCard(
  envelopes: readonly KeyEnvelope[],
  card: SignedInCard,
): Promise<Buffer> {
  const mine = envelopes.find((e) => e.recipientId === card.identity.enrollmentId);
  if (!mine) {
    throw new EhrError(
      'RECORD_NOT_SHARED',
      'This record is not (or no longer) shared with your card, so it cannot be decrypted.',
    );
  }
  return unwrapDataKey(mine, publicKeyFromPem(card.identity.encryptionPublicKeyPem), (point) =>
    card.deriveSharedSecret(point),
  );
}

export interface Recipient {
  id: string;
  encryptionPublicKeyPem: string;
}

/** Envelopes of `dataKey` for each recipient, one per id. */
export function envelopesFor(dataKey: Buffer, recipients: readonly Recipient[]): KeyEnvelope[] {
  const seen = new Set<string>();
  const out: KeyEnvelope[] = [];
  for (const r of recipients) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    out.push(wrapDataKey(dataKey, r.id, r.encryptionPublicKeyPem));
  }
  return out;
}
