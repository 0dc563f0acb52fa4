// Asks a hospital's record gateway for a presigned URL to one object, in a request signed by
// the card, and turns its refusals into the error spine's codes with a sentence a clinician
// can act on (the gateway's own rule and message stay in `cause` for the log).
import { EhrError } from '../errors';
import {
  PRESIGN_PATH,
  type EmergencyKeyAnswer,
  type GatewayRefusal,
  type PresignAnswer,
  type PresignRequest,
} from '../../shared/gateway/protocol';
import type { ErrorCode } from '../../shared/ipc/errors';
import { signPresignRequest, type RequestSigner } from './sign-request';

const GAVE_NOTHING = 'The hospital’s record gateway handed out nothing:';

const SENTENCES: Record<string, [ErrorCode, string]> = {
  'download-disclosure': [
    'LEDGER_REFUSED',
    `${GAVE_NOTHING} your download of this record is not recorded on the ledger (every download must be). Open the record again.`,
  ],
  'caregiver-read-grant': [
    'LEDGER_REFUSED',
    `${GAVE_NOTHING} you have no read access in force for this record’s category.`,
  ],
  'caregiver-write-grant': [
    'LEDGER_REFUSED',
    `${GAVE_NOTHING} you have no write access in force for this category of the patient.`,
  ],
  'registered-object': [
    'LEDGER_REFUSED',
    `${GAVE_NOTHING} only the patient may change the stored objects of a registered record.`,
  ],
  'patient-own-records': [
    'LEDGER_REFUSED',
    `${GAVE_NOTHING} a patient reaches only his own records.`,
  ],
  'revoked-user': ['LEDGER_REFUSED', `${GAVE_NOTHING} your hospital has revoked this card.`],
  'registered-user': [
    'LEDGER_REFUSED',
    `${GAVE_NOTHING} this card is not registered in the ledger’s directory.`,
  ],
  'request-expired': [
    'STORAGE_DENIED',
    `${GAVE_NOTHING} this computer’s clock is too far from the gateway’s. Ask your hospital IT to check the time.`,
  ],
  'break-glass-disclosure': [
    'LEDGER_REFUSED',
    `${GAVE_NOTHING} the emergency key opens only records opened under break-glass.`,
  ],
  'no-emergency-envelope': [
    'RECORD_NOT_SHARED',
    'Your emergency opening is recorded on the ledger, but this record was stored without an emergency key of its hospital, so it cannot be decrypted here.',
  ],
  'no-emergency-key': [
    'RECORD_NOT_SHARED',
    'Your emergency opening is recorded on the ledger, but the record’s hospital keeps no emergency key, so it cannot be decrypted here.',
  ],
  'ledger-unreachable': [
    'LEDGER_UNAVAILABLE',
    `${GAVE_NOTHING} it cannot reach its hospital’s ledger peer to check your access. Try again in a moment.`,
  ],
};

const NOT_VERIFIED: [ErrorCode, string] = [
  'STORAGE_DENIED',
  `${GAVE_NOTHING} it could not verify the request your card signed. Ask your hospital IT.`,
];

export class GatewayRefusedError extends EhrError {
  constructor(
    code: ErrorCode,
    message: string,
    /** The gateway's rule, e.g. download-disclosure. */
    readonly rule: string,
    readonly status: number,
  ) {
    super(code, message);
  }
}

/** A presigned URL for one object (read, write or delete). */
export async function requestPresignedUrl(
  gatewayUrl: string,
  request: PresignRequest,
  signer: RequestSigner,
  options: { signal?: AbortSignal } = {},
): Promise<PresignAnswer> {
  const answer = await askGateway<PresignAnswer>(gatewayUrl, request, signer, options);
  if (!answer.url) throw unexpected(gatewayUrl);
  return answer;
}

/** Under break-glass: the record's data key wrapped for this card by the gateway (emergency-key). */
export async function requestEmergencyEnvelope(
  gatewayUrl: string,
  request: Omit<PresignRequest, 'operation'>,
  signer: RequestSigner,
  options: { signal?: AbortSignal } = {},
): Promise<EmergencyKeyAnswer> {
  const answer = await askGateway<EmergencyKeyAnswer>(
    gatewayUrl,
    { ...request, operation: 'emergency-key' },
    signer,
    options,
  );
  if (!answer.envelope) throw unexpected(gatewayUrl);
  return answer;
}

const unexpected = (gatewayUrl: string) =>
  new EhrError(
    'STORAGE_FAILED',
    `${GAVE_NOTHING} ${gatewayUrl} answered something that is not a record gateway’s answer.`,
  );

async function askGateway<Answer>(
  gatewayUrl: string,
  request: PresignRequest,
  signer: RequestSigner,
  options: { signal?: AbortSignal },
): Promise<Answer> {
  const signed = await signPresignRequest(request, signer);
  let res: Response;
  try {
    res = await fetch(new URL(PRESIGN_PATH, gatewayUrl), {
      method: 'POST',
      body: signed.body,
      headers: signed.headers,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new EhrError(
      'STORAGE_UNAVAILABLE',
      `The hospital’s record gateway at ${gatewayUrl} does not answer, so nothing was fetched or stored. Try again, or ask your hospital IT.`,
    );
  }
  const answer = (await res.json().catch(() => null)) as (Answer & GatewayRefusal) | null;
  if (res.ok && answer) return answer;
  const rule = answer?.error?.rule ?? `http-${res.status}`;
  const [code, sentence] =
    SENTENCES[rule] ??
    (res.status === 401
      ? NOT_VERIFIED
      : [
          'STORAGE_FAILED',
          `${GAVE_NOTHING} ${answer?.error?.message ?? `it answered ${res.status}`}`,
        ]);
  throw new GatewayRefusedError(code, sentence, rule, res.status);
}
