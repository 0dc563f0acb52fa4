// Asks the gateway's own hospital peer whether the caller may have the object: the
// RecordGateway queries, evaluated with the gateway's service identity (role=gateway).
// The chaincode decides; this only turns its refusal into the gateway's answer.
import type { Contract } from '@hyperledger/fabric-gateway';
import type { GatewayDecision } from '../../chaincode/src/model/gateway-decision';
import { chaincodeRefusal } from '../main/ledger/errors';
import { companionKey, isObjectKey } from '../main/storage/keys';
import type { PresignRequest } from '../shared/gateway/protocol';
import { GatewayRefused } from './refusal';

export type { GatewayDecision };

const STATUS_OF: Record<string, number> = {
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_ARGUMENT: 400,
  CONFLICT: 409,
};

/** The record's own object a key belongs to: the key itself, or the key a companion sits beside. */
function recordObjectKey(key: string): string {
  return key.replace(/\.[a-z]{1,16}$/, '');
}

export async function authorize(
  contract: Contract,
  bucket: string,
  request: PresignRequest,
  certificatePem: string,
): Promise<GatewayDecision> {
  if (!isObjectKey(request.objectKey)) {
    throw new GatewayRefused(
      400,
      'malformed-request',
      `"${request.objectKey}" is not a record object key of this bucket.`,
    );
  }
  // The one companion a record has is its key envelopes; nothing else is handed out.
  const base = recordObjectKey(request.objectKey);
  if (base !== request.objectKey && companionKey(base, 'keys') !== request.objectKey) {
    throw new GatewayRefused(
      400,
      'malformed-request',
      `"${request.objectKey}" is not a record object or its key envelopes.`,
    );
  }
  const pointer = `s3://${bucket}/${request.objectKey}`;
  const basePointer = `s3://${bucket}/${base}`;
  try {
    const answer =
      // The emergency key is asked for a record's envelopes: reading them is the rule.
      request.operation === 'read' || request.operation === 'emergency-key'
        ? await contract.evaluateTransaction(
            'RecordGateway:authorizeRead',
            certificatePem,
            request.patientId,
            pointer,
            basePointer,
          )
        : await contract.evaluateTransaction(
            'RecordGateway:authorizeWrite',
            certificatePem,
            request.patientId,
            request.category ?? '',
            pointer,
            basePointer,
          );
    return JSON.parse(Buffer.from(answer).toString('utf8')) as GatewayDecision;
  } catch (error) {
    const refusal = chaincodeRefusal(error);
    if (refusal)
      throw new GatewayRefused(
        STATUS_OF[refusal.code] ?? 400,
        refusal.subject ?? refusal.code,
        refusal.message,
      );
    throw new GatewayRefused(
      503,
      'ledger-unreachable',
      `The hospital's ledger peer did not answer, so nothing can be handed out (${(error as Error).message.split('\n')[0]}).`,
    );
  }
}
