import type { Context } from 'fabric-contract-api';
import { isInForce, type BreakGlassEntry, type GrantEntry } from '../model/permission-entry';
import {
  readCategoryEntry,
  readLatestBreakGlass,
  readPatientCaregiverCategoryEntries,
} from '../stores/permission-store';
import type { Category } from '../validation/categories';

/**
 * What lets a caregiver read a patient's data at a given instant: a grant in force for the
 * category with read, or else an open break-glass session (which covers every category but
 * never writing). A grant is preferred, so break-glass is reported only where it was needed.
 */
export type ReadBasis =
  { basis: 'grant'; entry: GrantEntry } | { basis: 'break-glass'; entry: BreakGlassEntry };

async function grantInForce(
  ctx: Context,
  patientId: string,
  caregiverId: string,
  category: Category,
  atMillis: number,
): Promise<GrantEntry | null> {
  const entry = await readCategoryEntry(ctx, patientId, caregiverId, category);
  return entry && entry.kind === 'grant' && isInForce(entry, atMillis) ? entry : null;
}

export async function breakGlassInForce(
  ctx: Context,
  patientId: string,
  caregiverId: string,
  atMillis: number,
): Promise<BreakGlassEntry | null> {
  const entry = await readLatestBreakGlass(ctx, patientId, caregiverId);
  return entry && isInForce(entry, atMillis) ? entry : null;
}

export async function findReadBasis(
  ctx: Context,
  patientId: string,
  caregiverId: string,
  category: Category,
  atMillis: number,
): Promise<ReadBasis | null> {
  const grant = await grantInForce(ctx, patientId, caregiverId, category, atMillis);
  if (grant?.read) return { basis: 'grant', entry: grant };
  const breakGlass = await breakGlassInForce(ctx, patientId, caregiverId, atMillis);
  return breakGlass ? { basis: 'break-glass', entry: breakGlass } : null;
}

export async function findWriteGrant(
  ctx: Context,
  patientId: string,
  caregiverId: string,
  category: Category,
  atMillis: number,
): Promise<GrantEntry | null> {
  const grant = await grantInForce(ctx, patientId, caregiverId, category, atMillis);
  return grant?.write ? grant : null;
}

/** Categories this caregiver may read through a grant in force. */
export async function readableCategories(
  ctx: Context,
  patientId: string,
  caregiverId: string,
  atMillis: number,
): Promise<Map<Category, GrantEntry>> {
  const entries = await readPatientCaregiverCategoryEntries(ctx, patientId, caregiverId);
  const readable = new Map<Category, GrantEntry>();
  for (const entry of entries) {
    if (entry.kind === 'grant' && entry.read && isInForce(entry, atMillis))
      readable.set(entry.category, entry);
  }
  return readable;
}
