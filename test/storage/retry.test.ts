// Which failures are retried, how long the store waits, and how a stream is cut into parts.
// Errors are shaped like the SDK's (name, $metadata.httpStatusCode) and Node's (code).
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/main/storage/classify';
import { PartReader } from '../../src/main/storage/parts';
import { backoffDelay, withRetry } from '../../src/main/storage/retry';
import { checkSettings, type StorageSettings } from '../../src/main/storage/settings';
import { partSizeFor } from '../../src/main/storage/upload';
import { StorageError, type StorageErrorCode } from '../../src/main/storage';

const ctx = { action: 'download', bucket: 'records', endpoint: 'https://s3.example', key: 'k' };

const sdk = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
  });
const net = (code: string, message = code) =>
  Object.assign(new Error(message), { code, name: 'TimeoutError' });

describe('classify', () => {
  const cases: Array<[string, unknown, boolean, StorageErrorCode]> = [
    ['503 SlowDown', sdk('SlowDown', 503), true, 'SERVER_ERROR'],
    ['500 InternalError', sdk('InternalError', 500), true, 'SERVER_ERROR'],
    ['429', sdk('TooManyRequests', 429), true, 'SERVER_ERROR'],
    ['400 RequestTimeout', sdk('RequestTimeout', 400), true, 'SERVER_ERROR'],
    ['connection refused', net('ECONNREFUSED'), true, 'UNREACHABLE'],
    ['connection reset', net('ECONNRESET', 'socket hang up'), true, 'UNREACHABLE'],
    ['connect timeout', net('ETIMEDOUT'), true, 'TIMEOUT'],
    [
      'happy eyeballs',
      Object.assign(new AggregateError([net('ECONNREFUSED')]), { name: 'AggregateError' }),
      true,
      'UNREACHABLE',
    ],
    ['unknown host', net('ENOTFOUND'), false, 'UNREACHABLE'],
    ['NoSuchKey', sdk('NoSuchKey', 404), false, 'NOT_FOUND'],
    ['HEAD 404', sdk('NotFound', 404), false, 'NOT_FOUND'],
    ['NoSuchBucket', sdk('NoSuchBucket', 404), false, 'BUCKET_MISSING'],
    ['AccessDenied', sdk('AccessDenied', 403), false, 'ACCESS_DENIED'],
    ['wrong secret', sdk('SignatureDoesNotMatch', 403), false, 'ACCESS_DENIED'],
    ['unknown key id', sdk('InvalidAccessKeyId', 403), false, 'ACCESS_DENIED'],
    ['clock', sdk('RequestTimeTooSkewed', 403), false, 'CLOCK_SKEW'],
    ['If-Match failed', sdk('PreconditionFailed', 412), false, 'CHANGED'],
    ['wrong region', sdk('AuthorizationHeaderMalformed', 400), false, 'INVALID_SETTINGS'],
    ['other 4xx', sdk('EntityTooLarge', 400), false, 'REJECTED'],
    ['cancelled', Object.assign(new Error('x'), { name: 'AbortError' }), false, 'ABORTED'],
  ];
  for (const [label, error, transient, code] of cases) {
    it(`${label}: ${transient ? 'retried' : 'not retried'}, ${code}`, () => {
      const c = classify(error, ctx);
      expect(c.transient).toBe(transient);
      const out = c.toError(1);
      expect(out).toBeInstanceOf(StorageError);
      expect(out.code).toBe(code);
      expect(out.cause).toBe(error);
      // Written for a person: no SDK internals.
      expect(out.message).not.toMatch(/\$metadata|\[object|undefined/);
    });
  }
});

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
});

