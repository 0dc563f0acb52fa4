import type { Context } from 'fabric-contract-api';

/**
 * The transaction timestamp is the only clock: it is set by the client in the proposal and
 * is the same on every endorsing peer, whereas each peer's own clock differs.
 */
export function txTimeMillis(ctx: Context): number {
  const { seconds, nanos } = ctx.stub.getTxTimestamp();
  return seconds.toNumber() * 1000 + Math.floor(nanos / 1_000_000);
}

/** ISO-8601 UTC with milliseconds, the one time format stored on the ledger. */
export function toIsoTime(millis: number): string {
  return new Date(millis).toISOString();
}

export function txTimeIso(ctx: Context): string {
  return toIsoTime(txTimeMillis(ctx));
}
