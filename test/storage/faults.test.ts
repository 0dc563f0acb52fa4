// Retries and resumes against real MinIO behind a misbehaving proxy, and a stopped server.
import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ObjectStore,
  StorageError,
  newObjectKey,
  type RetryEvent,
  type StorageErrorCode,
} from '../../src/main/storage';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';
import {
  chunked,
  minioMissingReason,
  objectExists,
  pendingUploads,
  readAll,
  startTestS3,
  type TestS3,
} from './helpers';
import type { IncomingMessage } from 'node:http';

const MiB = 1024 * 1024;
const skip = minioMissingReason();
if (skip) console.warn(`storage fault tests skipped: ${skip}`);

const RETRY = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 };
const pass: Fault = { kind: 'pass' };

async function failure(p: Promise<unknown>): Promise<StorageError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StorageError);
    return e as StorageError;
  }
  throw new Error('expected a StorageError, but the call succeeded');
}

const isPart = (req: IncomingMessage) => req.method === 'PUT' && /partNumber=/.test(req.url ?? '');
const isGet = (req: IncomingMessage) => req.method === 'GET' && /\/records\//.test(req.url ?? '');

describe.skipIf(skip)('ObjectStore retries, resumes and gives up', () => {
  let s3: TestS3;
  let proxy: FaultProxy | undefined;
  let store: ObjectStore | undefined;
  let retries: RetryEvent[];
  let directStore: ObjectStore | undefined;
  /** A store talking to MinIO straight, for setting up objects. */
  const direct = () => (directStore ??= new ObjectStore(s3.settings));

  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterEach(async () => {
    store?.close();
    store = undefined;
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    directStore?.close();
    await s3?.stop();
  });

  async function through(decide: Parameters<typeof startFaultProxy>[1]): Promise<ObjectStore> {
    proxy = await startFaultProxy(s3.settings.endpoint, decide);
    retries = [];
    store = new ObjectStore(
      { ...s3.settings, endpoint: proxy.endpoint },
      { tuning: { retry: RETRY }, onRetry: (e) => retries.push(e) },
    );
    return store;
  }

  it('retries parts refused with 503 SlowDown or dropped mid-request, and the object is whole', async () => {
    let parts = 0;
    const st = await through((req) => {
      if (!isPart(req)) return pass;
      parts++;
      if (parts === 2) return { kind: 'status', status: 503, code: 'SlowDown' };
      if (parts === 4) return { kind: 'cut', afterBytes: 0 };
      return pass;
    });
    const data = randomBytes(24 * MiB);
    const put = await st.put(chunked(data));
    expect(put.parts).toBe(3);
    expect(retries.map((r) => r.action)).toEqual(['upload', 'upload']);
    expect(retries[0]!.error.code).toBe('SERVER_ERROR');
    expect(retries[1]!.error.code).toBe('UNREACHABLE');
    expect(proxy!.seen.filter((r) => r.path.includes('partNumber=')).length).toBe(5);
    expect((await readAll(await st.getStream(put.key))).equals(data)).toBe(true);
    expect(await pendingUploads(s3, put.key)).toEqual([]);
  });

  it('gives up after the retry budget on a service that keeps failing: SERVER_ERROR, nothing stored', async () => {
    const st = await through((req) =>
      req.method === 'PUT' ? { kind: 'status', status: 500, code: 'InternalError' } : pass,
    );
    const key = newObjectKey();
    const err = await failure(st.put(chunked(Buffer.from('dose summary')), { key }));
    expect(err.code).toBe('SERVER_ERROR');
    expect(err.attempts).toBe(3);
    expect(err.message).toMatch(/tried 3 times/);
    expect(proxy!.seen.filter((r) => r.method === 'PUT').length).toBe(3);
    expect(await objectExists(s3, key)).toBe(false);

    // Multipart: the failing part exhausts its budget, the upload is aborted.
    const big = newObjectKey();
    const err2 = await failure(st.put(chunked(randomBytes(20 * MiB)), { key: big }));
    expect(err2.code).toBe('SERVER_ERROR');
    expect(await objectExists(s3, big)).toBe(false);
    expect(await pendingUploads(s3, big)).toEqual([]);
  });

  it('never retries a 4xx', async () => {
    const st = await through(() => ({ kind: 'status', status: 403, code: 'AccessDenied' }));
    const err = await failure(st.get(newObjectKey()));
    expect(err.code).toBe('ACCESS_DENIED');
    expect(err.attempts).toBe(1);
    expect(proxy!.seen.length).toBe(1);
    expect(retries).toEqual([]);
  });

  it('retries throttling (429)', async () => {
    const put = await direct().put(chunked(Buffer.from('plan')));
    let n = 0;
    const st = await through(() =>
      n++ === 0 ? { kind: 'status', status: 429, code: 'TooManyRequests' } : pass,
    );
    expect((await st.head(put.key)).size).toBe(4);
    expect(retries.length).toBe(1);
  });

  it('resumes a download cut mid-stream from where it stopped, pinned to the same version', async () => {
    const data = randomBytes(20 * MiB);
    const put = await direct().put(chunked(data));
    let gets = 0;
    const st = await through((req) => {
      if (!isGet(req)) return pass;
      gets++;
      if (gets === 1) return { kind: 'cut', afterBytes: 5 * MiB + 17 };
      if (gets === 2) return { kind: 'cut', afterBytes: 3 * MiB };
      return pass;
    });
    const back = await readAll(await st.getStream(put.key));
    expect(back.equals(data)).toBe(true);
    const getsSeen = proxy!.seen.filter((r) => r.method === 'GET');
    expect(getsSeen.map((r) => r.range)).toEqual([
      undefined,
      `bytes=${5 * MiB + 17}-`,
      `bytes=${8 * MiB + 17}-`,
    ]);
    expect(retries.length).toBe(2);
  });

  it('a download whose connection keeps dropping fails as INCOMPLETE after the budget', async () => {
    const put = await direct().put(chunked(randomBytes(6 * MiB)));
    const st = await through((req) => (isGet(req) ? { kind: 'cut', afterBytes: MiB } : pass));
    const download = await st.get(put.key);
    const err = await failure(readAll(download.body));
    expect(err.code).toBe('INCOMPLETE');
    expect(err.message).toMatch(/stopped after 3145728 of 6291456 bytes/);
  });

  it('an object replaced during a resumed download fails as CHANGED, never spliced', async () => {
    const put = await direct().put(chunked(randomBytes(6 * MiB)));
    let gets = 0;
    const st = await through(async (req) => {
      if (!isGet(req)) return pass;
      gets++;
      if (gets === 1) return { kind: 'cut', afterBytes: MiB };
      // Someone overwrites the object before the resume arrives.
      await s3.raw.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: put.key, Body: randomBytes(6 * MiB) }),
      );
      return pass;
    });
    const download = await st.get(put.key);
    const err = await failure(readAll(download.body));
    expect(err.code).toBe('CHANGED');
  });

  // Last: it stops the server.
  it('a stopped server is UNREACHABLE after bounded retries', async () => {
    const events: RetryEvent[] = [];
    const st = new ObjectStore(s3.settings, {
      tuning: { retry: RETRY },
      onRetry: (e) => events.push(e),
    });
    store = st;
    const put = await st.put(chunked(Buffer.from('before the outage')));
    await s3.server.stop();

    const codes: StorageErrorCode[] = [];
    for (const op of [
      () => st.get(put.key),
      () => st.head(put.key),
      () => st.put(chunked(Buffer.from('during the outage'))),
      () => st.put(chunked(randomBytes(9 * MiB))),
    ]) {
      const err = await failure(op());
      codes.push(err.code);
      expect(err.attempts).toBe(3);
      expect(err.message).toMatch(/could not be reached/);
    }
    expect(codes).toEqual(['UNREACHABLE', 'UNREACHABLE', 'UNREACHABLE', 'UNREACHABLE']);
    expect(events.length).toBe(4 * 2);
    // Backoff stays within the policy's bounds.
    for (const e of events) expect(e.delayMs).toBeLessThanOrEqual(RETRY.maxDelayMs);
  });
});
