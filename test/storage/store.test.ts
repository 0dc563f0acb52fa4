// The record store against a real S3-compatible server (MinIO built from its Go module,
// started on loopback by this file).
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ObjectStore,
  StorageError,
  newObjectKey,
  type Progress,
  type StorageErrorCode,
} from '../../src/main/storage';
import {
  chunked,
  minioMissingReason,
  objectExists,
  pendingUploads,
  readAll,
  startTestS3,
  type TestS3,
} from './helpers';

const MiB = 1024 * 1024;
const skip = minioMissingReason();
if (skip) console.warn(`storage tests skipped: ${skip}`);

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 };

async function codeOf(p: Promise<unknown>): Promise<StorageErrorCode> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StorageError);
    return (e as StorageError).code;
  }
  throw new Error('expected a StorageError, but the call succeeded');
}

function checkProgress(events: Progress[], size: number): void {
  expect(events.length).toBeGreaterThan(2);
  for (let i = 1; i < events.length; i++) {
    expect(events[i]!.loaded).toBeGreaterThanOrEqual(events[i - 1]!.loaded);
  }
  const last = events.at(-1)!;
  expect(last.loaded).toBe(size);
  expect(last.total).toBe(size);
  expect(events.every((e) => e.loaded <= size)).toBe(true);
}

