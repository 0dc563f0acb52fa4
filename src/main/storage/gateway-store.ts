// Record storage through the owning hospital's record gateway: no bucket credentials on the
// workstation. Each operation first asks the gateway for a presigned URL for that one object
// (a card-signed request, decided on the hospital's peer), then talks to storage with that
// URL only. The scope (patient, and category for writes) is what the gateway's rule needs.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { requestEmergencyEnvelope, requestPresignedUrl } from '../gateway-client/presign';
import type { KeyEnvelope } from '../vault/envelope';
import type { RequestSigner } from '../gateway-client/sign-request';
import type { GatewayOperation } from '../../shared/gateway/protocol';
import { StorageError } from './errors';
import { isObjectKey } from './keys';
import { PROGRESS_STEP_BYTES, type ProgressListener } from './progress';
import { backoffDelay, sleep, type RetryPolicy } from './retry';

/** How often one download resumes after a dropped connection before it gives up. */
const MAX_RESUMES = 4;
const RESUME_BACKOFF: RetryPolicy = {
  maxAttempts: MAX_RESUMES + 1,
  baseDelayMs: 200,
  maxDelayMs: 3000,
};

/** A download that has started: the body streams, its size is what the storage announced. */
export interface Download {
  body: Readable;
  size: number;
  etag?: string;
}

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/**
 * The bytes of `source`, counted as they pass: reported at most every PROGRESS_STEP_BYTES and
 * at the end. A generator rather than a piped Transform, so an error of the source (the
 * vault's encryptor, a dropped connection) reaches the consumer instead of stalling it.
 */
async function* counted(
  source: AsyncIterable<Buffer>,
  key: string,
  total: number,
  onProgress: ProgressListener,
): AsyncGenerator<Buffer> {
  let loaded = 0;
  let reported = 0;
  for await (const chunk of source) {
    loaded += chunk.length;
    if (loaded - reported >= PROGRESS_STEP_BYTES) {
      reported = loaded;
      onProgress({ key, loaded, total });
    }
    yield chunk;
  }
  onProgress({ key, loaded, total });
}

export interface ObjectScope {
  patientId: string;
  /** Needed to write or delete: the write grant is per category. */
  category?: string;
}

export interface GatewayStoreOptions {
  /** The owning hospital's gateway, e.g. http://127.0.0.1:17080. */
  gatewayUrl: string;
  /** The bucket the gateway serves, as ledger pointers name it (s3://<bucket>/<key>). */
  bucket: string;
  signer: RequestSigner;
}

export class GatewayObjectStore {
  readonly bucket: string;
  readonly #options: GatewayStoreOptions;

  constructor(options: GatewayStoreOptions) {
    this.bucket = options.bucket;
    this.#options = options;
  }

