// Turns whatever the S3 SDK or the socket threw into (a) whether trying again can help and
// (b) the StorageError a person reads. Kept apart from the store so the rules can be read
// (and tested) in one place.
//
// Transient, worth retrying: 5xx, throttling (429, SlowDown), S3's own "RequestTimeout" (400),
// connection refused/reset, timeouts, a socket that hung up mid-answer. A service restarting
// or a congested hospital uplink looks exactly like this, and it passes.
// Never retried: every other 4xx. NoSuchKey, AccessDenied, a wrong secret or a missing bucket
// will be just as wrong a second later, and hammering a service with bad credentials only
// gets the workstation's address blocked.
import { StorageError, type StorageErrorCode } from './errors';

export interface FailureContext {
  /** What we were doing, for the message: 'upload', 'download', 'check', 'delete'. */
  action: string;
  bucket: string;
  endpoint: string;
  key?: string;
}

export interface Classified {
  transient: boolean;
  /** The final error to throw if no retry is left (or none is allowed). */
  toError: (attempts: number) => StorageError;
}

const NETWORK_TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);

const THROTTLING = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'XMinioServerNotInitialized', // MinIO while it is still starting
]);

const ACCESS = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'Forbidden',
  'InvalidToken',
  'ExpiredToken',
  'AllAccessDisabled',
]);

interface ErrorFacts {
  name: string;
  status?: number;
  netCode?: string;
  message: string;
}

function facts(e: unknown): ErrorFacts {
  const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
  const meta = o.$metadata as { httpStatusCode?: number } | undefined;
  const name = typeof o.name === 'string' ? o.name : 'Error';
  const message = typeof o.message === 'string' ? o.message : String(e);
  let netCode = typeof o.code === 'string' ? o.code : undefined;
  // Node's happy-eyeballs connect (localhost → ::1 and 127.0.0.1) fails with an AggregateError
  // whose members carry the codes.
  if (!netCode && Array.isArray(o.errors)) {
    for (const inner of o.errors as unknown[]) {
      const c = (inner as { code?: unknown } | null)?.code;
      if (typeof c === 'string') {
        netCode = c;
        break;
      }
    }
  }
  return { name, status: meta?.httpStatusCode, netCode, message };
}

function where(ctx: FailureContext): string {
  return ctx.key ? `record ${ctx.key} in bucket "${ctx.bucket}"` : `bucket "${ctx.bucket}"`;
}

export function classify(e: unknown, ctx: FailureContext): Classified {
  if (e instanceof StorageError) return { transient: false, toError: () => e };
  const f = facts(e);
  const make =
    (code: StorageErrorCode, message: string) =>
    (attempts: number): StorageError =>
      new StorageError(code, message, { cause: e, attempts });
  const tries = (n: number) => (n > 1 ? ` (tried ${n} times)` : '');

  if (f.name === 'AbortError') {
    return { transient: false, toError: make('ABORTED', `The ${ctx.action} was cancelled.`) };
  }

  // No HTTP answer at all: a network-level failure.
  if (f.status === undefined) {
    // The SDK names every socket failure "TimeoutError" (a reset included), so the socket's
    // own code decides; the name counts only when there is no code.
    if (
      f.netCode === 'ETIMEDOUT' ||
      /timed? ?out/i.test(f.message) ||
      (f.name === 'TimeoutError' && !f.netCode)
    ) {
      return {
        transient: true,
        toError: (n) =>
          make(
            'TIMEOUT',
            `The storage service at ${ctx.endpoint} stopped answering during the ${ctx.action}${tries(n)}. Check the network connection and try again.`,
          )(n),
      };
    }
    if (f.netCode === 'ENOTFOUND') {
      return {
        transient: false,
        toError: make(
          'UNREACHABLE',
          `The storage service's host name in ${ctx.endpoint} could not be found. Check the storage endpoint in the settings.`,
        ),
      };
    }
    if (
      (f.netCode && NETWORK_TRANSIENT.has(f.netCode)) ||
      /socket hang up|other side closed|premature close/i.test(f.message)
    ) {
      return {
        transient: true,
        toError: (n) =>
          make(
            'UNREACHABLE',
            `The storage service at ${ctx.endpoint} could not be reached during the ${ctx.action}${tries(n)}. Check the network connection, or ask IT whether the service is running.`,
          )(n),
      };
    }
  }

  const status = f.status ?? 0;
  if (THROTTLING.has(f.name) || status === 429 || status >= 500 || f.name === 'RequestTimeout') {
    return {
      transient: true,
      toError: (n) =>
        make(
          'SERVER_ERROR',
          `The storage service at ${ctx.endpoint} kept failing during the ${ctx.action}${tries(n)} (${f.name}${status ? `, HTTP ${status}` : ''}). Try again later; if it persists, tell IT.`,
        )(n),
    };
  }
  if (f.name === 'NoSuchBucket') {
    return {
      transient: false,
      toError: make(
        'BUCKET_MISSING',
        `The bucket "${ctx.bucket}" does not exist at ${ctx.endpoint}. Check the bucket name in the settings.`,
      ),
    };
  }
  if (f.name === 'NoSuchKey' || f.name === 'NotFound' || status === 404) {
    return {
      transient: false,
      toError: make('NOT_FOUND', `The ${where(ctx)} does not exist (it may have been deleted).`),
    };
  }
  if (f.name === 'RequestTimeTooSkewed') {
    return {
      transient: false,
      toError: make(
        'CLOCK_SKEW',
        "The storage service refused the request because this computer's clock is wrong. Correct the date and time, then try again.",
      ),
    };
  }
  if (ACCESS.has(f.name) || status === 403 || status === 401) {
    const detail =
      f.name === 'InvalidAccessKeyId'
        ? 'the access key id is unknown to it'
        : f.name === 'SignatureDoesNotMatch'
          ? 'the secret key does not match the access key id'
          : 'these credentials may not do this here';
    return {
      transient: false,
      toError: make(
        'ACCESS_DENIED',
        `The storage service refused access to ${where(ctx)}: ${detail}. Check the storage credentials in the settings.`,
      ),
    };
  }
  if (f.name === 'PreconditionFailed' || status === 412) {
    return {
      transient: false,
      toError: make(
        'CHANGED',
        `The ${where(ctx)} changed while it was being downloaded. Download it again.`,
      ),
    };
  }
  if (
    f.name === 'InvalidBucketName' ||
    f.name === 'AuthorizationHeaderMalformed' ||
    f.name === 'PermanentRedirect' ||
    status === 301
  ) {
    return {
      transient: false,
      toError: make(
        'INVALID_SETTINGS',
        `The storage service rejected the bucket or region settings (${f.name}). Check the bucket name and region in the settings.`,
      ),
    };
  }
  if (f.status === undefined) {
    // Not an HTTP answer and not a known network failure: most likely a bug on our side.
    return {
      transient: false,
      toError: make('REJECTED', `The ${ctx.action} failed: ${f.message}`),
    };
  }
  return {
    transient: false,
    toError: make(
      'REJECTED',
      `The storage service refused the ${ctx.action} of ${where(ctx)} (${f.name}, HTTP ${status}).`,
    ),
  };
}
