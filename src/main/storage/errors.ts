// What can go wrong with the record store, in words a clinician (or the hospital's IT desk)
// can act on. Raw SDK and socket errors never leave this module's callers: every failure is
// translated into a StorageError here, with the original kept as `cause` for the main
// process's log only.

export type StorageErrorCode =
  | 'NOT_FOUND' // no object under that key
  | 'ACCESS_DENIED' // credentials unknown, wrong secret, or not allowed on this bucket
  | 'BUCKET_MISSING' // the configured bucket does not exist on that service
  | 'UNREACHABLE' // nothing answered: connection refused/reset, DNS failure
  | 'TIMEOUT' // connected, but the service stopped answering
  | 'SERVER_ERROR' // the service kept failing (5xx, throttling) after every retry
  | 'CLOCK_SKEW' // the computer's clock is too far off for signed requests
  | 'CHANGED' // the object changed while it was being downloaded
  | 'INCOMPLETE' // the download ended before all bytes arrived
  | 'TOO_LARGE' // beyond what a multipart upload can carry
  | 'SOURCE_FAILED' // the data being uploaded could not be read (not the service's fault)
  | 'ABORTED' // cancelled by the caller
  | 'INVALID_SETTINGS' // endpoint, bucket, region or credentials malformed
  | 'INVALID_KEY' // an object key that is not one of ours (see keys.ts)
  | 'REJECTED'; // any other refusal by the service (4xx)

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown; attempts?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.attempts = options?.attempts ?? 1;
  }

  /** How many requests were made before giving up (1 = not retried). */
  readonly attempts: number;
}

export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return e instanceof StorageError && (code === undefined || e.code === code);
}