  async #url(operation: GatewayOperation, key: string, scope: ObjectScope, signal?: AbortSignal) {
    if (!isObjectKey(key)) {
      throw new StorageError(
        'INVALID_KEY',
        'Refusing an object key that was not made by newObjectKey().',
      );
    }
    const request = {
      operation,
      patientId: scope.patientId,
      objectKey: key,
      ...(scope.category ? { category: scope.category } : {}),
    };
    return (
      await requestPresignedUrl(
        this.#options.gatewayUrl,
        request,
        this.#options.signer,
        signal ? { signal } : {},
      )
    ).url;
  }

  /**
   * Opens an object for reading once the gateway allowed it; the body streams. A dropped
   * connection mid-body is resumed: a fresh URL from the gateway (the disclosure is still
   * fresh), asking only for the remaining bytes (Range) of the same version (If-Match), so
   * a 200 MB study over a hospital uplink does not start over, and a changed object fails
   * as CHANGED rather than splicing two versions together.
   */
  async get(key: string, scope: ObjectScope, options: TransferOptions = {}): Promise<Download> {
    const res = await this.#fetchRead(key, scope, options.signal);
    const size = Number(res.headers.get('content-length') ?? 0);
    const etag = res.headers.get('etag') ?? undefined;
    const bytes = this.#resuming(res, key, scope, size, etag, options.signal);
    return {
      body: Readable.from(
        options.onProgress ? counted(bytes, key, size, options.onProgress) : bytes,
      ),
      size,
      ...(etag ? { etag } : {}),
    };
  }

  async #fetchRead(
    key: string,
    scope: ObjectScope,
    signal?: AbortSignal,
    from?: { offset: number; etag: string },
  ): Promise<Response> {
    const url = await this.#url('read', key, scope, signal);
    const res = await fetch(url, {
      signal,
      ...(from ? { headers: { range: `bytes=${from.offset}-`, 'if-match': from.etag } } : {}),
    });
    if (res.status === 404) {
      throw new StorageError('NOT_FOUND', 'The stored object is gone from the hospital’s storage.');
    }
    if (res.status === 412) {
      throw new StorageError(
        'CHANGED',
        'The stored record changed while it was being downloaded; nothing of it is used. Open it again.',
      );
    }
    if (!res.ok || !res.body || (from && res.status !== 206)) {
      throw new StorageError(
        'REJECTED',
        `The hospital’s storage refused the download (${res.status}).`,
      );
    }
    return res;
  }

  async *#resuming(
    first: Response,
    key: string,
    scope: ObjectScope,
    size: number,
    etag: string | undefined,
    signal?: AbortSignal,
  ): AsyncGenerator<Buffer> {
    let res = first;
    let received = 0;
    for (let resumes = 0; ; resumes++) {
      try {
        for await (const chunk of Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)) {
          received += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        if (received >= size) return;
        throw new Error(`the connection closed after ${received} of ${size} bytes`);
      } catch (error) {
        if (signal?.aborted || error instanceof StorageError) throw error;
        if (!etag || resumes >= MAX_RESUMES) {
          throw new StorageError(
            'INCOMPLETE',
            `The download from the hospital’s storage broke off after ${received} of ${size} bytes (${(error as Error).message}).`,
          );
        }
        await sleep(backoffDelay(RESUME_BACKOFF, resumes), signal);
        res = await this.#fetchRead(key, scope, signal, { offset: received, etag });
      }
    }
  }

  /**
   * Stores `body` under `key` once the gateway allowed it. A stream needs its exact length:
   * a presigned PUT carries no streaming signature, so the storage service asks for a
   * Content-Length (MinIO answers 411 without one); the vault knows the sealed size upfront.
   */
  async put(
    key: string,
    body: Buffer | { stream: AsyncIterable<Buffer>; size: number },
    scope: ObjectScope,
    options: TransferOptions = {},
  ): Promise<void> {
    const url = await this.#url('write', key, scope, options.signal);
    let init: RequestInit & { duplex?: 'half' };
    if (Buffer.isBuffer(body)) {
      init = { method: 'PUT', body: body as unknown as BodyInit, signal: options.signal };
    } else {
      const bytes = options.onProgress
        ? counted(body.stream, key, body.size, options.onProgress)
        : body.stream;
      init = {
        method: 'PUT',
        body: Readable.toWeb(Readable.from(bytes)) as unknown as BodyInit,
        headers: { 'content-length': String(body.size) },
        // The stream goes up as it is produced, not buffered whole in memory.
        duplex: 'half',
        signal: options.signal,
      };
    }
    const res = await fetch(url, init);
    if (!res.ok) {
      throw new StorageError(
        'REJECTED',
        `The hospital’s storage refused the upload (${res.status}).`,
      );
    }
  }

  /**
   * Under break-glass: the data key of the record whose envelopes are `envelopeKey`, wrapped
   * by the gateway for this card from the hospital's emergency envelope.
   */
  async emergencyEnvelope(
    envelopeKey: string,
    scope: ObjectScope,
    options: { signal?: AbortSignal } = {},
  ): Promise<KeyEnvelope> {
    const answer = await requestEmergencyEnvelope(
      this.#options.gatewayUrl,
      { patientId: scope.patientId, objectKey: envelopeKey },
      this.#options.signer,
      options,
    );
    return answer.envelope as KeyEnvelope;
  }

  /** Deletes an object once the gateway allowed it (a missing object is no error). */
  async delete(
    key: string,
    scope: ObjectScope,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const url = await this.#url('delete', key, scope, options.signal);
    const res = await fetch(url, { method: 'DELETE', signal: options.signal });
    if (!res.ok && res.status !== 404) {
      throw new StorageError(
        'REJECTED',
        `The hospital’s storage refused the deletion (${res.status}).`,
      );
    }
  }
}
