import type { Context } from 'fabric-contract-api';
import type { StateWrite } from '../ledger/change';
import { KeyType, keys, seqKeyPart } from '../ledger/keys';
import { readJson, readRange } from '../ledger/state';
import type { AccessEntry } from '../model/access-entry';
import type {
  BreakGlassAcknowledgement,
  BreakGlassReview,
  BreakGlassSession,
} from '../model/break-glass-session';
import type { BreakGlassEntry } from '../model/permission-entry';

/**
 * What a break-glass session gathers after it opened: the disclosures logged under it, its
 * review and the patient's acknowledgement. The session itself stays in the permission log;
 * the index keys here only point into it and into the accounting of disclosures.
 */

export async function readBreakGlassEntry(
  ctx: Context,
  patientId: string,
  seq: number,
): Promise<BreakGlassEntry | null> {
  const entry = await readJson<BreakGlassEntry>(ctx, keys.permissionLog(ctx, patientId, seq));
  return entry?.kind === 'break-glass' ? entry : null;
}

export function readReview(ctx: Context, patientId: string, seq: number) {
  return readJson<BreakGlassReview>(ctx, keys.breakGlassReview(ctx, patientId, seq));
}

export function readAcknowledgement(ctx: Context, patientId: string, seq: number) {
  return readJson<BreakGlassAcknowledgement>(
    ctx,
    keys.breakGlassAcknowledgement(ctx, patientId, seq),
  );
}

async function readOpenings(ctx: Context, entry: BreakGlassEntry): Promise<AccessEntry[]> {
  const index = await readRange(ctx, KeyType.breakGlassOpening, [
    entry.patientId,
    seqKeyPart(entry.seq),
  ]);
  const openings: AccessEntry[] = [];
  for (const pointer of index) {
    const accessId = pointer.attributes[2] ?? '';
    const found = await readJson<AccessEntry>(ctx, keys.disclosure(ctx, entry.patientId, accessId));
    if (found) openings.push(found);
  }
  return openings.sort((a, b) => a.accessedAt.localeCompare(b.accessedAt));
}

export async function readSession(
  ctx: Context,
  entry: BreakGlassEntry,
): Promise<BreakGlassSession> {
  return {
    entry,
    openings: await readOpenings(ctx, entry),
    review: await readReview(ctx, entry.patientId, entry.seq),
    acknowledgement: await readAcknowledgement(ctx, entry.patientId, entry.seq),
  };
}

/** Entries named by an index whose keys hold [.., patientId, seq] at the given places. */
export async function readIndexedEntries(
  ctx: Context,
  indexType: string,
  leading: string[],
  patientAt: number,
): Promise<BreakGlassEntry[]> {
  const entries: BreakGlassEntry[] = [];
  for (const pointer of await readRange(ctx, indexType, leading)) {
    const patientId = pointer.attributes[patientAt] ?? '';
    const seq = Number(Buffer.from(pointer.value).toString('utf8'));
    const entry = await readBreakGlassEntry(ctx, patientId, seq);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The indexes a new session is found by: its hospital's review list, its caregiver's. */
export function sessionIndexWrites(ctx: Context, entry: BreakGlassEntry): StateWrite[] {
  const seq = String(entry.seq);
  return [
    {
      key: keys.breakGlassByHospital(ctx, entry.caregiverMspId, entry.patientId, entry.seq),
      text: seq,
    },
    { key: keys.breakGlassByCaregiver(ctx, entry.caregiverId, entry.patientId), text: seq },
  ];
}

/** A download under break-glass is also listed under its session. */
export function openingWrite(ctx: Context, access: AccessEntry): StateWrite {
  return {
    key: keys.breakGlassOpening(ctx, access.patientId, access.permissionSeq, access.accessId),
    text: access.accessId,
  };
}
