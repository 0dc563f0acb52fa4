// The record store: encrypted records in and out of the hospital's S3-compatible service.
//
// It stores opaque bytes: the vault has already encrypted them and computed the hash that goes
// on the ledger, so nothing here needs (or gets) to know what a record is or whose it is.
// Every method throws only StorageError (see errors.ts).
import {
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { createS3Client } from './client';
import { StorageError } from './errors';
import { openDownload, type Download, type DownloadOptions } from './download';
import { isObjectKey, newObjectKey } from './keys';
import type { ByteSource } from './parts';
import { withRetry, type RetryEvent } from './retry';
import {
  DEFAULT_TUNING,
  checkSettings,
  checkTuning,
  type StorageSettings,
  type StorageTuning,
} from './settings';
import { uploadStream, type UploadOptions, type UploadResult } from './upload';

export interface ObjectInfo {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

export interface ObjectStoreOptions {
  tuning?: Partial<StorageTuning>;
  /** Called before each retry, e.g. to log "storage slow, retrying". */
  onRetry?: (e: RetryEvent) => void;
}

export class ObjectStore {
  private readonly client: S3Client;
  readonly bucket: string;
  readonly endpoint: string;
  private readonly tuning: StorageTuning;
  private readonly onRetry?: (e: RetryEvent) => void;

  constructor(settings: StorageSettings, options: ObjectStoreOptions = {}) {
    checkSettings(settings);
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    checkTuning(this.tuning);
    this.bucket = settings.bucket;
    this.endpoint = settings.endpoint;
    this.onRetry = options.onRetry;
    this.client = createS3Client(settings, this.tuning);
  }

  private get ctx() {
    return {
      client: this.client,
      bucket: this.bucket,
      endpoint: this.endpoint,
      tuning: this.tuning,
      onRetry: this.onRetry,
    };
  }

  private fail(action: string, key?: string) {
    return { action, bucket: this.bucket, endpoint: this.endpoint, key };
  }

  /**
   * Stores the bytes of `source` (a Readable, any iterable of Buffers of unknown length, or a Buffer)
   * under a new random key (or `options.key`, which must itself be one from newObjectKey()).
   * Resolves once the object is complete and visible; on failure nothing is left under the key.
   */
  async put(
    source: ByteSource,
    options: UploadOptions & { key?: string } = {},
  ): Promise<UploadResult> {
    const key = options.key ?? newObjectKey();
    assertKey(key);
    return uploadStream(this.ctx, key, source, options);
  }

  /**
   * Opens a record for reading. Resolves once the service has answered (so NOT_FOUND,
   * ACCESS_DENIED, … are thrown here, not from the stream); the body then streams with
   * backpressure and resumes by itself after a dropped connection.
   */
  async get(key: string, options: DownloadOptions = {}): Promise<Download> {
    assertKey(key);
    return openDownload(this.ctx, key, options);
  }

  /** Convenience for callers that want the Readable only. */
  async getStream(key: string, options: DownloadOptions = {}): Promise<Readable> {
    return (await this.get(key, options)).body;
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectInfo> {
    assertKey(key);
    try {
      const out = await this.retry(
        () =>
          this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), {
            abortSignal: options.signal,
          }),
        this.fail('check', key),
        options.signal,
      );
      return { key, size: out.ContentLength ?? 0, etag: out.ETag, lastModified: out.LastModified };
    } catch (e) {
      // HEAD answers carry no error body, so "no such key" and "no such bucket" both arrive as
      // a bare 404. Ask about the bucket to tell the person which one it is.
      if (e instanceof StorageError && e.code === 'NOT_FOUND') await this.checkBucket(options);
      throw e;
    }
  }

  /** Deletes a record. Deleting a key that does not exist succeeds (S3 semantics). */
  async delete(key: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertKey(key);
    await this.retry(
      () =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), {
          abortSignal: options.signal,
        }),
      this.fail('delete', key),
      options.signal,
    );
  }

  /** Checks that the service answers, the credentials work and the bucket exists. */
  async checkBucket(options: { signal?: AbortSignal } = {}): Promise<void> {
    try {
      await this.retry(
        () =>
          this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
            abortSignal: options.signal,
          }),
        this.fail('connection check'),
        options.signal,
      );
    } catch (e) {
      if (e instanceof StorageError && e.code === 'NOT_FOUND') {
        throw new StorageError(
          'BUCKET_MISSING',
          `The bucket "${this.bucket}" does not exist at ${this.endpoint}. Check the bucket name in the settings.`,
          { cause: e.cause, attempts: e.attempts },
        );
      }
      throw e;
    }
  }

  /** Closes pooled connections. */
  close(): void {
    this.client.destroy();
  }

  private retry<T>(
    fn: () => Promise<T>,
    ctx: ReturnType<ObjectStore['fail']>,
    signal?: AbortSignal,
  ): Promise<T> {
    return withRetry(fn, ctx, this.tuning.retry, { signal, onRetry: this.onRetry });
  }
}

function assertKey(key: string): void {
  if (!isObjectKey(key)) {
    throw new StorageError(
      'INVALID_KEY',
      'Refusing an object key that was not made by newObjectKey(): keys must not carry any data.',
    );
  }
}
