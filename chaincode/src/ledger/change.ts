import type { Context } from 'fabric-contract-api';
import { canonicalJsonBytes } from './canonical-json';
import type { LedgerEvent } from './events';

/** One key and what to store under it: an object (as canonical JSON) or pointer text. */
export type StateWrite = { key: string; json: unknown } | { key: string; text: string };

/**
 * The only place that writes state. A transaction first reads and validates everything and
 * builds its complete change; only then does it call applyChange, so a refused call writes
 * nothing and every successful one emits its single event.
 */
export async function applyChange(
  ctx: Context,
  writes: readonly StateWrite[],
  event: LedgerEvent,
): Promise<void> {
  const encoded = writes.map((write) => ({
    key: write.key,
    bytes: 'json' in write ? canonicalJsonBytes(write.json) : Buffer.from(write.text, 'utf8'),
  }));
  const eventBytes = canonicalJsonBytes(event);
  for (const { key, bytes } of encoded) {
    await ctx.stub.putState(key, bytes);
  }
  ctx.stub.setEvent(event.type, eventBytes);
}
