// Devnet configuration: where the binaries, state and logs live, which ports every process uses.
//
// Everything is overridable by environment variable (and the common ones by CLI flag, see cli.ts):
//   DEVNET_STATE_DIR      state folder (default <repo>/.devnet; gitignored)
//   DEVNET_BASE_PORT      first port of the block the network uses (default 17000)
//   DEVNET_PORT_<NAME>    one port, NAME as in portNames() upper-cased with '-' → '_',
//                         e.g. DEVNET_PORT_PEER_HOSPITALA=7051
//   DEVNET_ORDERERS       1 (default) or 3 Raft orderers
//   DEVNET_CHANNEL        channel name (default "ehr")
//   DEVNET_CHAINCODE_DIR  the chaincode package (default <repo>/chaincode; needs dist/server.js)
//   DEVNET_BREAK_GLASS_MAX_HOURS  passed to the chaincode as ACTION_EHR_BREAK_GLASS_MAX_HOURS (default 4)
//   ACTION_EHR_CACHE      binary cache (default ~/.cache/action-ehr), see build-fabric.sh
//   DEVNET_FABRIC_BIN, DEVNET_FABRIC_CA_BIN   use binaries from elsewhere instead of the cache
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEVNET_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(DEVNET_DIR, '..', '..');

export type OrgKey = 'hospitala' | 'hospitalb';

export interface PeerOrg {
  key: OrgKey;
  /** Organisation name in the channel config. */
  name: string;
  mspId: string;
  /** Domain used in identity names (peer0.<domain>), never resolved: everything is on loopback. */
  domain: string;
}

export const PEER_ORGS: readonly PeerOrg[] = [
  { key: 'hospitala', name: 'HospitalA', mspId: 'HospitalAMSP', domain: 'hospitala.example.org' },
  { key: 'hospitalb', name: 'HospitalB', mspId: 'HospitalBMSP', domain: 'hospitalb.example.org' },
];
export const ORDERER_ORG = {
  name: 'OrdererOrg',
  mspId: 'OrdererMSP',
  domain: 'orderer.example.org',
};

export const CHAINCODE_NAME = 'action-ehr';
export const CHAINCODE_VERSION = '1.0';
/** A query any channel member may run; `up` waits until it answers on every peer. */
export const HEALTH_QUERY = { function: 'BreakGlass:getPolicy', Args: [] as string[] };

export interface Versions {
  fabricModule: string;
  fabricVersion: string;
  fabricLabel: string;
  fabricCaModule: string;
  fabricCaVersion: string;
}

export function readVersions(): Versions {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(DEVNET_DIR, 'versions.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`versions.env lacks ${k}`);
    return v;
  };
  return {
    fabricModule: need('FABRIC_MODULE'),
    fabricVersion: need('FABRIC_VERSION'),
    fabricLabel: need('FABRIC_LABEL'),
    fabricCaModule: need('FABRIC_CA_MODULE'),
    fabricCaVersion: need('FABRIC_CA_VERSION'),
  };
}

export interface Binaries {
  fabricBin: string;
  caBin: string;
  /** The fabric module's sampleconfig/ (core.yaml, orderer.yaml), used read-only. */
  sampleConfig: string;
}

export type LocatedBinaries = Binaries & { ready: boolean; missing: string[] };

/** Where the binaries are (or will be) cached; `ready` is false when a build is needed. */
export function locateBinaries(env: NodeJS.ProcessEnv = process.env): LocatedBinaries {
  const v = readVersions();
  const cache = env.ACTION_EHR_CACHE ?? join(homedir(), '.cache', 'action-ehr');
  const fabricHome = join(cache, 'fabric', v.fabricVersion);
  const fabricBin = env.DEVNET_FABRIC_BIN ?? join(fabricHome, 'bin');
  const caBin = env.DEVNET_FABRIC_CA_BIN ?? join(cache, 'fabric-ca', v.fabricCaVersion, 'bin');
  const sourcePath = join(fabricHome, 'source.path');
  const gomodcache = env.GOMODCACHE ?? join(env.GOPATH ?? join(homedir(), 'go'), 'pkg', 'mod');
  const sourceDir = existsSync(sourcePath)
    ? readFileSync(sourcePath, 'utf8').trim()
    : join(gomodcache, 'github.com', 'hyperledger', `fabric@${v.fabricVersion}`);
  const sampleConfig = env.DEVNET_FABRIC_SAMPLECONFIG ?? join(sourceDir, 'sampleconfig');
  const missing = [
    ...['peer', 'orderer', 'configtxgen', 'osnadmin'].map((b) => join(fabricBin, b)),
    ...['fabric-ca-server', 'fabric-ca-client'].map((b) => join(caBin, b)),
    join(sampleConfig, 'core.yaml'),
    join(sampleConfig, 'orderer.yaml'),
  ].filter((p) => !existsSync(p));
  return { fabricBin, caBin, sampleConfig, ready: missing.length === 0, missing };
}

export interface DevnetConfig {
  stateDir: string;
  logDir: string;
  runDir: string;
  basePort: number;
  orderers: number;
  channel: string;
  chaincodeDir: string;
  breakGlassMaxHours: number;
  ports: Record<string, number>;
  bins: LocatedBinaries;
  /** Per-step timeout for waits (ms). */
  waitMs: number;
  /** Print progress lines (the CLI does, tests may not). */
  log: (line: string) => void;
}

