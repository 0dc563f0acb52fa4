// People on the local network, as each hospital's IT would enrol them: registered at the
// hospital's Fabric CA, keys generated on a smart card (SoftHSM2) with the certificate
// written back to it, and the user registered in the ledger's directory with the card's
// own encryption key, signed by the hospital's application admin. Used by `npm start`'s demo
// world and by the tests that need real people on real cards.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signers } from '@hyperledger/fabric-gateway';
import type { CardClient } from '../../src/main/keystore/card-client';
import { provisionCard, type CardIdentity } from '../../src/main/keystore/provision';
import { connectToPeer } from '../../src/main/ledger/connection';
import { EhrLedger } from '../../src/main/ledger/ehr-ledger';
import { CHAINCODE_NAME, LEDGER_CHANNEL } from '../../src/main/ledger/names';
import { locateBinaries } from '../devnet/config';
import type { ConnectionProfile } from '../devnet/network';

export type PersonKind = 'patient' | 'oncologist' | 'physicist' | 'admin';

export interface PersonSpec {
  kind: PersonKind;
  displayName: string;
  department: string;
}

const PREFIX: Record<PersonKind, string> = {
  patient: 'pat',
  oncologist: 'cg',
  physicist: 'cg',
  admin: 'adm',
};

export function newUserId(kind: PersonKind): string {
  return `${PREFIX[kind]}-${randomBytes(16).toString('hex')}`;
}

/** The CA attributes for a person: role, and for staff their name and department. */
export function caAttributes(spec: PersonSpec): Record<string, string> {
  if (spec.kind === 'patient') return { role: 'patient' };
  return {
    role: spec.kind === 'admin' ? 'admin' : 'caregiver',
    department: spec.department,
    displayName: spec.displayName,
  };
}

/** Registers an identity at the hospital's CA with its appadmin; returns the secret. */
export function registerAtCa(
  profile: ConnectionProfile,
  enrollmentId: string,
  attrs: Record<string, string>,
  clientHome: string,
): string {
  const registrarMsp = profile.identities.appadmin?.mspDir;
  if (!registrarMsp) throw new Error('The devnet profile has no appadmin identity.');
  const secret = randomBytes(12).toString('hex');
  const attrList = Object.entries(attrs)
    .map(([k, v]) => `${k}=${v}:ecert`)
    .join(',');
  execFileSync(
    join(locateBinaries().caBin, 'fabric-ca-client'),
    [
      'register',
      '--id.name',
      enrollmentId,
      '--id.secret',
      secret,
      '--id.type',
      'client',
      '--id.attrs',
      attrList,
      '-u',
      profile.ca.url,
      '--caname',
      profile.ca.caName,
      '--tls.certfiles',
      profile.ca.tlsCACertPath,
      '--mspdir',
      registrarMsp,
      '-H',
      clientHome,
    ],
    { stdio: 'pipe' },
  );
  return secret;
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
  clientHome: string;
}): Promise<CardIdentity> {
  const { profile, spec } = options;
  const enrollmentId = options.enrollmentId ?? newUserId(spec.kind);
  const secret = registerAtCa(profile, enrollmentId, caAttributes(spec), options.clientHome);
  const identity = await provisionCard(options.card, {
    enrollmentId,
    secret,
    ca: {
      url: profile.ca.url,
      tlsCaPem: readFileSync(profile.ca.tlsCACertPath, 'utf8'),
      caName: profile.ca.caName,
    },
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
