// Signs a record-gateway request with the card: the canonical text of
// src/shared/gateway/protocol.ts, hashed here and signed on the card (the same signer that
// signs Fabric transactions), sent with the card's certificate.
import { createHash, randomBytes } from 'node:crypto';
import {
  GATEWAY_HEADERS,
  PRESIGN_PATH,
  canonicalRequest,
  type PresignRequest,
} from '../../shared/gateway/protocol';

export interface RequestSigner {
  certificatePem: string;
  /** ECDSA over a SHA-256 digest, DER (the card session's signDigest). */
  signDigest(digest: Uint8Array): Promise<Uint8Array>;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export async function signPresignRequest(
  request: PresignRequest,
  signer: RequestSigner,
  now: Date = new Date(),
): Promise<SignedRequest> {
  const body = JSON.stringify(request);
  const timestamp = now.toISOString();
  const nonce = randomBytes(16).toString('hex');
  const text = canonicalRequest({
    method: 'POST',
    path: PRESIGN_PATH,
    bodySha256Hex: sha256(body).toString('hex'),
    timestamp,
    nonce,
    operation: request.operation,
    patientId: request.patientId,
    objectKey: request.objectKey,
  });
  const signature = await signer.signDigest(sha256(text));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [GATEWAY_HEADERS.certificate]: Buffer.from(signer.certificatePem, 'utf8').toString('base64'),
      [GATEWAY_HEADERS.timestamp]: timestamp,
      [GATEWAY_HEADERS.nonce]: nonce,
      [GATEWAY_HEADERS.signature]: Buffer.from(signature).toString('base64'),
    },
  };
}
