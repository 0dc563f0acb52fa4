import type { Context } from 'fabric-contract-api';
import type { StateWrite } from '../ledger/change';
import { KeyType, keys } from '../ledger/keys';
import { readJson, readJsonRange, readRange, readText } from '../ledger/state';
import type { BreakGlassEntry, CategoryEntry, PermissionEntry } from '../model/permission-entry';
import type { Category } from '../validation/categories';

/**
 * The permission log and its pointers. The log is the single source of truth; the pointers
 * (current entry per caregiver and category, latest break-glass per caregiver) only say which
 * log entry to read, so an access check is two point reads.
 */

export async function readLogLength(ctx: Context, patientId: string): Promise<number> {
  const text = await readText(ctx, keys.permissionLogLength(ctx, patientId));
  return text === null ? 0 : Number(text);
}

export function readHistory(ctx: Context, patientId: string): Promise<PermissionEntry[]> {
  return readJsonRange<PermissionEntry>(ctx, KeyType.permissionLog, [patientId]);
}

async function readPointed<T extends PermissionEntry>(
  ctx: Context,
  patientId: string,
  pointerKey: string,
): Promise<T | null> {
  const seq = await readText(ctx, pointerKey);
  return seq === null ? null : readJson<T>(ctx, keys.permissionLog(ctx, patientId, Number(seq)));
}

export function readCategoryEntry(
  ctx: Context,
  patientId: string,
  caregiverId: string,
  category: Category,
): Promise<CategoryEntry | null> {
  return readPointed<CategoryEntry>(
    ctx,
    patientId,
    keys.permissionCurrent(ctx, patientId, caregiverId, category),
  );
}

export function readLatestBreakGlass(
  ctx: Context,
  patientId: string,
  caregiverId: string,
): Promise<BreakGlassEntry | null> {
  return readPointed<BreakGlassEntry>(
    ctx,
    patientId,
    keys.breakGlassCurrent(ctx, patientId, caregiverId),
  );
}

/** Entries named by a range of pointers whose keys hold the patient id at `patientAttribute`. */
async function readPointedRange<T extends PermissionEntry>(
  ctx: Context,
  pointerType: string,
  leadingAttributes: string[],
  patientAttribute: number,
): Promise<T[]> {
  const pointers = await readRange(ctx, pointerType, leadingAttributes);
  const entries: T[] = [];
  for (const pointer of pointers) {
    const patientId = pointer.attributes[patientAttribute] ?? '';
    const seq = Number(Buffer.from(pointer.value).toString('utf8'));
    const entry = await readJson<T>(ctx, keys.permissionLog(ctx, patientId, seq));
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Per (caregiver, category) of this patient, the entry in force or last in force. */
export const readPatientCategoryEntries = (ctx: Context, patientId: string) =>
  readPointedRange<CategoryEntry>(ctx, KeyType.permissionCurrent, [patientId], 0);

/** Same, for one caregiver of this patient. */
export const readPatientCaregiverCategoryEntries = (
  ctx: Context,
  patientId: string,
  caregiverId: string,
) => readPointedRange<CategoryEntry>(ctx, KeyType.permissionCurrent, [patientId, caregiverId], 0);

/** Per caregiver, the latest break-glass entry on this patient. */
export const readPatientBreakGlassEntries = (ctx: Context, patientId: string) =>
  readPointedRange<BreakGlassEntry>(ctx, KeyType.breakGlassCurrent, [patientId], 0);

/** Per (patient, category), the entry concerning this caregiver. */
export const readCaregiverCategoryEntries = (ctx: Context, caregiverId: string) =>
  readPointedRange<CategoryEntry>(ctx, KeyType.permissionByCaregiver, [caregiverId], 1);

/** Appending an entry writes it and the new log length; callers add their pointer writes. */
export function appendEntryWrites(ctx: Context, entry: PermissionEntry): StateWrite[] {
  return [
    { key: keys.permissionLog(ctx, entry.patientId, entry.seq), json: entry },
    { key: keys.permissionLogLength(ctx, entry.patientId), text: String(entry.seq + 1) },
  ];
}

export function categoryPointerWrites(ctx: Context, entry: CategoryEntry): StateWrite[] {
  const seq = String(entry.seq);
  return [
    {
      key: keys.permissionCurrent(ctx, entry.patientId, entry.caregiverId, entry.category),
      text: seq,
    },
    {
      key: keys.permissionByCaregiver(ctx, entry.caregiverId, entry.patientId, entry.category),
      text: seq,
    },
  ];
}

export function breakGlassPointerWrites(ctx: Context, entry: BreakGlassEntry): StateWrite[] {
  return [
    {
      key: keys.breakGlassCurrent(ctx, entry.patientId, entry.caregiverId),
      text: String(entry.seq),
    },
  ];
}
