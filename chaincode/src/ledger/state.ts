import type { Context } from 'fabric-contract-api';

/**
 * Reads only. Writes go through ledger/change.ts so that a transaction decides everything
 * before it writes anything. Stored JSON was written by this chaincode through
 * canonicalJson, so reading it back trusts its shape.
 */
export async function readJson<T>(ctx: Context, key: string): Promise<T | null> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return null;
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

export async function readText(ctx: Context, key: string): Promise<string | null> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return null;
  return Buffer.from(bytes).toString('utf8');
}

export async function exists(ctx: Context, key: string): Promise<boolean> {
  const bytes = await ctx.stub.getState(key);
  return !!bytes && bytes.length > 0;
}

export interface RangeEntry {
  /** The composite key's attributes, e.g. [patientId, caregiverId, category]. */
  attributes: string[];
  value: Uint8Array;
}

/** All entries under one partial composite key, in key order. */
export async function readRange(
  ctx: Context,
  objectType: string,
  leadingAttributes: string[],
): Promise<RangeEntry[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, leadingAttributes);
  const entries: RangeEntry[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const { attributes } = ctx.stub.splitCompositeKey(next.value.key);
      entries.push({ attributes, value: next.value.value });
    }
  } finally {
    await iterator.close();
  }
  return entries;
}

export async function readJsonRange<T>(
  ctx: Context,
  objectType: string,
  leadingAttributes: string[],
): Promise<T[]> {
  const entries = await readRange(ctx, objectType, leadingAttributes);
  return entries.map((entry) => JSON.parse(Buffer.from(entry.value).toString('utf8')) as T);
}
