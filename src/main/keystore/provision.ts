// Enrolment of a new card, for the hospital administrator: both key pairs generated on the
// card, a CSR signed on the card, the certificate from the hospital's Fabric CA written
// back to the card. Returns what the ledger's user directory needs.
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { CardClient } from './card-client';
import { certificateFacts, pemToDer } from './certificate';
import { buildCsr } from './csr';
import { pemFromPoint } from './ec-point';
import { CardError } from './errors';
import { enrollAtFabricCa, type FabricCaEndpoint } from './fabric-ca';

export interface ProvisionRequest {
  /** Enrolment id and secret from the CA registration, or the registration itself, made
   *  once the keys are on the card (so a card that cannot make keys registers nothing). */
  enrollmentId: string;
  secret: string | (() => Promise<string>);
  ca: FabricCaEndpoint;
}

export interface CardIdentity {
  enrollmentId: string;
  certificatePem: string;
  /** SHA-256 of the signing certificate (hex), the directory's key for this user. */
  certificateFingerprint: string;
  /** The card's public encryption key, SPKI PEM, for the directory. */
  encryptionPublicKeyPem: string;
  /** Attributes the CA certified (role, department, …). */
  attributes: Record<string, string>;
  issuer: string;
  validTo: string;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** The steps provisionCard reports as it goes. */
export type ProvisionStep = 'keys' | 'register' | 'enrol' | 'certificate';

export async function provisionCard(
  card: CardClient,
  request: ProvisionRequest,
  onStep: (step: ProvisionStep) => void = () => undefined,
): Promise<CardIdentity> {
  onStep('keys');
  const keys = await card.call('generateKeys', undefined);
  const csr = await buildCsr(request.enrollmentId, Buffer.from(keys.signing), async (digest) =>
    Buffer.from(await card.call('signDigest', { digest })),
  );
  let secret = request.secret;
  if (typeof secret === 'function') {
    onStep('register');
    secret = await secret();
  }
  onStep('enrol');
  const { certificatePem } = await enrollAtFabricCa(request.ca, request.enrollmentId, secret, csr);
  const der = pemToDer(certificatePem);
  const facts = certificateFacts(der);
  if (!sameBytes(facts.publicPoint, keys.signing)) {
    throw new CardError(
      'CARD_OPERATION_FAILED',
      'The CA returned a certificate for a different key.',
    );
  }
  const subjectDer = Buffer.from(
    AsnConvert.serialize(AsnConvert.parse(der, Certificate).tbsCertificate.subject),
  );
  onStep('certificate');
  await card.call('writeCertificate', { der, subjectDer });
  return readCardIdentity(card);
}

/** Who the signed-in card belongs to, from the certificate and keys on it. */
export async function readCardIdentity(card: CardClient): Promise<CardIdentity> {
  const der = await card.call('readCertificate', undefined);
  if (!der) {
    throw new CardError(
      'CARD_NOT_PROVISIONED',
      'This card has no ACTION-EHR certificate. Ask your hospital to enrol it.',
    );
  }
  const keys = await card.call('publicKeys', undefined);
  const facts = certificateFacts(Buffer.from(der));
  if (!sameBytes(facts.publicPoint, keys.signing)) {
    throw new CardError(
      'CARD_OPERATION_FAILED',
      "The certificate on this card does not match the card's signing key.",
    );
  }
  return {
    enrollmentId: facts.commonName,
    certificatePem: facts.pem,
    certificateFingerprint: facts.fingerprint,
    encryptionPublicKeyPem: pemFromPoint(keys.encryption),
    attributes: facts.attributes,
    issuer: facts.issuer,
    validTo: facts.validTo.toISOString(),
  };
}