export function ordererNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `orderer${i}`);
}

/**
 * Port layout relative to the base port. Orderers use the general listener for Raft traffic
 * too (no separate cluster port).
 */
export function defaultPortOffsets(orderers: number): Record<string, number> {
  const p: Record<string, number> = {
    'ca-orderer': 0,
    'ca-orderer-ops': 1,
    'ca-hospitala': 2,
    'ca-hospitala-ops': 3,
    'ca-hospitalb': 4,
    'ca-hospitalb-ops': 5,
    'peer-hospitala': 30,
    'peer-hospitala-cc': 31,
    'peer-hospitala-ops': 32,
    'peer-hospitalb': 40,
    'peer-hospitalb-cc': 41,
    'peer-hospitalb-ops': 42,
    'chaincode-hospitala': 50,
    'chaincode-hospitalb': 51,
    // Each hospital's PACS (scripts/hospital/orthanc.ts): REST + DICOMweb, then DICOM.
    'orthanc-hospitala': 60,
    'orthanc-hospitala-dicom': 61,
    'orthanc-hospitalb': 62,
    'orthanc-hospitalb-dicom': 63,
    // Each hospital's EHR (HAPI FHIR R4, scripts/hospital/devnet-ehr.ts).
    'ehr-hospitala': 70,
    'ehr-hospitalb': 71,
    // Each hospital's record gateway (src/gateway, scripts/hospital/devnet-gateways.ts) …
    'gateway-hospitala': 80,
    'gateway-hospitalb': 81,
    // … in front of its bucket on the record storage (MinIO, scripts/hospital/devnet-storage.ts).
    minio: 82,
    'minio-console': 83,
  };
  ordererNames(orderers).forEach((o, i) => {
    p[o] = 10 + i * 3;
    p[`${o}-admin`] = 11 + i * 3;
    p[`${o}-ops`] = 12 + i * 3;
  });
  return p;
}

export interface ConfigOptions {
  stateDir?: string;
  basePort?: number;
  orderers?: number;
  channel?: string;
  chaincodeDir?: string;
  log?: (line: string) => void;
  waitMs?: number;
  env?: NodeJS.ProcessEnv;
}

function intFrom(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

export function resolveConfig(opts: ConfigOptions = {}): DevnetConfig {
  const env = opts.env ?? process.env;
  const stateDir = resolve(opts.stateDir ?? env.DEVNET_STATE_DIR ?? join(REPO_ROOT, '.devnet'));
  // An existing network keeps the settings it was created with unless they are given again
  // explicitly (and then `up` refuses a change until `reset`).
  const persistedFile = join(stateDir, 'network.json');
  const persisted = existsSync(persistedFile)
    ? (JSON.parse(readFileSync(persistedFile, 'utf8')) as {
        orderers: number;
        channel: string;
        ports: Record<string, number>;
      })
    : undefined;
  const explicitBase = opts.basePort ?? intFrom('DEVNET_BASE_PORT', env.DEVNET_BASE_PORT);
  const explicitPorts = Object.keys(env).some((k) => k.startsWith('DEVNET_PORT_'));
  const basePort = explicitBase ?? persisted?.ports['ca-orderer'] ?? 17000;
  const orderers =
    opts.orderers ?? intFrom('DEVNET_ORDERERS', env.DEVNET_ORDERERS) ?? persisted?.orderers ?? 1;
  if (orderers !== 1 && orderers !== 3) throw new Error(`orderers must be 1 or 3, got ${orderers}`);
  const ports: Record<string, number> = {};
  for (const [name, off] of Object.entries(defaultPortOffsets(orderers))) {
    const envName = `DEVNET_PORT_${name.toUpperCase().replace(/-/g, '_')}`;
    const port = intFrom(envName, env[envName]) ?? basePort + off;
    if (port > 65535) throw new Error(`${envName}: port ${port} out of range`);
    ports[name] = port;
  }
  if (
    persisted &&
    explicitBase === undefined &&
    !explicitPorts &&
    persisted.orderers === orderers
  ) {
    Object.assign(ports, persisted.ports);
  }
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) throw new Error(`port ${port} is configured for both ${other} and ${name}`);
    seen.set(port, name);
  }
  const hours = intFrom('DEVNET_BREAK_GLASS_MAX_HOURS', env.DEVNET_BREAK_GLASS_MAX_HOURS) ?? 4;
  return {
    stateDir,
    logDir: join(stateDir, 'logs'),
    runDir: join(stateDir, 'run'),
    basePort,
    orderers,
    channel: opts.channel ?? env.DEVNET_CHANNEL ?? persisted?.channel ?? 'ehr',
    chaincodeDir: resolve(
      opts.chaincodeDir ?? env.DEVNET_CHAINCODE_DIR ?? join(REPO_ROOT, 'chaincode'),
    ),
    breakGlassMaxHours: hours,
    ports,
    bins: locateBinaries(env),
    waitMs: opts.waitMs ?? intFrom('DEVNET_WAIT_MS', env.DEVNET_WAIT_MS) ?? 90_000,
    log: opts.log ?? ((line) => console.log(`[devnet] ${line}`)),
  };
}

export function port(cfg: DevnetConfig, name: string): number {
  const p = cfg.ports[name];
  if (p === undefined) throw new Error(`no port named ${name}`);
  return p;
}

/** Loopback host name used in every endpoint and TLS certificate SAN. */
export const HOST = 'localhost';
