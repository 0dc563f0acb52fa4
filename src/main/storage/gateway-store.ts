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
import type { Download } from './download';
import { isObjectKey } from './keys';
import { PROGRESS_STEP_BYTES, type ProgressListener } from './progress';

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

  /** Opens an object for reading once the gateway allowed it; the body streams. */
  async get(key: string, scope: ObjectScope, options: TransferOptions = {}): Promise<Download> {
    const url = await this.#url('read', key, scope, options.signal);
    const res = await fetch(url, { signal: options.signal });
    if (res.status === 404) {
      throw new StorageError('NOT_FOUND', 'The stored object is gone from the hospital’s storage.');
    }
    if (!res.ok || !res.body) {
      throw new StorageError(
        'REJECTED',
        `The hospital’s storage refused the download (${res.status}).`,
      );
    }
    const size = Number(res.headers.get('content-length') ?? 0);
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>, {
      signal: options.signal,
    });
    return {
      body: options.onProgress ? Readable.from(counted(body, key, size, options.onProgress)) : body,
      size,
    };
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
    const stream = Buffer.isBuffer(body)
      ? null
      : Readable.from(
          options.onProgress
            ? counted(body.stream, key, body.size, options.onProgress)
            : body.stream,
        );
    const init: RequestInit & { duplex?: 'half' } = Buffer.isBuffer(body)
      ? { method: 'PUT', body: body as unknown as BodyInit, signal: options.signal }
      : {
          method: 'PUT',
          body: Readable.toWeb(stream!) as unknown as BodyInit,
          headers: { 'content-length': String(body.size) },
          // The stream goes up as it is produced, not buffered whole in memory.
          duplex: 'half',
          signal: options.signal,
        };
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
