// Streaming download that survives a dropped connection.
//
// A 200 MB study over a hospital uplink can lose its connection halfway. Instead of starting
// over, the stream asks again for the remaining bytes only (Range: bytes=<received>-) and
// only from the same version of the object (If-Match: <ETag>); if the object changed in the
// meantime the service answers 412 and the stream fails with CHANGED rather than splicing two
// versions together. Resumes share the request's retry budget, with the same backoff.
//
// The body is a plain Node Readable with backpressure: bytes are fetched as fast as the
// consumer (the vault's decryptor) takes them, never buffered whole.
import { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { StorageError } from './errors';
import { classify } from './classify';
import { PROGRESS_STEP_BYTES, type ProgressListener } from './progress';
import { abortError, backoffDelay, sleep, withRetry, type RetryEvent } from './retry';
import type { StorageTuning } from './settings';

export interface DownloadContext {
  client: S3Client;
  bucket: string;
  endpoint: string;
  tuning: StorageTuning;
  onRetry?: (e: RetryEvent) => void;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface Download {
  body: Readable;
  size: number;
  etag?: string;
  contentType?: string;
}

export async function openDownload(
  ctx: DownloadContext,
  key: string,
  opts: DownloadOptions = {},
): Promise<Download> {
  const fail = { action: 'download', bucket: ctx.bucket, endpoint: ctx.endpoint, key };
  const policy = ctx.tuning.retry;
  const request = (range?: { from: number; etag: string }) =>
    ctx.client.send(
      new GetObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        ...(range ? { Range: `bytes=${range.from}-`, IfMatch: range.etag } : {}),
      }),
      { abortSignal: opts.signal },
    );

  const first = await withRetry(() => request(), fail, policy, {
    signal: opts.signal,
    onRetry: ctx.onRetry,
  });
  const announced = first.ContentLength;
  if (announced === undefined || !first.Body) {
    destroyBody(first);
    throw new StorageError('REJECTED', `The storage service sent no data for record ${key}.`);
  }
  const size: number = announced;
  const etag = first.ETag;

  async function* bytes(): AsyncGenerator<Buffer> {
    let response: GetObjectCommandOutput | undefined = first;
    let loaded = 0;
    let reported = 0;
    let attempts = 1;
    opts.onProgress?.({ key, loaded: 0, total: size });
    try {
      for (;;) {
        try {
          if (!response) {
            response = await request({ from: loaded, etag: etag as string });
            if (response.ContentLength !== size - loaded) {
              throw new StorageError(
                'CHANGED',
                `Record ${key} changed while it was being downloaded. Download it again.`,
              );
            }
          }
          for await (const chunk of response.Body as AsyncIterable<Buffer>) {
            loaded += chunk.length;
            if (loaded > size) {
              throw new StorageError(
                'CHANGED',
                `Record ${key} grew while it was being downloaded.`,
              );
            }
            if (loaded - reported >= PROGRESS_STEP_BYTES || loaded === size) {
              reported = loaded;
              opts.onProgress?.({ key, loaded, total: size });
            }
            yield chunk;
          }
          if (loaded === size) return;
          // Ended early without an error: treat like a dropped connection.
          throw Object.assign(new Error('premature close'), { code: 'ECONNRESET' });
        } catch (e) {
          if (response) destroyBody(response);
          response = undefined;
          const c = opts.signal?.aborted ? classify(abortError(), fail) : classify(e, fail);
          // Without an ETag there is no version to pin a resume to: fail instead.
          if (!c.transient || attempts >= policy.maxAttempts || !etag) {
            if (c.transient && loaded > 0) {
              throw new StorageError(
                'INCOMPLETE',
                `The download of record ${key} stopped after ${loaded} of ${size} bytes and could not be resumed (tried ${attempts} times). Check the network connection and try again.`,
                { cause: e, attempts },
              );
            }
            throw c.toError(attempts);
          }
          const delayMs = backoffDelay(policy, attempts - 1);
          ctx.onRetry?.({
            action: 'download',
            key,
            attempt: attempts,
            delayMs,
            error: c.toError(attempts),
          });
          try {
            await sleep(delayMs, opts.signal);
          } catch (abort) {
            throw classify(abort, fail).toError(attempts);
          }
          attempts++;
        }
      }
    } finally {
      // The consumer stopped early (or we failed): release the connection.
      if (response) destroyBody(response);
    }
  }

  return {
    body: Readable.from(bytes(), { objectMode: false, highWaterMark: 1024 * 1024 }),
    size,
    etag,
    contentType: first.ContentType,
  };
}

function destroyBody(out: GetObjectCommandOutput): void {
  const body = out.Body as { destroy?: () => void } | undefined;
  body?.destroy?.();
}