describe.skipIf(skip)('ObjectStore against MinIO', () => {
  let s3: TestS3;
  let store: ObjectStore;

  beforeAll(async () => {
    s3 = await startTestS3();
    store = new ObjectStore(s3.settings, { tuning: { retry: FAST_RETRY } });
  });
  afterAll(async () => {
    store?.close();
    await s3?.stop();
  });

  it('round-trips a 64 MB object through a multipart upload, bytes equal, progress monotonic', async () => {
    const data = randomBytes(64 * MiB);
    const up: Progress[] = [];
    const put = await store.put(chunked(data), { onProgress: (p) => up.push({ ...p }) });
    expect(put.size).toBe(data.length);
    expect(put.parts).toBe(8); // 8 MiB parts
    expect(put.key).toMatch(/^records\/[0-9a-f]{32}$/);
    checkProgress(up, data.length);
    // Unknown length up front: no total until the end.
    expect(up[0]!.total).toBeUndefined();

    expect(await objectExists(s3, put.key)).toBe(true);
    expect((await store.head(put.key)).size).toBe(data.length);

    const down: Progress[] = [];
    const got = await store.get(put.key, { onProgress: (p) => down.push({ ...p }) });
    expect(got.size).toBe(data.length);
    const back = await readAll(got.body);
    expect(back.length).toBe(data.length);
    expect(back.equals(data)).toBe(true);
    checkProgress(down, data.length);
    expect(down.every((e) => e.total === data.length)).toBe(true);
    expect(await pendingUploads(s3, put.key)).toEqual([]);
  });

  it('takes a Node Readable with a declared length and reports the total from the start', async () => {
    const data = randomBytes(12 * MiB + 5);
    const events: Progress[] = [];
    const put = await store.put(Readable.from(chunked(data, 65_536)), {
      contentLength: data.length,
      onProgress: (p) => events.push({ ...p }),
    });
    expect(put.parts).toBe(2);
    expect(events.every((e) => e.total === data.length)).toBe(true);
    checkProgress(events, data.length);
    const back = await readAll(await store.getStream(put.key));
    expect(createHash('sha256').update(back).digest('hex')).toBe(
      createHash('sha256').update(data).digest('hex'),
    );
  });

  it('stores a small object in a single request, and an empty one', async () => {
    const data = Buffer.from('{"resourceType":"Bundle","type":"collection"}');
    const put = await store.put(chunked(data, 7));
    expect(put.parts).toBe(0);
    expect(put.size).toBe(data.length);
    expect((await readAll(await store.getStream(put.key))).equals(data)).toBe(true);

    const empty = await store.put(chunked(Buffer.alloc(0)));
    expect(empty.size).toBe(0);
    expect((await readAll(await store.getStream(empty.key))).length).toBe(0);
  });

  it('an object of exactly one part size goes up as one request', async () => {
    const data = randomBytes(8 * MiB);
    const put = await store.put(chunked(data));
    expect(put.parts).toBe(0);
    expect((await readAll(await store.getStream(put.key))).equals(data)).toBe(true);
  });

  it('a download abandoned midway releases its connection', async () => {
    const put = await store.put(chunked(randomBytes(10 * MiB)));
    // More abandoned downloads than the connection pool holds (queueSize + 2 = 6): if a
    // destroyed stream kept its socket, a later request would wait forever.
    for (let i = 0; i < 10; i++) {
      const { body } = await store.get(put.key);
      for await (const _chunk of body) break;
      expect(body.destroyed).toBe(true);
    }
    expect((await store.head(put.key)).size).toBe(10 * MiB);
    expect((await readAll(await store.getStream(put.key))).length).toBe(10 * MiB);
  });

  it('deletes, and a missing key is NOT_FOUND for get and head', async () => {
    const put = await store.put(chunked(Buffer.from('to be deleted')));
    await store.delete(put.key);
    expect(await objectExists(s3, put.key)).toBe(false);
    expect(await codeOf(store.get(put.key))).toBe('NOT_FOUND');
    expect(await codeOf(store.head(put.key))).toBe('NOT_FOUND');
    expect(await codeOf(store.get(newObjectKey()))).toBe('NOT_FOUND');
    // Deleting what is not there is not an error (S3 semantics).
    await store.delete(newObjectKey());
  });

  it('wrong credentials are ACCESS_DENIED, not retried, with a readable message', async () => {
    const retries: number[] = [];
    const wrongSecret = new ObjectStore(
      { ...s3.settings, secretAccessKey: 'not-the-secret-key' },
      { tuning: { retry: FAST_RETRY }, onRetry: (e) => retries.push(e.attempt) },
    );
    const unknownKey = new ObjectStore(
      { ...s3.settings, accessKeyId: 'nobody-at-all' },
      { tuning: { retry: FAST_RETRY }, onRetry: (e) => retries.push(e.attempt) },
    );
    try {
      const existing = await store.put(chunked(Buffer.from('secret record')));
      let err: StorageError | undefined;
      try {
        await wrongSecret.get(existing.key);
      } catch (e) {
        err = e as StorageError;
      }
      expect(err?.code).toBe('ACCESS_DENIED');
      expect(err?.attempts).toBe(1);
      expect(err?.message).toMatch(/secret key does not match/);
      expect(err?.message).not.toMatch(/SignatureDoesNotMatch|\$metadata/);
      expect(await codeOf(wrongSecret.put(chunked(Buffer.from('x'))))).toBe('ACCESS_DENIED');
      expect(await codeOf(wrongSecret.head(existing.key))).toBe('ACCESS_DENIED');
      expect(await codeOf(unknownKey.get(existing.key))).toBe('ACCESS_DENIED');
      expect(await codeOf(unknownKey.checkBucket())).toBe('ACCESS_DENIED');
      expect(retries).toEqual([]);
    } finally {
      wrongSecret.close();
      unknownKey.close();
    }
  });

  it('a bucket that does not exist is BUCKET_MISSING for every operation', async () => {
    const missing = new ObjectStore(
      { ...s3.settings, bucket: 'no-such-bucket-here' },
      { tuning: { retry: FAST_RETRY } },
    );
    try {
      const key = newObjectKey();
      expect(await codeOf(missing.get(key))).toBe('BUCKET_MISSING');
      expect(await codeOf(missing.head(key))).toBe('BUCKET_MISSING');
      expect(await codeOf(missing.put(chunked(Buffer.from('x'))))).toBe('BUCKET_MISSING');
      expect(await codeOf(missing.put(chunked(randomBytes(9 * MiB))))).toBe('BUCKET_MISSING');
      expect(await codeOf(missing.checkBucket())).toBe('BUCKET_MISSING');
      await store.checkBucket(); // the real one is fine
    } finally {
      missing.close();
    }
  });

  it('a source that fails mid-upload leaves no object and no pending multipart upload', async () => {
    const key = newObjectKey();
    let sawPending = false;
    async function* failing(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 20; i++) yield randomBytes(MiB);
      // By now parts are on the server under a live multipart upload: the check below
      // would see it if the store failed to abort.
      for (let i = 0; i < 50 && !sawPending; i++) {
        sawPending = (await pendingUploads(s3, key)).length > 0;
        if (!sawPending) await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('scanner disconnected');
    }
    let err: StorageError | undefined;
    try {
      await store.put(failing(), { key });
    } catch (e) {
      err = e as StorageError;
    }
    expect(sawPending).toBe(true);
    expect(err).toBeInstanceOf(StorageError);
    expect(err?.code).toBe('SOURCE_FAILED');
    expect(err?.message).toMatch(/scanner disconnected/);
    expect(await objectExists(s3, key)).toBe(false);
    expect(await pendingUploads(s3, key)).toEqual([]);
  });

  it('cancelling an upload midway leaves nothing behind', async () => {
    const key = newObjectKey();
    const ac = new AbortController();
    const data = randomBytes(40 * MiB);
    const p = store.put(chunked(data), {
      key,
      signal: ac.signal,
      onProgress: (e) => {
        if (e.loaded > 0) ac.abort();
      },
    });
    expect(await codeOf(p)).toBe('ABORTED');
    expect(await objectExists(s3, key)).toBe(false);
    expect(await pendingUploads(s3, key)).toEqual([]);
  });

  it('a source shorter than its declared length stores nothing', async () => {
    const key = newObjectKey();
    const data = randomBytes(10 * MiB);
    expect(await codeOf(store.put(chunked(data), { key, contentLength: data.length + 1 }))).toBe(
      'SOURCE_FAILED',
    );
    expect(await objectExists(s3, key)).toBe(false);
    expect(await pendingUploads(s3, key)).toEqual([]);
  });

  it('the bucket shows nothing about the patient: opaque keys, no metadata', async () => {
    const patient = { name: 'Jane Doe', pseudonym: 'psn-4f1c2a9e', category: 'rt-dose' };
    const record = Buffer.from(JSON.stringify({ ...patient, dose: [1.8, 1.8, 2.0] }));
    const stored = [
      await store.put(chunked(record)),
      await store.put(chunked(randomBytes(9 * MiB))),
    ];
    const listing = await s3.raw.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    const keys = (listing.Contents ?? []).map((o) => o.Key ?? '');
    expect(keys).toEqual(expect.arrayContaining(stored.map((p) => p.key)));
    const forbidden = Object.values(patient).flatMap((v) => [
      v.toLowerCase(),
      v.replace(/[^a-z0-9]/gi, '').toLowerCase(),
      Buffer.from(v).toString('hex'),
      Buffer.from(v).toString('base64url'),
    ]);
    for (const key of keys) {
      expect(key).toMatch(/^records\/[0-9a-f]{32}$/);
      for (const f of forbidden) expect(key.toLowerCase().includes(f)).toBe(false);
    }
    for (const { key } of stored) {
      const head = await s3.raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
      expect(head.Metadata ?? {}).toEqual({});
      expect(head.ContentType).toBe('application/octet-stream');
    }
  });

  it('refuses keys that were not made by newObjectKey (they could carry data)', async () => {
    for (const key of ['records/jane-doe-1957', 'patients/PSN-12345/ct', '../etc', '']) {
      expect(await codeOf(store.put(chunked(Buffer.from('x')), { key }))).toBe('INVALID_KEY');
      expect(await codeOf(store.get(key))).toBe('INVALID_KEY');
    }
  });
});
