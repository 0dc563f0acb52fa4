// PKCS#11 CKM_ECDSA returns r‖s; Fabric wants an ASN.1 DER ECDSA-Sig-Value with a "low S"
// (s ≤ n/2), which every Fabric peer enforces to stop signature malleability.
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = P256_N >> 1n;

function toBigInt(bytes: Buffer): bigint {
  return BigInt(`0x${bytes.toString('hex') || '0'}`);
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

export function rawEcdsaToLowSDer(raw: Buffer): Buffer {
  if (raw.length !== 64)
    throw new Error(`Expected a 64-byte P-256 signature, got ${raw.length} bytes.`);
  const r = toBigInt(raw.subarray(0, 32));
  let s = toBigInt(raw.subarray(32));
  if (s > P256_HALF_N) s = P256_N - s;
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** s of a DER signature, for tests and checks. */
export function derSignatureS(der: Buffer): bigint {
  const rLength = der[3]!;
  const sOffset = 4 + rLength;
  const sLength = der[sOffset + 1]!;
  return toBigInt(der.subarray(sOffset + 2, sOffset + 2 + sLength));
}

export function isLowS(der: Buffer): boolean {
  return derSignatureS(der) <= P256_HALF_N;
}
