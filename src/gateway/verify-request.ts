// Checks a signed presign request before anything asks the ledger: the signature against
// the certificate sent, the certificate against the hospital CAs of the channel, the
// timestamp against the window, and the nonce against replays. Whether the certificate's
// user is in the directory and not revoked is the ledger's answer (RecordGateway queries).
import { createHash, verify, X509Certificate } from 'node:crypto';
import {
  GATEWAY_HEADERS,
  REQUEST_WINDOW_MS,
  canonicalRequest,
  type GatewayOperation,
  type PresignRequest,
} from '../shared/gateway/protocol';
import type { NonceCache } from './nonce-cache';
import { GatewayRefused } from './refusal';

/** A hospital CA of the channel: its MSP id and root certificate (the MSP's cacerts). */
export interface TrustedRoot {
  mspId: string;
  certificatePem: string;
}

export interface VerifiedRequest {
  request: PresignRequest;
  certificatePem: string;
  /** The MSP whose CA issued the caller's certificate. */
  issuerMspId: string;
}

const OPERATIONS: readonly GatewayOperation[] = ['read', 'write', 'delete', 'emergency-key'];

function header(headers: Record<string, string | string[] | undefined>, name: string): string {
  const value = headers[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new GatewayRefused(401, 'request-signature', `The request lacks the ${name} header.`);
  }
  return value;
}

function parseJson(body: string): Partial<PresignRequest> | null {
  try {
    return JSON.parse(body) as Partial<PresignRequest> | null;
  } catch {
    throw new GatewayRefused(400, 'malformed-request', 'The request body is not JSON.');
  }
}

/** Checked after the signature, so a changed body is reported as what it is: not signed. */
function checkBody(r: Partial<PresignRequest> | null): PresignRequest {
  if (
    !r ||
    typeof r !== 'object' ||
    !OPERATIONS.includes(r.operation as GatewayOperation) ||
    typeof r.patientId !== 'string' ||
    typeof r.objectKey !== 'string' ||
    (r.category !== undefined && typeof r.category !== 'string')
  ) {
    throw new GatewayRefused(
      400,
      'malformed-request',
      'The request must name an operation (read, write, delete or emergency-key), a patientId and an objectKey.',
    );
  }
  if ((r.operation === 'write' || r.operation === 'delete') && !r.category) {
    throw new GatewayRefused(
      400,
      'malformed-request',
      `To ${r.operation} an object the request must name its category.`,
    );
  }
  return r as PresignRequest;
}

function issuerOf(cert: X509Certificate, roots: readonly TrustedRoot[], now: Date): string {
  if (Date.parse(cert.validFrom) > now.getTime() || Date.parse(cert.validTo) < now.getTime()) {
    throw new GatewayRefused(
      401,
      'certificate-untrusted',
      `The card's certificate is not valid now (valid ${cert.validFrom} to ${cert.validTo}).`,
    );
  }
  for (const root of roots) {
    const ca = new X509Certificate(root.certificatePem);
    if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return root.mspId;
  }
  throw new GatewayRefused(
    401,
    'certificate-untrusted',
    "The card's certificate was not issued by a hospital CA of this channel.",
  );
}

export function verifyPresignRequest(
  input: {
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  },
  roots: readonly TrustedRoot[],
  nonces: NonceCache,
  now: Date = new Date(),
): VerifiedRequest {
  const certificatePem = Buffer.from(
    header(input.headers, GATEWAY_HEADERS.certificate),
    'base64',
  ).toString('utf8');
  const timestamp = header(input.headers, GATEWAY_HEADERS.timestamp);
  const nonce = header(input.headers, GATEWAY_HEADERS.nonce);
  const signature = Buffer.from(header(input.headers, GATEWAY_HEADERS.signature), 'base64');
  const claimed = parseJson(input.body);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');

  const signedAt = Date.parse(timestamp);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(timestamp) || Number.isNaN(signedAt)) {
    throw new GatewayRefused(
      401,
      'request-expired',
      `The request's timestamp "${timestamp}" is not an ISO UTC time.`,
    );
  }
  if (Math.abs(now.getTime() - signedAt) > REQUEST_WINDOW_MS) {
    throw new GatewayRefused(
      401,
      'request-expired',
      `The request was signed at ${timestamp}, more than ${REQUEST_WINDOW_MS / 1000} s from the gateway's time ${now.toISOString()}.`,
    );
  }
  if (!/^[0-9a-f]{32}$/.test(nonce)) {
    throw new GatewayRefused(
      401,
      'request-signature',
      'The request nonce must be 32 hex characters.',
    );
  }

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch {
    throw new GatewayRefused(
      401,
      'certificate-untrusted',
      'The certificate sent is not an X.509 certificate.',
    );
  }
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    bodySha256Hex: createHash('sha256').update(input.body, 'utf8').digest('hex'),
    timestamp,
    nonce,
    operation: text(claimed?.operation),
    patientId: text(claimed?.patientId),
    objectKey: text(claimed?.objectKey),
  });
  let valid = false;
  try {
    valid = verify(
      'sha256',
      Buffer.from(canonical, 'utf8'),
      { key: cert.publicKey, dsaEncoding: 'der' },
      signature,
    );
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new GatewayRefused(
      401,
      'request-signature',
      "The request's signature does not match the card's certificate.",
    );
  }
  const request = checkBody(claimed);
  const issuerMspId = issuerOf(cert, roots, now);
  // Claimed only once the signature is good: nobody can burn another card's nonces.
  if (!nonces.claim(nonce, signedAt + REQUEST_WINDOW_MS, now.getTime())) {
    throw new GatewayRefused(
      401,
      'request-replayed',
      'This signed request was already used once; a replay gets nothing.',
    );
  }
  return { request, certificatePem, issuerMspId };
}
