// Keys follow grants. When the patient lets a caregiver read a category, the patient's card
// unwraps each existing record's data key of that category and wraps it for the caregiver's
// encryption key from the directory (a new envelope beside the record); when he revokes,
// the caregiver's envelopes are removed, so a later download cannot be decrypted by him.
// Copies the caregiver already opened cannot be recalled — the screens say so.
//
// Only the patient's own workstation rewrites a record's envelopes, one record at a time.
import type { Category, RecordMetadata } from '../../shared/ledger';
import type { Operation } from '../app/operations';
import type { SignedInServices } from '../app/signed-in-services';
import {
  readEnvelopes,
  unwrapWithCard,
  writeEnvelopes,
  envelopesFor,
  type Recipient,
} from '../records/envelopes';
import type { KeyEnvelope } from '../vault/envelope';

async function recordsIn(
  services: SignedInServices,
  categories: readonly Category[],
): Promise<RecordMetadata[]> {
  const listing = await services.ledger.listRecords(services.user.id);
  return listing.records.map((r) => r.record).filter((r) => categories.includes(r.category));
}

/**
 * Rewrites the envelopes of every record in the categories with `change`, which returns the
 * new set or null to leave a record as it is; returns how many records changed.
 */
async function rewriteEnvelopes(
  services: SignedInServices,
  categories: readonly Category[],
  op: Operation,
  change: (envelopes: KeyEnvelope[]) => Promise<KeyEnvelope[] | null>,
): Promise<number> {
  const records = await recordsIn(services, categories);
  let changed = 0;
  for (const [index, record] of records.entries()) {
    op.report('keys', index, records.length, 'items');
    // The patient's own objects: his card's signature is what the gateway checks.
    const { store, key } = await services.storage.locate(record.keyEnvelopeRef);
    const scope = { patientId: record.patientId, category: record.category };
    const next = await change(await readEnvelopes(store, key, scope, op.signal));
    if (!next) continue;
    await writeEnvelopes(store, key, next, scope, op.signal);
    changed++;
  }
  op.report('keys', records.length, records.length, 'items');
  return changed;
}

/** Adds an envelope for `reader` to every record in the categories; returns how many records gained one. */
export function shareKeys(
  services: SignedInServices,
  reader: Recipient,
  categories: readonly Category[],
  op: Operation,
): Promise<number> {
  return rewriteEnvelopes(services, categories, op, async (envelopes) => {
    if (envelopes.some((e) => e.recipientId === reader.id)) return null;
    const dataKey = await unwrapWithCard(envelopes, services.card);
    try {
      return [...envelopes, ...envelopesFor(dataKey, [reader])];
    } finally {
      dataKey.fill(0);
    }
  });
}

/** Removes `readerId`'s envelopes from every record in the categories; returns how many records lost one. */
export function withdrawKeys(
  services: SignedInServices,
  readerId: string,
  categories: readonly Category[],
  op: Operation,
): Promise<number> {
  return rewriteEnvelopes(services, categories, op, async (envelopes) => {
    const kept = envelopes.filter((e) => e.recipientId !== readerId);
    return kept.length === envelopes.length ? null : kept;
  });
}
