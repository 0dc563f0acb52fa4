// The gateway's emergency key: every record stored in this hospital's bucket is also wrapped
// for it (recipient `emergency:<mspId>` in the record's `.keys`), so a caregiver whom the
// patient never granted can decrypt under break-glass — but only through this gateway, and
// only once his break-glass disclosure of that very record is committed on the ledger. The
// gateway then unwraps the data key in memory and wraps it again for the caller's encryption
// key from the directory; the data key itself never leaves the gateway.
//
// Here the key is a software key in a file only the gateway reads (mode 0600), as the
// devnet's service identities are; a hospital keeps it in an HSM behind the same interface
// (unwrap one envelope by ECDH), which is all this module asks of it.
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { publicKeyFromPoint } from '../main/keystore/ec-point';
import { unwrapDataKey, wrapDataKey, type KeyEnvelope } from '../main/vault/envelope';
import { GatewayRefused } from './refusal';

export interface EmergencyKey {
  /** Recipient id of its envelopes: emergencyRecipientId(the hospital's MSP). */
  recipientId: string;
  privateKey: KeyObject;
  /** SPKI PEM, as published on the ledger with the gateway. */
  publicKeyPem: string;
}

function emergencyKeyOf(privateKey: KeyObject, recipientId: string): EmergencyKey {
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  return { recipientId, privateKey, publicKeyPem: publicKeyPem.toString() };
}

/** A new P-256 key held in memory only (a test world's gateway). */
export function newEmergencyKey(recipientId: string): EmergencyKey {
  return emergencyKeyOf(
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
    recipientId,
  );
}

/** Reads the key from `path`, creating a new P-256 key there when there is none. */
export function loadEmergencyKey(path: string, recipientId: string): EmergencyKey {
  if (!existsSync(path)) {
    const fresh = newEmergencyKey(recipientId);
    writeFileSync(path, fresh.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    return fresh;
  }
  return emergencyKeyOf(createPrivateKey(readFileSync(path)), recipientId);
}

/** The record's data key, from its emergency envelope, wrapped for the caller alone. */
export async function rewrapForCaller(
  key: EmergencyKey,
  storedEnvelopes: Buffer,
  caller: { id: string; encryptionPublicKeyPem: string },
): Promise<KeyEnvelope> {
  let envelopes: KeyEnvelope[];
  try {
    envelopes = JSON.parse(storedEnvelopes.toString('utf8')) as KeyEnvelope[];
    if (!Array.isArray(envelopes)) throw new Error('not a list');
  } catch {
    throw new GatewayRefused(502, 'envelopes-damaged', "The record's key envelopes are damaged.");
  }
  const emergency = envelopes.find((e) => e.recipientId === key.recipientId);
  if (!emergency) {
    throw new GatewayRefused(
      404,
      'no-emergency-envelope',
      'This record was stored without an emergency envelope of this hospital, so it cannot be opened by break-glass.',
    );
  }
  const dataKey = await unwrapDataKey(emergency, createPublicKey(key.privateKey), async (point) =>
    diffieHellman({ privateKey: key.privateKey, publicKey: publicKeyFromPoint(point) }),
  );
  try {
    return wrapDataKey(dataKey, caller.id, caller.encryptionPublicKeyPem);
  } finally {
    dataKey.fill(0);
  }
}
