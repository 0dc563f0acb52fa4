import { createPublicKey, type KeyObject } from 'node:crypto';
import { invalidArgument } from '../errors';
import { requireString } from './primitives';

import type { EncryptionKeyType } from '../model/user';

export type { EncryptionKeyType };

export interface EncryptionPublicKey {
  /** Re-exported SPKI PEM, so the stored bytes do not depend on the client's line endings. */
  pem: string;
  type: EncryptionKeyType;
  /** Modulus length for RSA, 256 for P-256. */
  bits: number;
}

const MIN_RSA_BITS = 2048;
const MAX_PEM_LENGTH = 4096;

/**
 * The key others use to wrap data keys for this user (RSA-OAEP or ECDH on P-256). Anything
 * else would leave senders unable to wrap, so it is refused at registration.
 */
export function parseEncryptionPublicKey(field: string, value: unknown): EncryptionPublicKey {
  const text = requireString(field, value);
  if (text.length > MAX_PEM_LENGTH)
    throw invalidArgument(field, `must be at most ${MAX_PEM_LENGTH} characters`);
  if (
    !/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/.test(text)
  ) {
    throw invalidArgument(
      field,
      'must be a single SPKI public key in PEM ("-----BEGIN PUBLIC KEY-----")',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw invalidArgument(field, 'is PEM but does not parse as an SPKI public key');
  }
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve !== 'prime256v1') {
      throw invalidArgument(
        field,
        `EC keys must be on P-256; got curve ${details.namedCurve ?? 'unknown'}`,
      );
    }
    return { pem, type: 'ec-p256', bits: 256 };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS)
      throw invalidArgument(field, `RSA keys must have at least ${MIN_RSA_BITS} bits; got ${bits}`);
    return { pem, type: 'rsa', bits };
  }
  throw invalidArgument(
    field,
    `must be an EC P-256 or RSA key; got ${key.asymmetricKeyType ?? 'unknown'}`,
  );
}
