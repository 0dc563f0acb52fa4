/**
 * Real X.509 certificates for test signers, shaped like Fabric CA's: an ECDSA P-256 key and
 * the CA attributes in extension 1.2.3.4.5.6.7.8.1 as {"attrs":{...}} JSON, which is where
 * fabric-shim's ClientIdentity reads getAttributeValue from.
 */
// @peculiar/x509 needs the Reflect metadata API loaded before it.
import 'reflect-metadata';
import { generateKeyPairSync, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { TestIdentity } from './ledger-test-double';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';
const SIGNING = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

let serial = 1;

export async function createTestIdentity(
  label: string,
  mspId: string,
  attributes: Record<string, string> = {},
): Promise<TestIdentity> {
  const keys = await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    name: `CN=${label}, OU=client, O=${mspId}`,
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
    signingAlgorithm: SIGNING,
    keys: keys as unknown as Parameters<
      typeof x509.X509CertificateGenerator.createSelfSigned
    >[0]['keys'],
    extensions: [
      new x509.Extension(
        FABRIC_ATTRIBUTES_OID,
        false,
        Buffer.from(JSON.stringify({ attrs: attributes }), 'utf8'),
      ),
    ],
  });
  return { label, mspId, certificatePem: certificate.toString('pem'), attributes };
}

/** The fingerprint an admin registers, computed the way openssl prints it (not by the code under test). */
export function fingerprintOf(identity: TestIdentity): string {
  return new X509Certificate(identity.certificatePem).fingerprint256
    .replace(/:/g, '')
    .toLowerCase();
}

export function ecEncryptionKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
}

export function rsaEncryptionKeyPem(modulusLength = 2048): string {
  return generateKeyPairSync('rsa', { modulusLength })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
}

/** A self-signed TLS server certificate and its PKCS#8 key, both PEM, for 127.0.0.1. */
export async function createTlsServerCredentials(): Promise<{ certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: 'ff',
    name: 'CN=chaincode.localhost',
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
    signingAlgorithm: SIGNING,
    keys: keys as unknown as Parameters<
      typeof x509.X509CertificateGenerator.createSelfSigned
    >[0]['keys'],
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return { certPem: certificate.toString('pem'), keyPem };
}
