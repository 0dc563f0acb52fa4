// The devnet's record storage: one MinIO (scripts/s3/minio.ts builds it) holding each
// hospital's bucket, started through proc.ts so that `down`, `reset` and the owner-pid watchdog
// stop it like every other devnet process, and under coreutils `timeout` so that it stops by
// itself after SERVICE_LIFETIME_MS even when nobody runs `down` (`up` starts it again).
//
// Its root credentials are made once per state dir and kept in minio/credentials.json (mode
// 0600): the objects kept between runs need the same ones. Only the record gateways get them
// (devnet-gateways.ts passes them in their environment); workstations never do.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { PEER_ORGS, port, type DevnetConfig, type PeerOrg } from '../devnet/config.ts';
import { alivePid, logFile, startDaemon, waitFor } from '../devnet/proc.ts';
import type { StatusLine } from '../devnet/network.ts';
import { cachedMinioBinary, minioReady } from '../s3/minio.ts';

export const STORAGE_NAME = 'minio';
/** How long the storage and the gateways run without an `up` (a working day and then some). */
export const SERVICE_LIFETIME_MS = 12 * 60 * 60_000;
export const STORAGE_REGION = 'us-east-1';

export interface StorageCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Each hospital's own bucket (the names the demo world has always used). */
export function bucketOf(org: PeerOrg): string {
  return org.key === 'hospitala' ? 'hospital-a-records' : 'hospital-b-records';
}

export function storageUrl(cfg: DevnetConfig): string {
  return `http://127.0.0.1:${port(cfg, STORAGE_NAME)}`;
}

/**
 * The storage's root credentials, made on first use. A state dir whose demo world ran its own
 * storage before (demo/storage, credentials in demo/world.json) keeps its objects: they move here.
 */
export function storageCredentials(cfg: DevnetConfig): StorageCredentials {
  const dir = join(cfg.stateDir, STORAGE_NAME);
  const file = join(dir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StorageCredentials;
  mkdirSync(dir, { recursive: true });
  const olderData = join(cfg.stateDir, 'demo', 'storage');
  const olderMarker = join(cfg.stateDir, 'demo', 'world.json');
  const older = existsSync(olderMarker)
    ? (JSON.parse(readFileSync(olderMarker, 'utf8')) as { storage?: StorageCredentials }).storage
    : undefined;
  if (older && existsSync(olderData) && !existsSync(join(dir, 'data'))) {
    renameSync(olderData, join(dir, 'data'));
  }
  const fresh: StorageCredentials = older ?? {
    accessKeyId: `devnet-${randomBytes(6).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(fresh, null, 2) + '\n', { mode: 0o600 });
  return fresh;
}

/** Starts the storage unless it runs already, waits for it, and makes the hospitals' buckets. */
export async function startStorage(cfg: DevnetConfig): Promise<void> {
  const binary = cachedMinioBinary();
  if (!binary) throw new Error('MinIO is not built: run npm run setup (or npm run s3:build)');
  const dir = join(cfg.stateDir, STORAGE_NAME);
  const credentials = storageCredentials(cfg);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const { pid, started } = startDaemon(
    cfg,
    STORAGE_NAME,
    'timeout',
    [
      '--kill-after=5',
      String(Math.ceil(SERVICE_LIFETIME_MS / 1000)),
      binary,
      'server',
      dataDir,
      '--address',
      `127.0.0.1:${port(cfg, STORAGE_NAME)}`,
      '--console-address',
      `127.0.0.1:${port(cfg, `${STORAGE_NAME}-console`)}`,
      '--quiet',
    ],
    {
      // A clean environment: no AWS_* or MINIO_* settings leak in from the developer's shell.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        MINIO_ROOT_USER: credentials.accessKeyId,
        MINIO_ROOT_PASSWORD: credentials.secretAccessKey,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
        MINIO_CI_CD: 'on',
      },
      cwd: dir,
    },
  );
  if (started) cfg.log(`started ${STORAGE_NAME} (record storage)`);
  await waitFor(
    `${STORAGE_NAME} to answer S3 requests`,
    () => minioReady(port(cfg, STORAGE_NAME)),
    cfg.waitMs,
    {
      intervalMs: 300,
      logHint: logFile(cfg, STORAGE_NAME),
      isAlive: () => alivePid(cfg, STORAGE_NAME) === pid,
    },
  );
  const s3 = new S3Client({
    endpoint: storageUrl(cfg),
    region: STORAGE_REGION,
    forcePathStyle: true,
    credentials,
  });
  try {
    for (const org of PEER_ORGS) {
      await s3.send(new CreateBucketCommand({ Bucket: bucketOf(org) })).catch((e: unknown) => {
        if ((e as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw e;
      });
    }
  } finally {
    s3.destroy();
  }
  cfg.log(`${STORAGE_NAME} at ${storageUrl(cfg)} (buckets ${PEER_ORGS.map(bucketOf).join(', ')})`);
}

export async function storageStatus(cfg: DevnetConfig): Promise<StatusLine[]> {
  if (cfg.ports[STORAGE_NAME] === undefined) return [];
  return [
    {
      name: STORAGE_NAME,
      pid: alivePid(cfg, STORAGE_NAME),
      endpoint: storageUrl(cfg),
      answers: await minioReady(port(cfg, STORAGE_NAME)),
      detail: 'record storage (S3; only the gateways hold its credentials)',
    },
  ];
}
