// A throwaway Fabric network for a test file (scripts/devnet in a temp state dir on free
// ports, stopped by its watchdog if the test process dies), and the people on it:
// identities enrolled at the hospital CAs and gateway connections to each hospital's peer.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { signers } from '@hyperledger/fabric-gateway';
import {
  PEER_ORGS,
  REPO_ROOT,
  defaultPortOffsets,
  locateBinaries,
  resolveConfig,
  type DevnetConfig,
} from '../../scripts/devnet/config';
import { down, readProfile, up, type ConnectionProfile } from '../../scripts/devnet/network';
import {
  connectToPeer,
  type LedgerConnection,
  type LedgerIdentity,
} from '../../src/main/ledger/connection';
import { certificateFacts, pemToDer } from '../../src/main/keystore/certificate';
import { EhrLedger } from '../../src/main/ledger/ehr-ledger';
import { reservePortBlock } from './port-blocks';

export function ledgerSkipReason(): string | undefined {
  const bins = locateBinaries();
  if (!bins.ready)
    return `Fabric binaries not built (e.g. ${bins.missing[0]}); run npm run devnet:build`;
  if (!existsSync(join(REPO_ROOT, 'chaincode', 'dist', 'server.js'))) {
    return 'chaincode not compiled; run npm --prefix chaincode run build';
  }
  return undefined;
}

/** The last lines of each process log: the state folder is wiped with the network. */
function logTails(logDir: string): string {
  if (!existsSync(logDir)) return '';
  return readdirSync(logDir)
    .map((name) => {
      const lines = readFileSync(join(logDir, name), 'utf8').trimEnd().split('\n');
      return `--- ${name}\n${lines.slice(-15).join('\n')}`;
    })
    .join('\n');
}

export type OrgIndex = 0 | 1;

export interface Person {
  id: string;
  mspId: string;
  identity: LedgerIdentity;
  certificatePem: string;
}

export interface TestLedgerNetwork {
  cfg: DevnetConfig;
  profile(org: OrgIndex): ConnectionProfile;
  appadmin(org: OrgIndex): Person;
  /** Registers a user at the hospital's CA; returns the enrolment secret. */
  register(org: OrgIndex, id: string, attrs: Record<string, string>): string;
  /** Registers and enrols a user with a software key at the hospital's CA. */
  enrol(org: OrgIndex, id: string, attrs: Record<string, string>): Person;
  connect(org: OrgIndex, person: Person): { ledger: EhrLedger; connection: LedgerConnection };
  /**
   * Registers a person enrolled with `enrol` in the ledger's directory, as his hospital's
   * administrator would (with a fresh software encryption key).
   */
  registerInDirectory(
    org: OrgIndex,
    person: Person,
    role: 'patient' | 'caregiver',
    details?: { displayName: string; department: string },
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startLedgerNetwork(orderers: 1 | 3 = 1): Promise<TestLedgerNetwork> {
  const stateDir = mkdtempSync(join(tmpdir(), 'ehr-ledger-'));
  const lines: string[] = [];
  const ports = await reservePortBlock(Object.values(defaultPortOffsets(orderers)));
  const cfg = resolveConfig({
    stateDir,
    basePort: ports.base,
    orderers,
    waitMs: 90_000,
    log: (line) => lines.push(line),
  });
  try {
    await up(cfg, {
      build: false,
      ownerPid: process.pid,
      wipeWithOwner: true,
      pacs: false,
      ehr: false,
      gateways: false,
    });
  } catch (error) {
    console.error(`network up failed:\n${lines.join('\n')}\n${logTails(cfg.logDir)}`);
    await down(cfg).catch(() => undefined);
    ports.release();
    throw error;
  }
  const caClient = join(locateBinaries().caBin, 'fabric-ca-client');
  const connections: LedgerConnection[] = [];
  const admins: Partial<Record<OrgIndex, EhrLedger>> = {};
  const profile = (org: OrgIndex) => readProfile(cfg, PEER_ORGS[org]!);

  const softwarePerson = (id: string, mspId: string, certPath: string, keyPath: string): Person => {
    const certificatePem = readFileSync(certPath, 'utf8');
    const key = createPrivateKey(readFileSync(keyPath));
    return {
      id,
      mspId,
      certificatePem,
      identity: { mspId, certificatePem, signDigest: signers.newPrivateKeySigner(key) },
    };
  };

  const network: TestLedgerNetwork = {
    cfg,
    profile,
    appadmin(org) {
      const p = profile(org);
      const ids = p.identities.appadmin!;
      return softwarePerson('appadmin', p.mspId, ids.certPath, ids.keyPath);
    },
    register(org, id, attrs) {
      return registerWithCli(profile(org), id, attrs, join(stateDir, 'test-clients', 'registrar'));
    },
    enrol(org, id, attrs) {
      const p = profile(org);
      const secret = network.register(org, id, attrs);
      const home = join(stateDir, 'test-clients', id);
      const common = ['--caname', p.ca.caName, '--tls.certfiles', p.ca.tlsCACertPath, '-H', home];
      const msp = join(home, 'msp');
      execFileSync(
        caClient,
        [
          'enroll',
          '-u',
          p.ca.url.replace('https://', `https://${id}:${secret}@`),
          '--mspdir',
          msp,
          ...common,
        ],
        { stdio: 'pipe' },
      );
      const keyDir = join(msp, 'keystore');
      const keyFile = readdirSync(keyDir)[0]!;
      return softwarePerson(id, p.mspId, join(msp, 'signcerts', 'cert.pem'), join(keyDir, keyFile));
    },
    connect(org, person) {
      const p = profile(org);
      const connection = connectToPeer(
        { endpoint: p.peer.endpoint, tlsCaPem: readFileSync(p.peer.tlsCACertPath, 'utf8') },
        person.identity,
      );
      connections.push(connection);
      const contract = connection.gateway.getNetwork(p.channel).getContract(p.chaincode);
      return { ledger: new EhrLedger(contract), connection };
    },
    async registerInDirectory(org, person, role, details = { displayName: '', department: '' }) {
      const admin = (admins[org] ??= network.connect(org, network.appadmin(org)).ledger);
      await admin.registerUser({
        userId: person.id,
        role,
        mspId: person.mspId,
        certFingerprint: certificateFacts(pemToDer(person.certificatePem)).fingerprint,
        encryptionPublicKeyPem: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
          .publicKey.export({ format: 'pem', type: 'spki' })
          .toString(),
        ...details,
      });
    },
    async stop() {
      for (const c of connections) c.close();
      await down(cfg);
      rmSync(stateDir, { recursive: true, force: true });
      ports.release();
    },
  };
  return network;
}

/** Registers an identity at the hospital's CA with its appadmin (fabric-ca-client); returns the secret. */
function registerWithCli(
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
