// The first people on the local network, before any administrator card exists: registered at
// the hospital's Fabric CA by the devnet's application admin (a file key) over the CA's REST
// API, keys generated on a smart card (SoftHSM2) with the certificate written back to it, and
// the user registered in the ledger's directory with the card's own encryption key. An
// administrator enrolled this way is his CA's registrar; everyone after him is enrolled with
// the product's use case (src/main/admin/enrol-card.ts) on his card.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signers } from '@hyperledger/fabric-gateway';
import {
  ADMIN_REGISTRAR_ATTRIBUTES,
  caAttributes as productCaAttributes,
  newUserId,
} from '../../src/main/admin/identity-attributes';
import {
  registerAtFabricCa,
  type FabricCaEndpoint,
  type Registrar,
} from '../../src/main/keystore/fabric-ca';
import type { CardClient } from '../../src/main/keystore/card-client';
import { provisionCard, type CardIdentity } from '../../src/main/keystore/provision';
import { connectToPeer } from '../../src/main/ledger/connection';
import { EhrLedger } from '../../src/main/ledger/ehr-ledger';
import { CHAINCODE_NAME, LEDGER_CHANNEL } from '../../src/main/ledger/names';
import type { ConnectionProfile } from '../devnet/network';

export type PersonKind = 'patient' | 'oncologist' | 'physicist' | 'admin';

export interface PersonSpec {
  kind: PersonKind;
  displayName: string;
  department: string;
}

export { newUserId };

const details = (spec: PersonSpec) => ({
  role: spec.kind,
  displayName: spec.kind === 'patient' ? '' : spec.displayName,
  department: spec.kind === 'patient' ? '' : spec.department,
});

/** The CA attributes for a person: role, and for staff their name and department. */
export function caAttributes(spec: PersonSpec): Record<string, string> {
  return productCaAttributes(details(spec));
}

/**
 * The devnet's application admin (a file key, not a card) as the CA registrar: it enrols
 * each hospital's first administrator card, which then enrols everyone else.
 */
export function appAdminRegistrar(profile: ConnectionProfile): Registrar {
  const ids = profile.identities.appadmin;
  if (!ids) throw new Error('The devnet profile has no appadmin identity.');
  return {
    certificatePem: readFileSync(ids.certPath, 'utf8'),
    sign: signers.newPrivateKeySigner(createPrivateKey(readFileSync(ids.keyPath))),
  };
}

export function caEndpoint(profile: ConnectionProfile): FabricCaEndpoint {
  return {
    url: profile.ca.url,
    tlsCaPem: readFileSync(profile.ca.tlsCACertPath, 'utf8'),
    caName: profile.ca.caName,
  };
}

/** Registers an identity at the hospital's CA with its appadmin; returns the secret. */
export function registerAtCa(
  profile: ConnectionProfile,
  enrollmentId: string,
  spec: PersonSpec,
): Promise<string> {
  return registerAtFabricCa(caEndpoint(profile), appAdminRegistrar(profile), {
    enrollmentId,
    attributes: caAttributes(spec),
    ...(spec.kind === 'admin' ? { registrarAttributes: ADMIN_REGISTRAR_ATTRIBUTES } : {}),
  });
}

/** The hospital's application admin on the ledger (a file key: the devnet's, not a card). */
export function orgAdminLedger(profile: ConnectionProfile): { ledger: EhrLedger; close(): void } {
  const ids = profile.identities.appadmin;
  if (!ids) throw new Error('The devnet profile has no appadmin identity.');
  const connection = connectToPeer(
    { endpoint: profile.peer.endpoint, tlsCaPem: readFileSync(profile.peer.tlsCACertPath, 'utf8') },
    {
      mspId: profile.mspId,
      certificatePem: readFileSync(ids.certPath, 'utf8'),
      signDigest: signers.newPrivateKeySigner(createPrivateKey(readFileSync(ids.keyPath))),
    },
  );
  const contract = connection.gateway.getNetwork(LEDGER_CHANNEL).getContract(CHAINCODE_NAME);
  return { ledger: new EhrLedger(contract), close: () => connection.close() };
}

/**
 * Enrols one person onto a card that is signed in on `card` (keys generated on it, the
 * certificate from the hospital's CA written to it) and registers him in the directory.
 */
export async function enrolPerson(options: {
  profile: ConnectionProfile;
  admin: EhrLedger;
  card: CardClient;
  spec: PersonSpec;
  enrollmentId?: string;
}): Promise<CardIdentity> {
  const { profile, spec } = options;
  const enrollmentId = options.enrollmentId ?? newUserId(spec.kind);
  const secret = await registerAtCa(profile, enrollmentId, spec);
  const identity = await provisionCard(options.card, {
    enrollmentId,
    secret,
    ca: caEndpoint(profile),
  });
  const patient = spec.kind === 'patient';
  await options.admin.registerUser({
    userId: enrollmentId,
    role: patient ? 'patient' : spec.kind === 'admin' ? 'admin' : 'caregiver',
    mspId: profile.mspId,
    certFingerprint: identity.certificateFingerprint,
    encryptionPublicKeyPem: identity.encryptionPublicKeyPem,
    displayName: patient ? '' : spec.displayName,
    department: patient ? '' : spec.department,
  });
  return identity;
}
