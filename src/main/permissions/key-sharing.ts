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
  parsePointer,
  readEnvelopes,
  unwrapWithCard,
  writeEnvelopes,
  envelopesFor,
  type Recipient,
} from '../records/envelopes';

async function recordsIn(
  services: SignedInServices,
  categories: readonly Category[],
): Promise<RecordMetadata[]> {
  const listing = await services.ledger.listRecords(services.user.id);
  return listing.records.map((r) => r.record).filter((r) => categories.includes(r.category));
}

/** Adds an envelope for `reader` to every record in the categories; returns how many records gained one. */
export async function shareKeys(
  services: SignedInServices,
  reader: Recipient,
  categories: readonly Category[],
  op: Operation,
): Promise<number> {
  const store = services.store();
  const records = await recordsIn(services, categories);
  let shared = 0;
  for (const [index, record] of records.entries()) {
    op.report('keys', index, records.length);
    const envelopeKey = parsePointer(record.keyEnvelopeRef, store).key;
    const envelopes = await readEnvelopes(store, envelopeKey, op.signal);
    if (envelopes.some((e) => e.recipientId === reader.id)) continue;
    const dataKey = await unwrapWithCard(envelopes, services.card);
    try {
      envelopes.push(...envelopesFor(dataKey, [reader]));
    } finally {
      dataKey.fill(0);
    }
    await writeEnvelopes(store, envelopeKey, envelopes);
    shared++;
  }
  op.report('keys', records.length, records.length);
  return shared;
}

/** Removes `readerId`'s envelopes from every record in the categories; returns how many records lost one. */
export async function withdrawKeys(
  services: SignedInServices,
  readerId: string,
  categories: readonly Category[],
  op: Operation,
): Promise<number> {
  const store = services.store();
  const records = await recordsIn(services, categories);
  let removed = 0;
  for (const [index, record] of records.entries()) {
    op.report('keys', index, records.length);
    const envelopeKey = parsePointer(record.keyEnvelopeRef, store).key;
    const envelopes = await readEnvelopes(store, envelopeKey, op.signal);
    const kept = envelopes.filter((e) => e.recipientId !== readerId);
    if (kept.length === envelopes.length) continue;
    await writeEnvelopes(store, envelopeKey, kept);
    removed++;
  }
  op.report('keys', records.length, records.length);
  return removed;
}