describe('withRetry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

  it('retries transient failures until success', async () => {
    let calls = 0;
    const retried: number[] = [];
    const out = await withRetry(
      async () => {
        if (++calls < 3) throw sdk('SlowDown', 503);
        return 'ok';
      },
      ctx,
      policy,
      { onRetry: (e) => retried.push(e.attempt) },
    );
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('stops at the budget with the attempt count', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw net('ECONNREFUSED');
      },
      ctx,
      policy,
    ).catch((e: unknown) => e as StorageError);
    expect(calls).toBe(4);
    expect(err.code).toBe('UNREACHABLE');
    expect(err.attempts).toBe(4);
  });

  it('never repeats a 4xx', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw sdk('NoSuchKey', 404);
      },
      ctx,
      policy,
    ).catch((e: unknown) => e as StorageError);
    expect(calls).toBe(1);
    expect(err.code).toBe('NOT_FOUND');
  });

  it('stops waiting when cancelled', async () => {
    const ac = new AbortController();
    let calls = 0;
    const p = withRetry(
      async () => {
        calls++;
        if (calls === 1) setTimeout(() => ac.abort(), 20);
        throw sdk('SlowDown', 503);
      },
      ctx,
      { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
      { signal: ac.signal },
    );
    const err = await p.catch((e: unknown) => e as StorageError);
    expect(err.code).toBe('ABORTED');
    expect(calls).toBeLessThanOrEqual(2);
  });
});

describe('PartReader', () => {
  async function* source(sizes: number[]): AsyncGenerator<Buffer> {
    let v = 0;
    for (const n of sizes) {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = v++ & 0xff;
      yield b;
    }
  }
  async function parts(sizes: number[], partSize: number) {
    const r = new PartReader(source(sizes), partSize);
    const out: Array<[number, boolean]> = [];
    let expected = 0;
    for (let p = await r.next(); p; p = await r.next()) {
      // Bytes stay in order across chunk and part boundaries.
      for (const byte of p.data) expect(byte).toBe(expected++ & 0xff);
      out.push([p.data.length, p.last]);
      if (p.last) break;
    }
    return out;
  }

  it('cuts at the part size regardless of chunk sizes, flags the last part', async () => {
    expect(await parts([3, 4, 5, 6], 5)).toEqual([
      [5, false],
      [5, false],
      [5, false],
      [3, true],
    ]);
  });
  it('knows a part that ends exactly with the source is the last one', async () => {
    expect(await parts([5, 5], 5)).toEqual([
      [5, false],
      [5, true],
    ]);
    expect(await parts([10, 0, 0], 5)).toEqual([
      [5, false],
      [5, true],
    ]);
  });
  it('yields nothing for an empty source', async () => {
    expect(await parts([], 5)).toEqual([]);
  });
  it('reports a failing source as SOURCE_FAILED', async () => {
    async function* bad(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(3);
      throw new Error('disk unplugged');
    }
    const r = new PartReader(bad(), 5);
    const err = await r.next().then(
      () => undefined,
      (e: unknown) => e as StorageError,
    );
    expect(err?.code).toBe('SOURCE_FAILED');
    expect(err?.message).toMatch(/disk unplugged/);
  });
});

describe('settings', () => {
  const good: StorageSettings = {
    endpoint: 'https://s3.hospital-a.example',
    bucket: 'action-ehr-records',
    region: 'us-east-1',
    accessKeyId: 'AKIA',
    secretAccessKey: 'secret',
    forcePathStyle: true,
  };
  it('accepts good settings and rejects bad ones with INVALID_SETTINGS', () => {
    expect(() => checkSettings(good)).not.toThrow();
    for (const bad of [
      { endpoint: 's3.hospital-a.example' },
      { endpoint: 'ftp://s3.example' },
      { endpoint: 'https://s3.example/records' },
      { endpoint: 'https://user:pw@s3.example' },
      { bucket: 'Records' },
      { bucket: 'ab' },
      { bucket: 'a..b' },
      { region: 'US East' },
      { accessKeyId: '' },
      { secretAccessKey: '' },
    ]) {
      let err: unknown;
      try {
        checkSettings({ ...good, ...bad });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)).toBeInstanceOf(StorageError);
      expect((err as StorageError).code).toBe('INVALID_SETTINGS');
    }
  });
  it('grows parts so that huge objects fit in 10,000 of them', () => {
    const MiB = 1024 * 1024;
    expect(partSizeFor(8 * MiB, undefined)).toBe(8 * MiB);
    expect(partSizeFor(8 * MiB, 200 * MiB)).toBe(8 * MiB);
    expect(partSizeFor(8 * MiB, 200_000 * MiB)).toBe(20 * MiB);
  });
});
