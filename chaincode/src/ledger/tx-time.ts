import type { Context } from 'fabric-contract-api';
import type { ClockPolicy } from '../config';
import { invalidArgument } from '../errors';

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

/**
 * Refuses a transaction whose timestamp is further from the chaincode's clock than the
 * deployment allows (see ClockPolicy in config.ts for why the clock is consulted at all).
 */
export function requirePlausibleTxTime(ctx: Context, policy: ClockPolicy): void {
  const tx = txTimeMillis(ctx);
  const now = policy.nowMillis();
  const offset = tx - now;
  if (Math.abs(offset) > policy.toleranceMillis) {
    throw invalidArgument(
      'txTimestamp',
      `the transaction is dated ${toIsoTime(tx)}, ${Math.round(Math.abs(offset) / 1000)} s ${offset < 0 ? 'behind' : 'ahead of'} the ledger's clock (${toIsoTime(now)}); at most ${policy.toleranceMillis / 1000} s is accepted: check the computer's clock`,
    );
  }
}
