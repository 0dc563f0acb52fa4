// P-256 public keys travel in two shapes: the uncompressed point a card returns
// (CKA_EC_POINT, 65 bytes, 04‖x‖y) and Node's KeyObject (SPKI/PEM). One place converts.
import { createPublicKey, type KeyObject } from 'node:crypto';

export function publicKeyFromPoint(point: Uint8Array): KeyObject {
  const p = Buffer.from(point);
  if (p.length !== 65 || p[0] !== 4) throw new Error('Not an uncompressed P-256 point.');
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: p.subarray(1, 33).toString('base64url'),
      y: p.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
}

export function pointFromPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || !jwk.x || !jwk.y) throw new Error('Not an EC public key.');
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
}

export function pemFromPoint(point: Uint8Array): string {
  return publicKeyFromPoint(point).export({ format: 'pem', type: 'spki' }).toString();
}
