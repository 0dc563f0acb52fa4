// Streaming upload: one PutObject for small objects, a multipart upload for the rest.
//
// Why our own multipart loop rather than lib-storage's Upload: a part that fails transiently is
// retried on its own (Upload fails the whole object on one bad part unless the SDK's retries,
// which we switch off, cover it); the concurrency bound is also the memory bound; progress
// counts bytes the service has acknowledged, not bytes handed to a socket; and on any failure
// the multipart upload is aborted only after every part in flight has settled, so no part
// lands after the abort and nothing half-written stays in the bucket.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StorageError } from './errors';
import { PartReader, type ByteSource } from './parts';
import type { ProgressListener } from './progress';
import { withRetry, type RetryEvent } from './retry';
import { MAX_PARTS, MAX_PART_BYTES, type StorageTuning } from './settings';

export interface UploadContext {
  client: S3Client;
  bucket: string;
  endpoint: string;
  tuning: StorageTuning;
  onRetry?: (e: RetryEvent) => void;
}

export interface UploadOptions {
  /** When known: reported as the progress total, used to size parts, and checked at the end. */
  contentLength?: number;
  contentType?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface UploadResult {
  key: string;
  size: number;
  etag?: string;
  /** 0 for a single PutObject. */
  parts: number;
}

const MiB = 1024 * 1024;

/** Part size for an object of `length` bytes: the tuned size, grown so it fits in 10,000 parts. */
export function partSizeFor(tuned: number, length: number | undefined): number {
  if (length === undefined) return tuned;
  const needed = Math.ceil(Math.ceil(length / MAX_PARTS) / MiB) * MiB;
  return Math.min(MAX_PART_BYTES, Math.max(tuned, needed));
}

export async function uploadStream(
  ctx: UploadContext,
  key: string,
  source: ByteSource,
  opts: UploadOptions = {},
): Promise<UploadResult> {
  const total = opts.contentLength;
  if (total !== undefined && !(Number.isSafeInteger(total) && total >= 0)) {
    throw new StorageError('SOURCE_FAILED', `Invalid content length ${total}.`);
  }
  const partSize = partSizeFor(ctx.tuning.partSizeBytes, total);
  if (total !== undefined && total > partSize * MAX_PARTS) {
    throw new StorageError('TOO_LARGE', `An object of ${total} bytes is too large to store.`);
  }
  const reader = new PartReader(source, partSize);
  const fail = { action: 'upload', bucket: ctx.bucket, endpoint: ctx.endpoint, key };
  const retryOpts = { signal: opts.signal, onRetry: ctx.onRetry };
  const contentType = opts.contentType ?? 'application/octet-stream';
  const progress = (loaded: number) => opts.onProgress?.({ key, loaded, total });

  const checkLength = (read: number) => {
    if (total !== undefined && read !== total) {
      throw new StorageError(
        'SOURCE_FAILED',
        `The data to upload was ${read} bytes long, not the announced ${total}; nothing was stored.`,
      );
    }
  };

  let first;
  try {
    progress(0);
    first = await reader.next();
    if (!first || first.last) {
      // Small object: one request, nothing to clean up if it fails.
      const body = first?.data ?? Buffer.alloc(0);
      checkLength(body.length);
      const out = await withRetry(
        () =>
          ctx.client.send(
            new PutObjectCommand({
              Bucket: ctx.bucket,
              Key: key,
              Body: body,
              ContentLength: body.length,
              ContentType: contentType,
            }),
            { abortSignal: opts.signal },
          ),
        fail,
        ctx.tuning.retry,
        retryOpts,
      );
      opts.onProgress?.({ key, loaded: body.length, total: body.length });
      return { key, size: body.length, etag: out.ETag, parts: 0 };
    }
  } catch (e) {
    await reader.close();
    throw e;
  }

  const created = await withRetry(
    () =>
      ctx.client.send(
        new CreateMultipartUploadCommand({
          Bucket: ctx.bucket,
          Key: key,
          ContentType: contentType,
        }),
        { abortSignal: opts.signal },
      ),
    fail,
    ctx.tuning.retry,
    retryOpts,
  ).catch(async (e: unknown) => {
    await reader.close();
    throw e;
  });
  const uploadId = created.UploadId;
  if (!uploadId) {
    await reader.close();
    throw new StorageError('REJECTED', 'The storage service did not start the upload.');
  }

  // Cancels sibling parts once one has failed (or the caller aborts).
  const stop = new AbortController();
  const onCallerAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const inflight = new Set<Promise<void>>();
  const done: CompletedPart[] = [];
  let failure: unknown;
  let loaded = 0;

  const sendPart = (partNumber: number, data: Buffer) =>
    withRetry(
      () =>
        ctx.client.send(
          new UploadPartCommand({
            Bucket: ctx.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: data,
            ContentLength: data.length,
          }),
          { abortSignal: stop.signal },
        ),
      fail,
      ctx.tuning.retry,
      { signal: stop.signal, onRetry: ctx.onRetry },
    ).then(
      (out) => {
        done.push({ PartNumber: partNumber, ETag: out.ETag });
        loaded += data.length;
        progress(loaded);
      },
      (e: unknown) => {
        // The first failure is the one to report; later ones are its consequences.
        failure ??= e;
        stop.abort();
      },
    );

  try {
    let part = first;
    let partNumber = 0;
    for (;;) {
      partNumber++;
      if (partNumber > MAX_PARTS) {
        throw new StorageError('TOO_LARGE', 'The data is too large to store as one object.');
      }
      const p = sendPart(partNumber, part.data);
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      if (inflight.size >= ctx.tuning.queueSize) await Promise.race(inflight);
      if (failure !== undefined) break;
      if (opts.signal?.aborted) throw abortedError();
      if (part.last) break;
      const next = await reader.next();
      if (!next) break;
      part = next;
    }
    await Promise.all(inflight);
    if (failure !== undefined) throw failure;
    if (opts.signal?.aborted) throw abortedError();
    checkLength(reader.bytesRead);

    done.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const out = await withRetry(
      async (attempt) => {
        try {
          return await ctx.client.send(
            new CompleteMultipartUploadCommand({
              Bucket: ctx.bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: done },
            }),
            { abortSignal: opts.signal },
          );
        } catch (e) {
          // A retried Complete whose first try did reach the service finds the upload gone:
          // the object exists if and only if that first try succeeded.
          if (attempt > 1 && (e as { name?: string }).name === 'NoSuchUpload') {
            const head = await ctx.client.send(
              new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }),
            );
            if (head.ContentLength === loaded) return { ETag: head.ETag };
          }
          throw e;
        }
      },
      fail,
      ctx.tuning.retry,
      retryOpts,
    );
    // The last event always carries the total, known up front or not.
    opts.onProgress?.({ key, loaded, total: loaded });
    return { key, size: loaded, etag: out.ETag, parts: done.length };
  } catch (e) {
    stop.abort();
    await Promise.allSettled(inflight);
    await reader.close();
    await abortUpload(ctx, key, uploadId);
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onCallerAbort);
  }
}

function abortedError(): StorageError {
  return new StorageError('ABORTED', 'The upload was cancelled; nothing was stored.');
}

/**
 * Best effort: if even this fails (the service is down), the parts stay invisible (no object
 * exists under the key) until the bucket's lifecycle rule for incomplete multipart uploads
 * removes them. It runs without the caller's signal: a cancelled upload must still be cleaned up.
 */
async function abortUpload(ctx: UploadContext, key: string, uploadId: string): Promise<void> {
  try {
    await withRetry(
      () =>
        ctx.client.send(
          new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }),
        ),
      { action: 'clean-up of a failed upload', bucket: ctx.bucket, endpoint: ctx.endpoint, key },
      { ...ctx.tuning.retry, maxAttempts: Math.min(ctx.tuning.retry.maxAttempts, 3) },
      { onRetry: ctx.onRetry },
    );
  } catch {
    // Reported through the original failure; see above.
  }
}
