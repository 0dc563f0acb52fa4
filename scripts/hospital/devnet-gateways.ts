// The devnet's record gateways: one process per hospital (src/gateway/main.ts) on its
// `gateway-<org>` port, in front of that hospital's bucket on the devnet's record storage
// (devnet-storage.ts), started through proc.ts so that `down`, `reset` and the owner-pid
// watchdog stop them like every other devnet process. Each stops by itself after
// SERVICE_LIFETIME_MS (its --lifetime-ms); `up` starts it again.
//
// What a gateway gets: its hospital's connection profile and the other hospitals' (the trusted
// roots), by argument; the bucket's credentials, in its environment only; its emergency key, a
// file under gateway-<org>/ made once per state dir, so that the key published on the ledger
// and the records wrapped for it keep matching across restarts.
//
// `up` also publishes each gateway on the ledger (HospitalServices:publishRecordGateway) with
// the hospital's application administrator (appadmin, enrolled by `up` itself), and again only
// when its URL, bucket or emergency key changed.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { PEER_ORGS, REPO_ROOT, port, type DevnetConfig, type PeerOrg } from '../devnet/config.ts';
import { alivePid, logFile, startDaemon, waitFor } from '../devnet/proc.ts';
import type { ConnectionProfile, StatusLine } from '../devnet/network.ts';
import {
  bucketOf,
  SERVICE_LIFETIME_MS,
  STORAGE_REGION,
  storageCredentials,
  storageUrl,
} from './devnet-storage.ts';
import {
  emergencyRecipientId,
  INFO_PATH,
  type GatewayInfo,
} from '../../src/shared/gateway/protocol.ts';
import { loadEmergencyKey } from '../../src/gateway/emergency-key.ts';
import { connectAsProfileIdentity } from '../../src/gateway/from-profile.ts';
import { EhrLedger } from '../../src/main/ledger/ehr-ledger.ts';

export function gatewayName(org: PeerOrg): string {
  return `gateway-${org.key}`;
}

export function gatewayUrl(cfg: DevnetConfig, org: PeerOrg): string {
  return `http://127.0.0.1:${port(cfg, gatewayName(org))}`;
}

async function gatewayInfo(url: string): Promise<GatewayInfo | null> {
  return fetch(`${url}${INFO_PATH}`, { signal: AbortSignal.timeout(2000) })
    .then((res) => (res.ok ? (res.json() as Promise<GatewayInfo>) : null))
    .then((info) => (info?.service === 'action-ehr-record-gateway' ? info : null))
    .catch(() => null);
}

/** The hospital's emergency key file, made once (the demo world kept it under demo/ before). */
function emergencyKeyFile(cfg: DevnetConfig, org: PeerOrg): string {
  const dir = join(cfg.stateDir, gatewayName(org));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'emergency-key.pem');
  const older = join(cfg.stateDir, 'demo', `emergency-key-${org.key}.pem`);
  if (!existsSync(file) && existsSync(older)) renameSync(older, file);
  return file;
}

/**
 * Starts each hospital's gateway unless it runs already, waits until it answers, and
 * publishes it on the ledger. Needs the storage up and the connection profiles written.
 */
export async function startGateways(
  cfg: DevnetConfig,
  profileFile: (org: PeerOrg) => string,
): Promise<void> {
  const credentials = storageCredentials(cfg);
  for (const org of PEER_ORGS) {
    const name = gatewayName(org);
    const own = JSON.parse(readFileSync(profileFile(org), 'utf8')) as ConnectionProfile;
    const keyFile = emergencyKeyFile(cfg, org);
    const emergencyKey = loadEmergencyKey(keyFile, emergencyRecipientId(org.mspId));
    const { pid, started } = startDaemon(
      cfg,
      name,
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'src', 'gateway', 'main.ts'),
        '--profile',
        profileFile(org),
        ...PEER_ORGS.filter((o) => o !== org).flatMap((o) => ['--trust', profileFile(o)]),
        '--bucket',
        bucketOf(org),
        '--s3-endpoint',
        storageUrl(cfg),
        '--s3-region',
        STORAGE_REGION,
        '--port',
        String(port(cfg, name)),
        '--emergency-key',
        keyFile,
        '--lifetime-ms',
        String(SERVICE_LIFETIME_MS),
      ],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/tmp',
          EHR_GATEWAY_S3_ACCESS_KEY_ID: credentials.accessKeyId,
          EHR_GATEWAY_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
        // `--import tsx` resolves from here.
        cwd: REPO_ROOT,
      },
    );
    if (started) cfg.log(`started ${name} (record gateway of bucket ${bucketOf(org)})`);
    const url = gatewayUrl(cfg, org);
    await waitFor(`${name} to answer ${INFO_PATH}`, () => gatewayInfo(url), cfg.waitMs, {
      intervalMs: 300,
      logHint: logFile(cfg, name),
      isAlive: () => alivePid(cfg, name) === pid,
    });
    await publishGateway(own, url, bucketOf(org), emergencyKey.publicKeyPem);
    cfg.log(`${name} at ${url} (bucket ${bucketOf(org)}, published on the ledger)`);
  }
}

/** Publishes the gateway as the hospital's appadmin, unless the ledger already says so. */
async function publishGateway(
  profile: ConnectionProfile,
  url: string,
  bucket: string,
  emergencyPublicKeyPem: string,
): Promise<void> {
  const connection = connectAsProfileIdentity(profile, 'appadmin');
  try {
    const ledger = new EhrLedger(
      connection.gateway.getNetwork(profile.channel).getContract(profile.chaincode),
    );
    const current = (await ledger.listRecordGateways()).find((g) => g.mspId === profile.mspId);
    if (
      current?.url !== url ||
      current.bucket !== bucket ||
      current.emergencyPublicKey !== emergencyPublicKeyPem
    ) {
      await ledger.publishRecordGateway(url, bucket, emergencyPublicKeyPem);
    }
  } finally {
    connection.close();
  }
}

export async function gatewayStatus(cfg: DevnetConfig): Promise<StatusLine[]> {
  return Promise.all(
    PEER_ORGS.filter((org) => cfg.ports[gatewayName(org)] !== undefined).map(async (org) => {
      const name = gatewayName(org);
      const info = await gatewayInfo(gatewayUrl(cfg, org));
      return {
        name,
        pid: alivePid(cfg, name),
        endpoint: gatewayUrl(cfg, org),
        answers: info !== null,
        detail: info ? `record gateway of bucket ${info.bucket}` : 'record gateway',
      };
    }),
  );
}
