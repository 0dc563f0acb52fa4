// Bounded retries with exponential backoff and full jitter.
//
// Why our own loop instead of the SDK's retry strategy: the SDK's retries are switched off
// (maxAttempts: 1 in client.ts) so that exactly one policy decides, with one rule set
// (classify.ts) that never retries a 4xx, one budget per request (per part, for multipart
// uploads), and one hook the app can log from. Two stacked retry layers would multiply the
// attempts and the waiting.
//
// Full jitter (delay = random(0, min(cap, base * 2^n))): when a hospital's storage comes back
// after an outage, every workstation's retries would otherwise arrive in lockstep.
import type { RetryPolicy } from '../retry-policy';
import { StorageError } from './errors';
import { classify, type FailureContext } from './classify';

export type { RetryPolicy };

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8000 };

export interface RetryEvent {
  action: string;
  key?: string;
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  /** The error that attempt would have thrown had no retry been left. */
  error: StorageError;
}

export function backoffDelay(
  policy: RetryPolicy,
  retryIndex: number,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error, or the policy's attempts
 * are used up. Always throws a StorageError.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  ctx: FailureContext,
  policy: RetryPolicy,
  opts: { signal?: AbortSignal; onRetry?: (e: RetryEvent) => void } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      if (opts.signal?.aborted) throw abortError();
      return await attempt(n);
    } catch (e) {
      // A cancelled request surfaces as whatever the SDK made of the abort; the signal is the truth.
      const c = opts.signal?.aborted ? classify(abortError(), ctx) : classify(e, ctx);
      if (!c.transient || n >= policy.maxAttempts) throw c.toError(n);
      const delayMs = backoffDelay(policy, n - 1);
      opts.onRetry?.({
        action: ctx.action,
        key: ctx.key,
        attempt: n,
        delayMs,
        error: c.toError(n),
      });
      try {
        await sleep(delayMs, opts.signal);
      } catch (abort) {
        throw classify(abort, ctx).toError(n);
      }
    }
  }
}
