// The demo that `npm start` runs by default: the local two-hospital network, and a
// workstation of HospitalA with four smart cards (SoftHSM2 tokens) enrolled at HospitalA's
// Fabric CA — a patient, a radiation oncologist, a medical physicist and an administrator —
// and its connection settings pointing at that network. Everything lives under the devnet's
// state folder, so a real configuration is never touched. Idempotent: cards are enrolled
// again only when the network's CA changed (after `npm run devnet:reset`).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEER_ORGS, locateBinaries, resolveConfig } from '../devnet/config';
import { readProfile, up } from '../devnet/network';
import { CardClient } from '../../src/main/keystore/card-client';
import { provisionCard } from '../../src/main/keystore/provision';
import type { ChildScript } from '../../src/main/offload/child-task';

export const DEMO_PIN = '123456';

export interface DemoCard {
  label: string;
  enrollmentId: string;
  attrs: Record<string, string>;
}

export interface DemoWorkstation {
  userDataDir: string;
  softhsmConf: string;
  cards: DemoCard[];
  settings: {
    peerEndpoint: string;
    peerTlsCaPath: string;
    mspId: string;
    pkcs11ModulePath: string;
  };
}

const hexId = (prefix: string) => `${prefix}-${randomBytes(16).toString('hex')}`;

function demoPeople(): DemoCard[] {
  return [
    { label: 'Demo patient', enrollmentId: hexId('pat'), attrs: { role: 'patient' } },
    {
      label: 'Dr Demo (oncology)',
      enrollmentId: hexId('cg'),
      attrs: { role: 'caregiver', department: 'Radiation Oncology', displayName: 'Dr Ada Demo' },
    },
    {
      label: 'Demo physicist',
      enrollmentId: hexId('cg'),
      attrs: { role: 'caregiver', department: 'Medical Physics', displayName: 'Marie Demo' },
    },
    {
      label: 'Demo administrator',
      enrollmentId: hexId('adm'),
      attrs: { role: 'admin', department: 'Hospital IT', displayName: 'Alan Demo' },
    },
  ];
}

export function softhsmModulePath(): string {
  const found = [
    '/usr/lib/softhsm/libsofthsm2.so',
    '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
    '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  ].find((p) => existsSync(p));
  if (!found) throw new Error('SoftHSM2 is not installed: run `npm run setup`.');
  return found;
}

export async function prepareDemoWorkstation(
  cardScript: ChildScript,
  log: (line: string) => void,
): Promise<DemoWorkstation> {
  const cfg = resolveConfig({ log });
  log('demo: starting the local two-hospital network (first time: about a minute)');
  await up(cfg, { build: true });
  const hospital = PEER_ORGS[0]!;
  const profile = readProfile(cfg, hospital);
  const demoDir = join(cfg.stateDir, 'demo');
  const tokenDir = join(demoDir, 'cards');
  const softhsmConf = join(demoDir, 'softhsm2.conf');
  const markerFile = join(demoDir, 'cards.json');
  const caFingerprint = createHash('sha256')
    .update(readFileSync(profile.ca.tlsCACertPath))
    .digest('hex');
  const marker = existsSync(markerFile)
    ? (JSON.parse(readFileSync(markerFile, 'utf8')) as { ca: string; cards: DemoCard[] })
    : null;
  const settings = {
    peerEndpoint: profile.peer.endpoint,
    peerTlsCaPath: profile.peer.tlsCACertPath,
    mspId: profile.mspId,
    pkcs11ModulePath: softhsmModulePath(),
  };
  const userDataDir = join(demoDir, 'workstation');
  if (marker?.ca === caFingerprint && existsSync(tokenDir)) {
    return { userDataDir, softhsmConf, cards: marker.cards, settings };
  }

  log('demo: enrolling four demo smart cards at HospitalA’s CA');
  rmSync(tokenDir, { recursive: true, force: true });
  mkdirSync(tokenDir, { recursive: true });
  writeFileSync(
    softhsmConf,
    `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const env = { ...process.env, SOFTHSM2_CONF: softhsmConf };
  const caClient = join(locateBinaries().caBin, 'fabric-ca-client');
  const registrarMsp = profile.identities.appadmin?.mspDir;
  if (!registrarMsp) throw new Error('The devnet profile has no appadmin identity.');
  const cards = demoPeople();
  // Create every token first: a PKCS#11 module sees the tokens that exist when it starts.
  for (const card of cards) {
    execFileSync(
      'softhsm2-util',
      ['--init-token', '--free', '--label', card.label, '--pin', DEMO_PIN, '--so-pin', '87654321'],
      { env, stdio: 'pipe' },
    );
  }
  const client = await CardClient.start({
    modulePath: settings.pkcs11ModulePath,
    script: cardScript,
    env,
  });
  try {
    const tokens = await client.call('listTokens', undefined);
    for (const card of cards) {
      const secret = randomBytes(12).toString('hex');
      const attrs = Object.entries(card.attrs)
        .map(([k, v]) => `${k}=${v}:ecert`)
        .join(',');
      execFileSync(
        caClient,
        [
          'register',
          '--id.name',
          card.enrollmentId,
          '--id.secret',
          secret,
          '--id.type',
          'client',
          '--id.attrs',
          attrs,
          '-u',
          profile.ca.url,
          '--caname',
          profile.ca.caName,
          '--tls.certfiles',
          profile.ca.tlsCACertPath,
          '--mspdir',
          registrarMsp,
          '-H',
          join(demoDir, 'ca-client'),
        ],
        { stdio: 'pipe' },
      );
      const token = tokens.find((t) => t.label === card.label);
      if (!token) throw new Error(`Demo card ${card.label} did not appear.`);
      await client.call('signIn', { serial: token.serial, pin: DEMO_PIN });
      await provisionCard(client, {
        enrollmentId: card.enrollmentId,
        secret,
        ca: {
          url: profile.ca.url,
          tlsCaPem: readFileSync(profile.ca.tlsCACertPath, 'utf8'),
          caName: profile.ca.caName,
        },
      });
      await client.call('signOut', undefined);
      log(`demo: card "${card.label}" enrolled as ${card.enrollmentId}`);
    }
  } finally {
    await client.stop();
  }
  writeFileSync(markerFile, JSON.stringify({ ca: caFingerprint, cards }, null, 2));
  return { userDataDir, softhsmConf, cards, settings };
}
