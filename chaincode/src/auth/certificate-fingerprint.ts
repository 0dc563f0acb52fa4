import { createHash, X509Certificate } from 'node:crypto';

/**
 * SHA-256 over the certificate's DER bytes, lowercase hex: what `openssl x509 -fingerprint
 * -sha256` prints, without colons. The admin registers this value for the certificate on the
 * user's card; every transaction's signer is matched against it.
 */
export function certificateFingerprint(certificate: Uint8Array | string): string {
  const der = new X509Certificate(
    typeof certificate === 'string' ? certificate : Buffer.from(certificate),
  ).raw;
  return createHash('sha256').update(der).digest('hex');
}
