// The record gateway's wire protocol, shared by the workstation (which signs requests with
// the card) and the gateway (which verifies them). Pure data and strings: hashing and
// signatures happen on each side with its own crypto.

/** The signed endpoint: a presigned URL for one stored object (or, for emergency-key, an envelope). */
export const PRESIGN_PATH = '/v1/presign';

/**
 * The public one (GET, unsigned): what the hospital's administrator publishes on the ledger
 * for this gateway — the bucket it serves and the public half of its emergency key.
 */
export const INFO_PATH = '/v1/info';

export interface GatewayInfo {
  service: 'action-ehr-record-gateway';
  bucket: string;
  /** SPKI PEM; null when the gateway holds no emergency key. */
  emergencyPublicKey: string | null;
}

export const GATEWAY_HEADERS = {
  /** The card's signing certificate, PEM, base64-encoded (headers carry no newlines). */
  certificate: 'x-ehr-certificate',
  /** ISO 8601 UTC time the request was signed. */
  timestamp: 'x-ehr-timestamp',
  /** 128 random bits, hex: the gateway refuses a nonce it has seen inside the time window. */
  nonce: 'x-ehr-nonce',
  /** ECDSA P-256 over SHA-256 of the canonical request, DER, base64. */
  signature: 'x-ehr-signature',
} as const;

/** How far a request's timestamp may be from the gateway's clock, either way. */
export const REQUEST_WINDOW_MS = 60_000;

/**
 * read / write / delete: a presigned URL for the object. emergency-key: for a record's key
 * envelopes (`<key>.keys`) under break-glass, the record's data key re-wrapped by the gateway
 * from its emergency envelope for the caller's own encryption key (EmergencyKeyAnswer).
 */
export type GatewayOperation = 'read' | 'write' | 'delete' | 'emergency-key';

/** The recipient id of a hospital gateway's emergency envelope in a record's `.keys`. */
export const emergencyRecipientId = (mspId: string) => `emergency:${mspId}`;

/** What a workstation asks for (the JSON body). */
export interface PresignRequest {
  operation: GatewayOperation;
  /** The patient whose record the object belongs to. */
  patientId: string;
  /** The object's key in the hospital's bucket (records/<hex>, or a companion like .keys). */
  objectKey: string;
  /** The record's category: required to write or delete (the write grant is per category). */
  category?: string;
}

/** The gateway's answer when the rule allows it. */
export interface PresignAnswer {
  url: string;
  method: 'GET' | 'PUT' | 'DELETE';
  expiresAt: string;
  /** The rule that allowed it, e.g. caregiver-disclosure. */
  rule: string;
}

/** The gateway's answer to emergency-key: an envelope of the record's data key for the caller. */
export interface EmergencyKeyAnswer {
  /** A KeyEnvelope (src/main/vault/envelope.ts) whose recipient is the caller. */
  envelope: unknown;
  rule: 'break-glass-disclosure';
}

/** Why a request was not answered; `rule` names the rule (403) or the fault. */
export interface GatewayRefusal {
  error: { status: number; rule: string; message: string };
}

/**
 * The exact text that is signed: a version tag, method, path, the body's SHA-256 (hex),
 * timestamp, nonce, and the object asked for (so a log line names what was signed).
 */
export function canonicalRequest(fields: {
  method: string;
  path: string;
  bodySha256Hex: string;
  timestamp: string;
  nonce: string;
  operation: string;
  patientId: string;
  objectKey: string;
}): string {
  return [
    'ACTION-EHR-GATEWAY-V1',
    fields.method.toUpperCase(),
    fields.path,
    fields.bodySha256Hex,
    fields.timestamp,
    fields.nonce,
    `${fields.operation} ${fields.patientId} ${fields.objectKey}`,
  ].join('\n');
}
