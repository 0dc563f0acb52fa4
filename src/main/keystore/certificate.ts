// Reading a Fabric CA certificate: who it names, and the attributes the CA put in it
// (Fabric CA writes them as JSON in extension 1.2.3.4.5.6.7.8.1, e.g. {"attrs":{"role":…}}).
import { X509Certificate, createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { pointFromPublicKey } from './ec-point';

export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

export interface CertificateFacts {
  pem: string;
  commonName: string;
  issuer: string;
  /** SHA-256 of the DER certificate, hex: the ledger directory's key for the signer. */
  fingerprint: string;
  validTo: Date;
  attributes: Record<string, string>;
  /** Uncompressed P-256 point of the certified key. */
  publicPoint: Buffer;
}

export function certificateFacts(der: Buffer): CertificateFacts {
  const x509 = new X509Certificate(der);
  const parsed = AsnConvert.parse(der, Certificate);
  let attributes: Record<string, string> = {};
  const extension = parsed.tbsCertificate.extensions?.find((e) => e.extnID === FABRIC_ATTRS_OID);
  if (extension) {
    try {
      const json = JSON.parse(Buffer.from(extension.extnValue.buffer).toString('utf8')) as {
        attrs?: Record<string, string>;
      };
      attributes = json.attrs ?? {};
    } catch {
      attributes = {};
    }
  }
  return {
    pem: x509.toString(),
    commonName: /(?:^|\n)CN=([^\n]*)/.exec(x509.subject)?.[1] ?? '',
    issuer: x509.issuer.replace(/\n/g, ', '),
    fingerprint: createHash('sha256').update(der).digest('hex'),
    validTo: new Date(x509.validTo),
    attributes,
    publicPoint: pointFromPublicKey(x509.publicKey),
  };
}

export function pemToDer(pem: string): Buffer {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (!body) throw new Error('No PEM certificate found.');
  return Buffer.from(body.replace(/\s+/g, ''), 'base64');
}
