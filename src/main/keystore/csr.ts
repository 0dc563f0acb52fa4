// A PKCS#10 certificate signing request for the card's signing key, signed on the card.
// The ASN.1 comes from @peculiar/asn1-* (well kept, used by PKI.js and @peculiar/x509);
// only the signature is ours, because the private key never leaves the card.
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';
import { publicKeyFromPoint } from './ec-point';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

export type DigestSigner = (digest: Buffer) => Promise<Buffer>;

export function spkiFromPoint(point: Buffer): Buffer {
  return publicKeyFromPoint(point).export({ format: 'der', type: 'spki' });
}

export function subjectName(commonName: string): Name {
  return new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({
        type: OID_COMMON_NAME,
        value: new AttributeValue({ utf8String: commonName }),
      }),
    ]),
  ]);
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Builds the CSR for `commonName` (the CA enrolment id) and has the card sign it. */
export async function buildCsr(
  commonName: string,
  signingPoint: Buffer,
  signDigest: DigestSigner,
): Promise<string> {
  const info = new CertificationRequestInfo({
    version: 0,
    subject: subjectName(commonName),
    subjectPKInfo: AsnConvert.parse(spkiFromPoint(signingPoint), SubjectPublicKeyInfo),
  });
  const toBeSigned = Buffer.from(AsnConvert.serialize(info));
  const signature = await signDigest(createHash('sha256').update(toBeSigned).digest());
  const request = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID_ECDSA_WITH_SHA256 }),
    signature: new Uint8Array(signature).buffer,
  });
  return toPem('CERTIFICATE REQUEST', Buffer.from(AsnConvert.serialize(request)));
}
