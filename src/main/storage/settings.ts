// Plain settings for the record store, checked before any client is built so that a typo in
// the settings screen is reported as such and not as a network failure later.
import { StorageError } from './errors';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';

export interface StorageSettings {
  /** The S3-compatible service, e.g. https://s3.hospital-a.example or http://127.0.0.1:9000. */
  endpoint: string;
  bucket: string;
  /** Most S3-compatible services ignore it but SigV4 signs it; MinIO's default is us-east-1. */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * true: https://host/bucket/key (MinIO, Ceph, most on-premises services and any endpoint
   * given as an IP address). false: https://bucket.host/key (AWS virtual-hosted style).
   */
  forcePathStyle: boolean;
}

/** Tuning with safe defaults; tests and the benchmark shorten or lengthen them. */
export interface StorageTuning {
  retry: RetryPolicy;
  /**
   * Size of each multipart part. 8 MiB: above S3's 5 MiB minimum, few enough requests for a
   * 200 MB study (25), small enough that a retried part re-sends little.
   */
  partSizeBytes: number;
  /** Parts in flight at once. Memory held is about (queueSize + 1) × partSizeBytes. */
  queueSize: number;
  /** Give up on a TCP connect after this long (then retry). */
  connectTimeoutMs: number;
  /** Give up when a connected socket is silent this long (then retry or resume). */
  idleTimeoutMs: number;
}

export const DEFAULT_TUNING: StorageTuning = {
  retry: DEFAULT_RETRY,
  partSizeBytes: 8 * 1024 * 1024,
  queueSize: 4,
  connectTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
};

/** S3's floor for every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's ceiling on parts per upload. */
export const MAX_PARTS = 10_000;
/** S3's ceiling on one part. */
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;

// S3 bucket naming rules (the subset every S3-compatible service accepts).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkSettings(s: StorageSettings): void {
  const bad = (what: string) =>
    new StorageError('INVALID_SETTINGS', `The storage settings are not usable: ${what}.`);
  let url: URL;
  try {
    url = new URL(s.endpoint);
  } catch {
    throw bad(`the endpoint "${s.endpoint}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw bad('the endpoint must start with https:// (or http:// for a local test service)');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw bad('the endpoint must be a bare address without a path, e.g. https://s3.example');
  }
  if (url.username || url.password) {
    throw bad('credentials belong in the access key fields, not in the endpoint');
  }
  if (!BUCKET.test(s.bucket) || s.bucket.includes('..')) {
    throw bad(
      `"${s.bucket}" is not a valid bucket name (3–63 lowercase letters, digits, dots, hyphens)`,
    );
  }
  if (!/^[a-z0-9-]{2,32}$/.test(s.region)) throw bad(`"${s.region}" is not a region name`);
  if (!s.accessKeyId) throw bad('the access key id is empty');
  if (!s.secretAccessKey) throw bad('the secret key is empty');
}

export function checkTuning(t: StorageTuning): void {
  const bad = (what: string) =>
    new StorageError('INVALID_SETTINGS', `Invalid storage tuning: ${what}.`);
  if (!(t.partSizeBytes >= MIN_PART_BYTES && t.partSizeBytes <= MAX_PART_BYTES)) {
    throw bad(`part size must be between ${MIN_PART_BYTES} and ${MAX_PART_BYTES} bytes`);
  }
  if (!(Number.isInteger(t.queueSize) && t.queueSize >= 1 && t.queueSize <= 32)) {
    throw bad('queue size must be 1–32');
  }
  if (!(
    Number.isInteger(t.retry.maxAttempts) &&
    t.retry.maxAttempts >= 1 &&
    t.retry.maxAttempts <= 10
  )) {
    throw bad('retry attempts must be 1–10');
  }
  if (!(t.retry.baseDelayMs >= 0 && t.retry.maxDelayMs >= t.retry.baseDelayMs)) {
    throw bad('retry delays must be non-negative with max ≥ base');
  }
}
