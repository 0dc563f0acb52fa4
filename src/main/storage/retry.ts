// Backoff between resumes of a gateway download (gateway-store.ts): exponential with full
// jitter (delay = random(0, min(cap, base * 2^n))), so that when a hospital's storage comes
// back after an outage every workstation's resumes do not arrive in lockstep.
import type { RetryPolicy } from '../retry-policy';

export type { RetryPolicy };

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
