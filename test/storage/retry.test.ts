// How long a gateway download waits before it resumes: exponential backoff with full jitter,
// and a wait that stops at once when the download is cancelled.
import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from '../../src/main/storage/retry';

describe('backoff', () => {
  const policy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1000 };
  it('grows exponentially up to the cap, with full jitter', () => {
    const top = (n: number) => backoffDelay(policy, n, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    const samples = Array.from({ length: 200 }, () => backoffDelay(policy, 2));
    expect(new Set(samples).size).toBeGreaterThan(50);
    expect(Math.max(...samples)).toBeLessThan(400);
  });

  it('stops waiting when the download is cancelled', async () => {
    const cancel = new AbortController();
    const waiting = sleep(60_000, cancel.signal);
    cancel.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await expect(sleep(10_000, cancel.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
