// Smoke test of the local Fabric network (scripts/devnet): brings a fresh network up in a temporary
// state dir on free ports, queries the chaincode through each hospital's peer, brings it down.
// Skips, saying why, when the Fabric binaries are not built (scripts/devnet/build-fabric.sh) or the
// chaincode is not compiled (npm --prefix chaincode run build).
// The network is started with this worker's pid as owner: if the test process dies, the devnet's
// watchdog stops every server within a second or two; a normal end stops them in afterAll.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PEER_ORGS,
  REPO_ROOT,
  defaultPortOffsets,
  locateBinaries,
  resolveConfig,
  type DevnetConfig,
} from '../../scripts/devnet/config.ts';
import {
  down,
  queryChaincode,
  readProfile,
  status,
  submitChaincode,
  up,
} from '../../scripts/devnet/network.ts';
import { managedNames } from '../../scripts/devnet/proc.ts';
import { bucketOf } from '../../scripts/hospital/devnet-storage.ts';
import { reservePortBlock, type PortBlock } from '../support/port-blocks';

const bins = locateBinaries();
const chaincodeServer = join(
  process.env.DEVNET_CHAINCODE_DIR ?? join(REPO_ROOT, 'chaincode'),
  'dist',
  'server.js',
);
const skipReason = !bins.ready
  ? `Fabric binaries not built (missing ${bins.missing.length} files, e.g. ${bins.missing[0]}); ` +
    'run `npx tsx scripts/devnet/cli.ts build` (or bash scripts/devnet/build-fabric.sh)'
  : !existsSync(chaincodeServer)
    ? `chaincode not compiled (${chaincodeServer} missing); run \`npm --prefix chaincode run build\``
    : undefined;
if (skipReason) console.warn(`[devnet smoke test] skipped: ${skipReason}`);

// HAPI FHIR's first start (both hospitals' EHRs) is the slow part on 2 cores.
const UP_BUDGET_MS = 480_000;

describe.skipIf(skipReason !== undefined)('devnet (real Fabric network on loopback)', () => {
  let cfg: DevnetConfig;
  let stateDir: string;
  let ports: PortBlock | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'ehr-devnet-'));
    ports = await reservePortBlock(Object.values(defaultPortOffsets(1)));
    cfg = resolveConfig({
      stateDir,
      basePort: ports.base,
      orderers: 1,
      waitMs: 60_000,
      log: (line) => lines.push(line),
    });
    const started = Date.now();
    try {
      await up(cfg, { build: false, ownerPid: process.pid, wipeWithOwner: true });
    } catch (e) {
      console.error(`[devnet smoke test] up failed; progress was:\n${lines.join('\n')}`);
      throw e;
    }
    console.log(
      `[devnet smoke test] network up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, UP_BUDGET_MS);

  afterAll(async () => {
    if (!cfg) return;
    try {
      await down(cfg);
      expect(managedNames(cfg)).toEqual([]);
      // The storage and the gateways are stopped with the rest.
      const after = await status(cfg);
      expect(
        after
          .filter((l) => l.name === 'minio' || l.name.startsWith('gateway-'))
          .map((l) => l.answers),
      ).toEqual([false, false, false]);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
      ports?.release();
    }
  }, 60_000);

  for (const org of PEER_ORGS) {
    it(`answers a chaincode query through ${org.name}'s peer`, async () => {
      const answer = JSON.parse(await queryChaincode(cfg, org)) as { maxHours: number };
      expect(answer.maxHours).toBe(cfg.breakGlassMaxHours);
    }, 60_000);

    it(`writes ${org.name}'s connection profile`, () => {
      const profile = readProfile(cfg, org);
      expect(profile.mspId).toBe(org.mspId);
      expect(profile.channel).toBe(cfg.channel);
      expect(profile.peer.endpoint).toBe(`localhost:${cfg.ports[`peer-${org.key}`]}`);
      expect(readFileSync(profile.peer.tlsCACertPath, 'utf8')).toContain('BEGIN CERTIFICATE');
      // The application administrator's certificate carries role=admin for the chaincode.
      const cert = readFileSync(profile.identities.appadmin!.certPath, 'utf8');
      expect(cert).toContain('BEGIN CERTIFICATE');
      expect(existsSync(profile.identities.appadmin!.keyPath)).toBe(true);
    });
  }

  it('orders and commits a transaction endorsed by both hospitals', async () => {
    const answer = await submitChaincode(cfg, PEER_ORGS[1]!, {
      function: 'BreakGlass:getPolicy',
      Args: [],
    });
    expect(JSON.parse(answer)).toMatchObject({ maxHours: cfg.breakGlassMaxHours });
  }, 90_000);

  it('reports every process as answering', async () => {
    const lines = await status(cfg);
    expect(lines.filter((l) => !l.answers).map((l) => l.name)).toEqual([]);
    expect(lines.map((l) => l.name)).toEqual(
      expect.arrayContaining([
        'orderer0',
        'peer-hospitala',
        'peer-hospitalb',
        'chaincode-hospitala',
        'orthanc-hospitala',
        'orthanc-hospitalb',
        'ehr-hospitala',
        'ehr-hospitalb',
        'minio',
        'gateway-hospitala',
        'gateway-hospitalb',
      ]),
    );
  }, 60_000);

  it('runs each hospital’s record gateway in front of its own bucket, published on the ledger', async () => {
    const published = JSON.parse(
      await queryChaincode(cfg, PEER_ORGS[0]!, {
        function: 'HospitalServices:listRecordGateways',
        Args: [],
      }),
    ) as { mspId: string; url: string; bucket: string; emergencyPublicKey: string }[];
    for (const org of PEER_ORGS) {
      const url = `http://127.0.0.1:${cfg.ports[`gateway-${org.key}`]}`;
      const info = (await (await fetch(`${url}/v1/info`)).json()) as {
        bucket: string;
        emergencyPublicKey: string;
      };
      expect(info.bucket).toBe(bucketOf(org));
      expect(published.find((g) => g.mspId === org.mspId)).toMatchObject({
        url,
        bucket: bucketOf(org),
        emergencyPublicKey: info.emergencyPublicKey,
      });
    }
    // The storage answers S3 requests, but not to anyone without its credentials.
    const anonymous = await fetch(`http://127.0.0.1:${cfg.ports.minio}/${bucketOf(PEER_ORGS[0]!)}`);
    expect(anonymous.status).toBe(403);
  }, 60_000);

  it('is idempotent: a second up starts nothing', async () => {
    const before = lines.length;
    await up(cfg, { build: false, ownerPid: process.pid });
    expect(lines.slice(before).filter((l) => l.startsWith('started'))).toEqual([]);
  }, 120_000);
});
