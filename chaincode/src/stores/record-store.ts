import type { Context } from 'fabric-contract-api';
import { KeyType, keys } from '../ledger/keys';
import { readJson, readJsonRange } from '../ledger/state';
import type { AccessEntry } from '../model/access-entry';
import type { RecordMetadata } from '../model/record-metadata';

/** Oldest first; the id breaks ties between transactions with the same timestamp. */
function byTimeThenId<T>(time: (item: T) => string, id: (item: T) => string) {
  return (a: T, b: T): number =>
    Date.parse(time(a)) - Date.parse(time(b)) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);
}

/** Which record a stored object belongs to: the value of its record-by-object index entry. */
export interface ObjectOwner {
  patientId: string;
  recordId: string;
}

export function readObjectOwner(ctx: Context, storagePointer: string): Promise<ObjectOwner | null> {
  return readJson<ObjectOwner>(ctx, keys.recordByObject(ctx, storagePointer));
}

export function readRecord(
  ctx: Context,
  patientId: string,
  recordId: string,
): Promise<RecordMetadata | null> {
  return readJson<RecordMetadata>(ctx, keys.record(ctx, patientId, recordId));
}

export async function readPatientRecords(
  ctx: Context,
  patientId: string,
): Promise<RecordMetadata[]> {
  const records = await readJsonRange<RecordMetadata>(ctx, KeyType.record, [patientId]);
  return records.sort(
    byTimeThenId(
      (r) => r.recordedAt,
      (r) => r.recordId,
    ),
  );
}

export async function readDisclosures(ctx: Context, patientId: string): Promise<AccessEntry[]> {
  const entries = await readJsonRange<AccessEntry>(ctx, KeyType.disclosure, [patientId]);
  return entries.sort(
    byTimeThenId(
      (e) => e.accessedAt,
      (e) => e.accessId,
    ),
  );
}
