// Key envelopes: the record's data key wrapped for one recipient's public encryption key.
// Mechanism (ECIES-style, one envelope per recipient, the patient always among them):
//   ephemeral P-256 key pair e; Z = ECDH(e, recipient public key)
//   KEK = HKDF-SHA256(Z, salt = e.pub ‖ recipient.pub, info = "ACTION-EHR data key wrap v1")
//   wrapped = AES-256 key wrap (RFC 3394) of the 32-byte data key under KEK
// Unwrapping needs ECDH with the recipient's private key, which never leaves the card
// (CKM_ECDH1_DERIVE on PKCS#11): the card returns Z, the host derives KEK and unwraps.
// ECDH rather than RSA-OAEP: SoftHSM2 2.6 decrypts OAEP only with SHA-1, and PIV cards keep
// a key-management key for exactly this job.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { pointFromPublicKey } from '../keystore/ec-point';
import { DATA_KEY_BYTES, VaultError } from './format';

export const ENVELOPE_ALGORITHM = 'ECDH-P256+HKDF-SHA256+A256KW';
const HKDF_INFO = Buffer.from('ACTION-EHR data key wrap v1', 'utf8');
const KEY_WRAP_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

export interface KeyEnvelope {
  version: 1;
  algorithm: typeof ENVELOPE_ALGORITHM;
  /** Ledger id of the recipient (caregiver id or patient pseudonym). */
  recipientId: string;
  /** SHA-256 (hex) of the recipient's public key SPKI, to find the right card key. */
  recipientKeyId: string;
  /** Ephemeral public key, uncompressed P-256 point, base64. */
  ephemeralPublicKey: string;
  /** The wrapped data key, base64 (40 bytes). */
  wrappedKey: string;
}

export function publicKeyFromPem(spkiPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(spkiPem);
  } catch (error) {
    throw new VaultError(
      'VAULT_BAD_ENVELOPE',
      `The recipient's public key cannot be read: ${(error as Error).message}`,
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new VaultError(
      'VAULT_BAD_ENVELOPE',
      "The recipient's encryption key is not an EC P-256 key.",
    );
  }
  return key;
}

/** Uncompressed point (65 bytes) of a P-256 public key. */
export function uncompressedPoint(key: KeyObject): Buffer {
  try {
    return pointFromPublicKey(key);
  } catch {
    throw new VaultError('VAULT_BAD_ENVELOPE', 'Not an EC public key.');
  }
}

export function keyIdOf(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ format: 'der', type: 'spki' }))
    .digest('hex');
}

function deriveKek(sharedSecret: Buffer, ephemeralPoint: Buffer, recipientPoint: Buffer): Buffer {
  return Buffer.from(
    hkdfSync(
      'sha256',
      sharedSecret,
      Buffer.concat([ephemeralPoint, recipientPoint]),
      HKDF_INFO,
      32,
    ),
  );
}

export function wrapDataKey(
  dataKey: Buffer,
  recipientId: string,
  recipientSpkiPem: string,
): KeyEnvelope {
  if (dataKey.length !== DATA_KEY_BYTES) {
    throw new VaultError(
      'VAULT_BAD_KEY',
      `A data key is ${DATA_KEY_BYTES} bytes (got ${dataKey.length}).`,
    );
  }
  const recipient = publicKeyFromPem(recipientSpkiPem);
  const ephemeral = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  const ephemeralPoint = uncompressedPoint(ephemeral.publicKey);
  const kek = deriveKek(shared, ephemeralPoint, uncompressedPoint(recipient));
  shared.fill(0);
  const cipher = createCipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
  const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  kek.fill(0);
  return {
    version: 1,
    algorithm: ENVELOPE_ALGORITHM,
    recipientId,
    recipientKeyId: keyIdOf(recipient),
    ephemeralPublicKey: ephemeralPoint.toString('base64'),
    wrappedKey: wrapped.toString('base64'),
  };
}

/** Computes ECDH with the recipient's private key (on the card) for an ephemeral point. */
export type EcdhDerive = (ephemeralPoint: Buffer) => Promise<Buffer>;

export async function unwrapDataKey(
  envelope: KeyEnvelope,
  recipientPublicKey: KeyObject,
  derive: EcdhDerive,
): Promise<Buffer> {
  if (envelope.version !== 1 || envelope.algorithm !== ENVELOPE_ALGORITHM) {
    throw new VaultError(
      'VAULT_BAD_ENVELOPE',
      `Unsupported key envelope (${envelope.algorithm} v${envelope.version}).`,
    );
  }
  if (envelope.recipientKeyId !== keyIdOf(recipientPublicKey)) {
    throw new VaultError(
      'VAULT_BAD_ENVELOPE',
      'This record was not shared with the key on this card.',
    );
  }
  const ephemeralPoint = Buffer.from(envelope.ephemeralPublicKey, 'base64');
  const wrapped = Buffer.from(envelope.wrappedKey, 'base64');
  if (
    ephemeralPoint.length !== 65 ||
    ephemeralPoint[0] !== 4 ||
    wrapped.length !== DATA_KEY_BYTES + 8
  ) {
    throw new VaultError('VAULT_BAD_ENVELOPE', 'The key envelope is malformed.');
  }
  const shared = await derive(ephemeralPoint);
  const kek = deriveKek(shared, ephemeralPoint, uncompressedPoint(recipientPublicKey));
  shared.fill(0);
  try {
    const decipher = createDecipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
    return Buffer.concat([decipher.update(wrapped), decipher.final()]);
  } catch {
    throw new VaultError(
      'VAULT_BAD_ENVELOPE',
      'The data key could not be unwrapped: the envelope was altered or belongs to another card.',
    );
  } finally {
    kek.fill(0);
  }
}
