// The local development network: `up`, `down`, `status`, `reset`.
//
// Written in TypeScript (run with `npx tsx`) because the steps need real checks and waits (is this
// process ours, is the channel joined, which sequence is committed), and so the smoke test can call
// the same functions. The chaincode builder scripts (builder/bin) and the binary build
// (build-fabric.sh) are bash: the peer execs the former, the latter is a straight list of `go` commands.
//
// Peer and orderer run from the Fabric module's own sampleconfig (core.yaml, orderer.yaml, read-only in
// the Go module cache) with every setting that differs given as CORE_* / ORDERER_* environment variables.
// One setting cannot be given that way: vm.endpoint must be empty (no Docker), and viper ignores empty
// environment values; so the peer reads a copy of the sample core.yaml in the state dir with only that
// line changed (peerConfigDir).
// configtx.yaml is generated into the state dir (JSON, which is YAML) with the sample's policies.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHAINCODE_NAME,
  CHAINCODE_VERSION,
  DEVNET_DIR,
  HEALTH_QUERY,
  HOST,
  ORDERER_ORG,
  PEER_ORGS,
  locateBinaries,
  ordererNames,
  port,
  type DevnetConfig,
  type PeerOrg,
} from './config.ts';
import { endorseThroughGateway } from './endorsable.ts';
import { pacsStatus, startPacs } from '../hospital/devnet-pacs.ts';
import { gatewayStatus, startGateways } from '../hospital/devnet-gateways.ts';
import { startStorage, storageStatus } from '../hospital/devnet-storage.ts';
import { ehrStatus, launchEhr, waitForEhr } from '../hospital/devnet-ehr.ts';
import {
  caAnswers,
  caCert,
  caOrgs,
  ensureIdentity,
  identitiesOf,
  identityDir,
  orgMsp,
  startCa,
  writeOrgMsp,
} from './pki.ts';
import {
  alivePid,
  httpsGet,
  logFile,
  managedNames,
  run,
  startDaemon,
  stopDaemon,
  tcpOpen,
  waitFor,
  withLock,
} from './proc.ts';

const BATCH_TIMEOUT = process.env.DEVNET_BATCH_TIMEOUT ?? '500ms';
const BATCH_MAX_MESSAGES = Number(process.env.DEVNET_BATCH_MAX_MESSAGES ?? 50);

// ---------------------------------------------------------------- paths

const ordererDir = (cfg: DevnetConfig, o: string) => identityDir(cfg, 'orderer', o);
const ordererAdmin = (cfg: DevnetConfig) => identityDir(cfg, 'orderer', 'Admin');
const peerDir = (cfg: DevnetConfig, org: PeerOrg) => identityDir(cfg, org.key, 'peer0');
const adminDir = (cfg: DevnetConfig, org: PeerOrg) => identityDir(cfg, org.key, 'Admin');
const genesisBlock = (cfg: DevnetConfig) => join(cfg.stateDir, 'channel', `${cfg.channel}.block`);
const ccDir = (cfg: DevnetConfig, org: PeerOrg) => join(cfg.stateDir, 'chaincode', org.key);
const profilePath = (cfg: DevnetConfig, org: PeerOrg) =>
  join(cfg.stateDir, 'profiles', `${org.key}.json`);
const BUILDER_DIR = join(DEVNET_DIR, 'builder');

// ---------------------------------------------------------------- persisted settings

interface Persisted {
  orderers: number;
  channel: string;
  ports: Record<string, number>;
}

/** The first `up` fixes orderer count, channel and ports; a later `up` with others must `reset` first. */
function checkPersisted(cfg: DevnetConfig): void {
  const file = join(cfg.stateDir, 'network.json');
  const mine: Persisted = { orderers: cfg.orderers, channel: cfg.channel, ports: cfg.ports };
  if (existsSync(file)) {
    const old = JSON.parse(readFileSync(file, 'utf8')) as Persisted;
    const diffs: string[] = [];
    if (old.orderers !== mine.orderers) diffs.push(`orderers ${old.orderers} → ${mine.orderers}`);
    if (old.channel !== mine.channel) diffs.push(`channel ${old.channel} → ${mine.channel}`);
    // A port added to the table since (a new hospital service) is not a change of settings.
    for (const [k, v] of Object.entries(mine.ports))
      if (k in old.ports && old.ports[k] !== v) diffs.push(`port ${k} ${old.ports[k]} → ${v}`);
    if (diffs.length) {
      throw new Error(
        `the network in ${cfg.stateDir} was created with other settings (${diffs.slice(0, 5).join(', ')}); ` +
          `run reset first, or use another state dir`,
      );
    }
    // Keep the new services' ports with the network, so `status` lists them too.
    if (Object.keys(mine.ports).some((k) => !(k in old.ports))) {
      writeFileSync(
        file,
        JSON.stringify({ ...old, ports: { ...mine.ports, ...old.ports } }, null, 2) + '\n',
      );
    }
  } else {
    mkdirSync(cfg.stateDir, { recursive: true });
    writeFileSync(file, JSON.stringify(mine, null, 2) + '\n');
  }
}

// ---------------------------------------------------------------- environments

function baseEnv(cfg: DevnetConfig, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    FABRIC_CFG_PATH: cfg.bins.sampleConfig,
    FABRIC_LOGGING_SPEC: process.env.DEVNET_LOGGING_SPEC ?? 'INFO',
    // The default format has terminal colours; log files get plain text.
    FABRIC_LOGGING_FORMAT:
      '%{time:2006-01-02 15:04:05.000 MST} %{id:04x} %{level:.4s} [%{module}] %{shortfunc} -> %{message}',
    ...extra,
  };
}

function ordererEnv(cfg: DevnetConfig, o: string): NodeJS.ProcessEnv {
  const d = ordererDir(cfg, o);
  const tls = join(d, 'tls');
  const data = join(d, 'data');
  const ca = caCert(cfg, 'orderer');
  return baseEnv(cfg, {
    ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
    ORDERER_GENERAL_LISTENPORT: String(port(cfg, o)),
    ORDERER_GENERAL_LOCALMSPID: ORDERER_ORG.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: join(d, 'msp'),
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_GENERAL_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_GENERAL_TLS_ROOTCAS: `[${ca}]`,
    // Raft traffic shares the general listener and authenticates with the node's TLS certificate.
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: join(tls, 'server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: join(tls, 'server.key'),
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_ADMIN_LISTENADDRESS: `127.0.0.1:${port(cfg, `${o}-admin`)}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${ca}]`,
    ORDERER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${port(cfg, `${o}-ops`)}`,
    ORDERER_OPERATIONS_TLS_ENABLED: 'true',
    ORDERER_OPERATIONS_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_OPERATIONS_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_OPERATIONS_TLS_CLIENTAUTHREQUIRED: 'false',
    ORDERER_OPERATIONS_TLS_CLIENTROOTCAS: `[${ca}]`,
    // Prometheus metrics on the operations endpoint: `up` reads consensus_etcdraft_is_leader from them.
    ORDERER_METRICS_PROVIDER: 'prometheus',
    ORDERER_FILELEDGER_LOCATION: join(data, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: join(data, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(data, 'etcdraft', 'snapshot'),
  });
}

/** sampleconfig/core.yaml with vm.endpoint emptied (see the top of this file). */
function peerConfigDir(cfg: DevnetConfig): string {
  const dir = join(cfg.stateDir, 'config', 'peer');
  const sample = readFileSync(join(cfg.bins.sampleConfig, 'core.yaml'), 'utf8');
  const line =
    /^(vm:\n(?:[ \t]*(?:#.*)?\n)*?[ \t]+endpoint:)[ \t]*unix:\/\/\/var\/run\/docker\.sock[ \t]*$/m;
  if (!line.test(sample))
    throw new Error(`${cfg.bins.sampleConfig}/core.yaml: vm.endpoint line not found`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'core.yaml'), sample.replace(line, '$1 ""'));
  return dir;
}

function peerEnv(cfg: DevnetConfig, org: PeerOrg): NodeJS.ProcessEnv {
  const d = peerDir(cfg, org);
  const tls = join(d, 'tls');
  const name = `peer-${org.key}`;
  const endpoint = `${HOST}:${port(cfg, name)}`;
  return baseEnv(cfg, {
    FABRIC_CFG_PATH: peerConfigDir(cfg),
    CORE_PEER_ID: `peer0.${org.domain}`,
    CORE_PEER_ADDRESS: endpoint,
    CORE_PEER_LISTENADDRESS: `127.0.0.1:${port(cfg, name)}`,
    CORE_PEER_CHAINCODEADDRESS: `${HOST}:${port(cfg, `${name}-cc`)}`,
    CORE_PEER_CHAINCODELISTENADDRESS: `127.0.0.1:${port(cfg, `${name}-cc`)}`,
    CORE_PEER_GOSSIP_BOOTSTRAP: endpoint,
    CORE_PEER_GOSSIP_ENDPOINT: endpoint,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: endpoint,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: join(d, 'msp'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: join(tls, 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: join(tls, 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: join(tls, 'ca.crt'),
    CORE_PEER_FILESYSTEMPATH: join(d, 'data'),
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(d, 'data', 'snapshots'),
    CORE_OPERATIONS_LISTENADDRESS: `127.0.0.1:${port(cfg, `${name}-ops`)}`,
    CORE_OPERATIONS_TLS_ENABLED: 'true',
    CORE_OPERATIONS_TLS_CERT_FILE: join(tls, 'server.crt'),
    CORE_OPERATIONS_TLS_KEY_FILE: join(tls, 'server.key'),
    CORE_OPERATIONS_TLS_CLIENTAUTHREQUIRED: 'false',
    // No Docker (vm.endpoint is empty in peerConfigDir): chaincode only through our external builder.
    CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: action-ehr-ccaas, path: ${BUILDER_DIR}, propagateEnvironment: [ACTION_EHR_CC_CLIENT_CERT, ACTION_EHR_CC_CLIENT_KEY]}]`,
    // The builder puts the peer's TLS client certificate into connection.json, so no key is in the package.
    ACTION_EHR_CC_CLIENT_CERT: join(tls, 'server.crt'),
    ACTION_EHR_CC_CLIENT_KEY: join(tls, 'server.key'),
  });
}

/** Environment for the peer CLI acting as the organisation's MSP admin against its own peer. */
function adminCliEnv(cfg: DevnetConfig, org: PeerOrg): NodeJS.ProcessEnv {
  return baseEnv(cfg, {
    FABRIC_LOGGING_SPEC: 'WARNING',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: join(adminDir(cfg, org), 'msp'),
    CORE_PEER_ADDRESS: `${HOST}:${port(cfg, `peer-${org.key}`)}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: caCert(cfg, org.key),
  });
}

const fabric = (cfg: DevnetConfig, b: string) => join(cfg.bins.fabricBin, b);

/** Orderer flags for the peer CLI: the current Raft leader (any orderer would forward to it). */
async function ordererArgs(cfg: DevnetConfig): Promise<string[]> {
  const o = (await raftLeader(cfg)) ?? 'orderer0';
  return ['-o', `${HOST}:${port(cfg, o)}`, '--tls', '--cafile', caCert(cfg, 'orderer')];
}

// ---------------------------------------------------------------- channel config

function signaturePolicies(mspId: string, kind: 'peer' | 'orderer') {
  const member =
    kind === 'peer' ? `'${mspId}.admin', '${mspId}.peer', '${mspId}.client'` : `'${mspId}.member'`;
  return {
    Readers: { Type: 'Signature', Rule: `OR(${member})` },
    Writers: {
      Type: 'Signature',
      Rule: kind === 'peer' ? `OR('${mspId}.admin', '${mspId}.client')` : `OR('${mspId}.member')`,
    },
    Admins: { Type: 'Signature', Rule: `OR('${mspId}.admin')` },
    ...(kind === 'peer' ? { Endorsement: { Type: 'Signature', Rule: `OR('${mspId}.peer')` } } : {}),
  };
}

const implicit = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });

function writeConfigtx(cfg: DevnetConfig): string {
  const names = ordererNames(cfg.orderers);
  const ordererOrg = {
    Name: ORDERER_ORG.name,
    ID: ORDERER_ORG.mspId,
    MSPDir: orgMsp(cfg, 'orderer'),
    Policies: signaturePolicies(ORDERER_ORG.mspId, 'orderer'),
    OrdererEndpoints: names.map((o) => `${HOST}:${port(cfg, o)}`),
  };
  const peerOrgs = PEER_ORGS.map((org) => ({
    Name: org.name,
    ID: org.mspId,
    MSPDir: orgMsp(cfg, org.key),
    Policies: signaturePolicies(org.mspId, 'peer'),
    // In the channel's first block, so the two hospitals' peers find each other by gossip at once.
    AnchorPeers: [{ Host: HOST, Port: port(cfg, `peer-${org.key}`) }],
  }));
  const configtx = {
    Profiles: {
      DevnetChannel: {
        Policies: {
          Readers: implicit('ANY Readers'),
          Writers: implicit('ANY Writers'),
          Admins: implicit('MAJORITY Admins'),
        },
        Capabilities: { V2_0: true },
        Orderer: {
          OrdererType: 'etcdraft',
          BatchTimeout: BATCH_TIMEOUT,
          BatchSize: {
            MaxMessageCount: BATCH_MAX_MESSAGES,
            AbsoluteMaxBytes: '99 MB',
            PreferredMaxBytes: '2 MB',
          },
          EtcdRaft: {
            Consenters: names.map((o) => ({
              Host: HOST,
              Port: port(cfg, o),
              ClientTLSCert: join(ordererDir(cfg, o), 'tls', 'server.crt'),
              ServerTLSCert: join(ordererDir(cfg, o), 'tls', 'server.crt'),
            })),
            Options: {
              TickInterval: '500ms',
              ElectionTick: 10,
              HeartbeatTick: 1,
              MaxInflightBlocks: 5,
              SnapshotIntervalSize: '16 MB',
            },
          },
          Organizations: [ordererOrg],
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            BlockValidation: implicit('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: peerOrgs,
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            LifecycleEndorsement: implicit('MAJORITY Endorsement'),
            Endorsement: implicit('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
  const dir = join(cfg.stateDir, 'configtx');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'configtx.yaml'), JSON.stringify(configtx, null, 2) + '\n');
  return dir;
}

async function ensureGenesisBlock(cfg: DevnetConfig): Promise<void> {
  if (existsSync(genesisBlock(cfg))) return;
  const dir = writeConfigtx(cfg);
  mkdirSync(join(cfg.stateDir, 'channel'), { recursive: true });
  await run(
    fabric(cfg, 'configtxgen'),
    [
      '-profile',
      'DevnetChannel',
      '-channelID',
      cfg.channel,
      '-outputBlock',
      genesisBlock(cfg) + '.tmp',
    ],
    { env: baseEnv(cfg, { FABRIC_CFG_PATH: dir, FABRIC_LOGGING_SPEC: 'WARNING' }) },
  );
  // Written under a temporary name first: a half-written block must never look ready.
  writeFileSync(genesisBlock(cfg), readFileSync(genesisBlock(cfg) + '.tmp'));
  rmSync(genesisBlock(cfg) + '.tmp');
  cfg.log(`channel ${cfg.channel}: genesis block created`);
}

// ---------------------------------------------------------------- orderers

async function healthz(cfg: DevnetConfig, opsPort: number, ca: string): Promise<boolean> {
  const res = await httpsGet(`https://${HOST}:${opsPort}/healthz`, ca);
  return res.status === 200;
}

function osnadmin(cfg: DevnetConfig, o: string, args: string[], allowFail = false) {
  const admin = ordererAdmin(cfg);
  return run(
    fabric(cfg, 'osnadmin'),
    [
      'channel',
      ...args,
      '-o',
      `${HOST}:${port(cfg, `${o}-admin`)}`,
      '--ca-file',
      caCert(cfg, 'orderer'),
      '--client-cert',
      join(admin, 'tls', 'server.crt'),
      '--client-key',
      join(admin, 'tls', 'server.key'),
    ],
    { env: baseEnv(cfg, {}), allowFail },
  );
}

/** osnadmin prints "Status: 200" and a JSON body. */
function osnBody(stdout: string): { status: number; body: Record<string, unknown> } {
  const m = /Status:\s*(\d+)/.exec(stdout);
  const i = stdout.indexOf('{');
  let body: Record<string, unknown> = {};
  if (i >= 0) {
    try {
      body = JSON.parse(stdout.slice(i)) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
  }
  return { status: m ? Number(m[1]) : 0, body };
}

async function ordererChannelInfo(cfg: DevnetConfig, o: string) {
  const res = await osnadmin(cfg, o, ['list', '--channelID', cfg.channel], true);
  const { status, body } = osnBody(res.stdout);
  return status === 200 ? body : undefined;
}

async function startOrderer(cfg: DevnetConfig, o: string): Promise<void> {
  mkdirSync(join(ordererDir(cfg, o), 'data'), { recursive: true });
  const { started } = startDaemon(cfg, o, fabric(cfg, 'orderer'), [], { env: ordererEnv(cfg, o) });
  if (started) cfg.log(`started ${o} on :${port(cfg, o)} (admin :${port(cfg, `${o}-admin`)})`);
  await waitFor(
    `${o} to answer`,
    () => healthz(cfg, port(cfg, `${o}-ops`), caCert(cfg, 'orderer')),
    cfg.waitMs,
    {
      logHint: logFile(cfg, o),
      isAlive: () => alivePid(cfg, o) !== undefined,
    },
  );
}

async function joinOrderer(cfg: DevnetConfig, o: string): Promise<void> {
  if (!(await ordererChannelInfo(cfg, o))) {
    const res = await osnadmin(
      cfg,
      o,
      ['join', '--channelID', cfg.channel, '--config-block', genesisBlock(cfg)],
      true,
    );
    const { status, body } = osnBody(res.stdout);
    if (status !== 201 && status !== 405 /* already joined */) {
      throw new Error(
        `${o}: joining ${cfg.channel} failed: ${res.stdout.trim()} ${res.stderr.trim()} ${JSON.stringify(body)}`,
      );
    }
    cfg.log(`${o} joined channel ${cfg.channel}`);
  }
}

/** Which orderer is the channel's Raft leader now (from the operations endpoint's metrics). */
export async function raftLeader(cfg: DevnetConfig): Promise<string | undefined> {
  for (const o of ordererNames(cfg.orderers)) {
    // /metrics wants a client certificate once TLS is on: the orderer admin's TLS certificate.
    const admin = join(ordererAdmin(cfg), 'tls');
    const res = await httpsGet(
      `https://${HOST}:${port(cfg, `${o}-ops`)}/metrics`,
      caCert(cfg, 'orderer'),
      {
        certFile: join(admin, 'server.crt'),
        keyFile: join(admin, 'server.key'),
      },
    );
    const re = new RegExp(`^consensus_etcdraft_is_leader\\{channel="${cfg.channel}"\\} 1$`, 'm');
    if (res.status === 200 && re.test(res.body)) return o;
  }
  return undefined;
}

async function waitOrderersActive(cfg: DevnetConfig): Promise<void> {
  for (const o of ordererNames(cfg.orderers)) {
    await waitFor(
      `${o} to be an active consenter of ${cfg.channel}`,
      async () => {
        const info = await ordererChannelInfo(cfg, o);
        return info?.status === 'active' && info.consensusRelation === 'consenter';
      },
      cfg.waitMs,
      { intervalMs: 1000, logHint: logFile(cfg, o) },
    );
  }
  const leader = await waitFor(
    `a Raft leader on ${cfg.channel}`,
    () => raftLeader(cfg),
    cfg.waitMs,
    { intervalMs: 500 },
  );
  if (cfg.orderers > 1) cfg.log(`Raft leader of ${cfg.channel}: ${leader}`);
}

// ---------------------------------------------------------------- peers

async function startPeer(cfg: DevnetConfig, org: PeerOrg): Promise<void> {
  const name = `peer-${org.key}`;
  mkdirSync(join(peerDir(cfg, org), 'data'), { recursive: true });
  const { started } = startDaemon(cfg, name, fabric(cfg, 'peer'), ['node', 'start'], {
    env: peerEnv(cfg, org),
  });
  if (started) cfg.log(`started ${name} on :${port(cfg, name)}`);
  // The operations endpoint answers while the peer still opens its ledgers; its gRPC listener
  // (what `peer channel list` dials next) opens only after that, seconds later on a busy machine.
  await waitFor(
    `${name} to answer`,
    async () =>
      (await healthz(cfg, port(cfg, `${name}-ops`), caCert(cfg, org.key))) &&
      (await tcpOpen(port(cfg, name))),
    cfg.waitMs,
    {
      logHint: logFile(cfg, name),
      isAlive: () => alivePid(cfg, name) !== undefined,
    },
  );
}

async function peerChannels(cfg: DevnetConfig, org: PeerOrg): Promise<string[]> {
  const res = await run(fabric(cfg, 'peer'), ['channel', 'list'], { env: adminCliEnv(cfg, org) });
  const lines = res.stdout.split('\n').map((l) => l.trim());
  const i = lines.findIndex((l) => l.startsWith('Channels peers has joined'));
  return i < 0 ? [] : lines.slice(i + 1).filter(Boolean);
}

async function joinPeer(cfg: DevnetConfig, org: PeerOrg): Promise<void> {
  if ((await peerChannels(cfg, org)).includes(cfg.channel)) return;
  await run(fabric(cfg, 'peer'), ['channel', 'join', '-b', genesisBlock(cfg)], {
    env: adminCliEnv(cfg, org),
  });
  cfg.log(`peer-${org.key} joined channel ${cfg.channel}`);
}

// ---------------------------------------------------------------- chaincode

interface CcPackage {
  file: string;
  label: string;
  packageId: string;
}

/**
 * A chaincode-as-a-service package for one hospital: metadata.json (type "ccaas") and code.tar.gz
 * holding connection.json (address of that hospital's chaincode process, TLS required, its CA).
 * Made once and kept, so the package id stays the same across runs.
 */
async function ensurePackage(cfg: DevnetConfig, org: PeerOrg): Promise<CcPackage> {
  const dir = ccDir(cfg, org);
  mkdirSync(dir, { recursive: true });
  const label = `${CHAINCODE_NAME}_${CHAINCODE_VERSION}_${org.key}`;
  const connection = {
    address: `${HOST}:${port(cfg, `chaincode-${org.key}`)}`,
    dial_timeout: '10s',
    tls_required: true,
    client_auth_required: true,
    root_cert: readFileSync(caCert(cfg, org.key), 'utf8'),
  };
  const connText = JSON.stringify(connection, null, 2) + '\n';
  const file = join(dir, 'package.tar.gz');
  const connFile = join(dir, 'src', 'connection.json');
  if (!existsSync(file) || !existsSync(connFile) || readFileSync(connFile, 'utf8') !== connText) {
    const src = join(dir, 'src');
    rmSync(src, { recursive: true, force: true });
    mkdirSync(src, { recursive: true });
    writeFileSync(connFile, connText);
    writeFileSync(join(src, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }) + '\n');
    await run('tar', ['-czf', 'code.tar.gz', 'connection.json'], { cwd: src });
    await run('tar', ['-czf', file + '.tmp', 'metadata.json', 'code.tar.gz'], { cwd: src });
    writeFileSync(file, readFileSync(file + '.tmp'));
    rmSync(file + '.tmp');
  }
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { file, label, packageId: `${label}:${hash}` };
}

async function ensureInstalled(cfg: DevnetConfig, org: PeerOrg, pkg: CcPackage): Promise<void> {
  const env = adminCliEnv(cfg, org);
  const q = await run(
    fabric(cfg, 'peer'),
    ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'],
    { env },
  );
  const installed =
    (JSON.parse(q.stdout || '{}') as { installed_chaincodes?: { package_id: string }[] })
      .installed_chaincodes ?? [];
  if (installed.some((c) => c.package_id === pkg.packageId)) return;
  await run(fabric(cfg, 'peer'), ['lifecycle', 'chaincode', 'install', pkg.file], {
    env,
    timeoutMs: 300_000,
  });
  cfg.log(`chaincode installed on peer-${org.key}: ${pkg.packageId}`);
}

async function startChaincode(cfg: DevnetConfig, org: PeerOrg, pkg: CcPackage): Promise<void> {
  const name = `chaincode-${org.key}`;
  const pidOk = alivePid(cfg, name);
  const idFile = join(ccDir(cfg, org), 'running-package-id');
  // A process serving an older package id (ports changed, package rebuilt) is replaced.
  if (pidOk && existsSync(idFile) && readFileSync(idFile, 'utf8') !== pkg.packageId)
    await stopDaemon(cfg, name);
  const server = join(cfg.chaincodeDir, 'dist', 'server.js');
  const tls = join(identityDir(cfg, org.key, 'chaincode'), 'tls');
  const { started } = startDaemon(cfg, name, process.execPath, [server], {
    cwd: cfg.chaincodeDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      CHAINCODE_ID: pkg.packageId,
      CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port(cfg, name)}`,
      CHAINCODE_TLS_CERT: join(tls, 'server.crt'),
      CHAINCODE_TLS_KEY: join(tls, 'server.key'),
      CHAINCODE_CLIENT_CA_CERT: caCert(cfg, org.key),
      ACTION_EHR_BREAK_GLASS_MAX_HOURS: String(cfg.breakGlassMaxHours),
      CORE_CHAINCODE_LOGGING_LEVEL: process.env.DEVNET_CHAINCODE_LOGGING_LEVEL ?? 'INFO',
    },
  });
  writeFileSync(idFile, pkg.packageId);
  if (started) cfg.log(`started ${name} on :${port(cfg, name)}`);
  await waitFor(`${name} to listen`, () => tcpOpen(port(cfg, name)), cfg.waitMs, {
    logHint: logFile(cfg, name),
    isAlive: () => alivePid(cfg, name) !== undefined,
  });
}

interface Committed {
  sequence: number;
  approvals: Record<string, boolean>;
}

async function queryCommitted(cfg: DevnetConfig, org: PeerOrg): Promise<Committed | undefined> {
  const res = await run(
    fabric(cfg, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'querycommitted',
      '--channelID',
      cfg.channel,
      '--name',
      CHAINCODE_NAME,
      '--output',
      'json',
    ],
    { env: adminCliEnv(cfg, org), allowFail: true },
  );
  if (res.code !== 0) {
    if (/not found|does not exist|is not defined/i.test(res.stderr)) return undefined;
    throw new Error(`querycommitted failed: ${res.stderr.trim()}`);
  }
  return JSON.parse(res.stdout) as Committed;
}

async function queryApprovedPackage(
  cfg: DevnetConfig,
  org: PeerOrg,
  sequence: number,
): Promise<string | undefined> {
  const res = await run(
    fabric(cfg, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'queryapproved',
      '--channelID',
      cfg.channel,
      '--name',
      CHAINCODE_NAME,
      '--sequence',
      String(sequence),
      '--output',
      'json',
    ],
    { env: adminCliEnv(cfg, org), allowFail: true },
  );
  if (res.code !== 0) return undefined;
  const j = JSON.parse(res.stdout) as {
    source?: { Type?: { LocalPackage?: { package_id?: string } } };
  };
  return j.source?.Type?.LocalPackage?.package_id;
}

function definitionArgs(sequence: number): string[] {
  return ['--name', CHAINCODE_NAME, '--version', CHAINCODE_VERSION, '--sequence', String(sequence)];
}

/**
 * Approve (each hospital, its own package) and commit, unless the committed definition already
 * points both hospitals at the packages they run now; otherwise a new sequence is defined.
 */
async function ensureDefinition(cfg: DevnetConfig, pkgs: Map<string, CcPackage>): Promise<void> {
  const first = PEER_ORGS[0]!;
  const committed = await queryCommitted(cfg, first);
  if (committed) {
    const current = await Promise.all(
      PEER_ORGS.map(
        async (org) =>
          (await queryApprovedPackage(cfg, org, committed.sequence)) ===
          pkgs.get(org.key)!.packageId,
      ),
    );
    if (current.every(Boolean)) return;
  }
  const sequence = (committed?.sequence ?? 0) + 1;
  for (const org of PEER_ORGS) {
    if ((await queryApprovedPackage(cfg, org, sequence)) === pkgs.get(org.key)!.packageId) continue;
    await run(
      fabric(cfg, 'peer'),
      [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...(await ordererArgs(cfg)),
        '--channelID',
        cfg.channel,
        ...definitionArgs(sequence),
        '--package-id',
        pkgs.get(org.key)!.packageId,
        '--waitForEventTimeout',
        '60s',
      ],
      { env: adminCliEnv(cfg, org) },
    );
    cfg.log(`chaincode definition sequence ${sequence} approved by ${org.name}`);
  }
  const peers = PEER_ORGS.flatMap((org) => [
    '--peerAddresses',
    `${HOST}:${port(cfg, `peer-${org.key}`)}`,
    '--tlsRootCertFiles',
    caCert(cfg, org.key),
  ]);
  await run(
    fabric(cfg, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'commit',
      ...(await ordererArgs(cfg)),
      '--channelID',
      cfg.channel,
      ...definitionArgs(sequence),
      ...peers,
      '--waitForEventTimeout',
      '60s',
    ],
    { env: adminCliEnv(cfg, first) },
  );
  cfg.log(`chaincode ${CHAINCODE_NAME} sequence ${sequence} committed on ${cfg.channel}`);
}

/** Evaluates the health query on the organisation's own peer; returns the chaincode's answer. */
export async function queryChaincode(
  cfg: DevnetConfig,
  org: PeerOrg,
  call = HEALTH_QUERY,
): Promise<string> {
  const res = await run(
    fabric(cfg, 'peer'),
    [
      'chaincode',
      'query',
      '--channelID',
      cfg.channel,
      '--name',
      CHAINCODE_NAME,
      '--ctor',
      JSON.stringify(call),
    ],
    { env: adminCliEnv(cfg, org), timeoutMs: 30_000 },
  );
  return res.stdout.trim();
}

/**
 * Submits a transaction through the organisation's peer CLI, endorsed by both hospitals' peers,
 * and waits until it is committed on both; returns the chaincode's answer. `identity` is one of
 * the organisation's enrolled identities (Admin, appadmin).
 */
export async function submitChaincode(
  cfg: DevnetConfig,
  org: PeerOrg,
  call: { function: string; Args: string[] },
  identity = 'Admin',
): Promise<string> {
  const env = {
    ...adminCliEnv(cfg, org),
    CORE_PEER_MSPCONFIGPATH: join(identityDir(cfg, org.key, identity), 'msp'),
    FABRIC_LOGGING_SPEC: 'INFO',
  };
  const peers = PEER_ORGS.flatMap((o) => [
    '--peerAddresses',
    `${HOST}:${port(cfg, `peer-${o.key}`)}`,
    '--tlsRootCertFiles',
    caCert(cfg, o.key),
  ]);
  const res = await run(
    fabric(cfg, 'peer'),
    [
      'chaincode',
      'invoke',
      ...(await ordererArgs(cfg)),
      '--channelID',
      cfg.channel,
      '--name',
      CHAINCODE_NAME,
      ...peers,
      '--ctor',
      JSON.stringify(call),
      '--waitForEvent',
    ],
    { env, timeoutMs: 60_000 },
  );
  const out = res.stdout + res.stderr;
  const valid = out.match(/committed with status \(VALID\)/g)?.length ?? 0;
  if (valid < PEER_ORGS.length)
    throw new Error(`transaction not committed VALID on every peer:\n${out}`);
  const m = /result: status:200 payload:"((?:[^"\\]|\\.)*)"/.exec(out);
  return m ? (JSON.parse(`"${m[1]!}"`) as string) : '';
}

// ---------------------------------------------------------------- connection profiles

export interface ConnectionProfile {
  name: string;
  organization: string;
  mspId: string;
  channel: string;
  chaincode: string;
  peer: { endpoint: string; tlsCACertPath: string; hostnameOverride: string | null };
  ca: { url: string; caName: string; tlsCACertPath: string };
  identities: Record<string, { certPath: string; keyPath: string; mspDir: string }>;
}

function writeProfiles(cfg: DevnetConfig): void {
  mkdirSync(join(cfg.stateDir, 'profiles'), { recursive: true });
  for (const org of PEER_ORGS) {
    const ident = (id: string) => {
      const msp = join(identityDir(cfg, org.key, id), 'msp');
      return {
        certPath: join(msp, 'signcerts', 'cert.pem'),
        keyPath: join(msp, 'keystore', 'key.pem'),
        mspDir: msp,
      };
    };
    const profile: ConnectionProfile = {
      name: `action-ehr-devnet-${org.key}`,
      organization: org.name,
      mspId: org.mspId,
      channel: cfg.channel,
      chaincode: CHAINCODE_NAME,
      // The peer's TLS certificate has localhost and 127.0.0.1 as SANs: no override is needed.
      peer: {
        endpoint: `${HOST}:${port(cfg, `peer-${org.key}`)}`,
        tlsCACertPath: caCert(cfg, org.key),
        hostnameOverride: null,
      },
      ca: {
        url: `https://${HOST}:${port(cfg, `ca-${org.key}`)}`,
        caName: `ca-${org.key}`,
        tlsCACertPath: caCert(cfg, org.key),
      },
      identities: { admin: ident('Admin'), appadmin: ident('appadmin'), gateway: ident('gateway') },
    };
    writeFileSync(profilePath(cfg, org), JSON.stringify(profile, null, 2) + '\n');
  }
}

export function readProfile(cfg: DevnetConfig, org: PeerOrg): ConnectionProfile {
  return JSON.parse(readFileSync(profilePath(cfg, org), 'utf8')) as ConnectionProfile;
}

// ---------------------------------------------------------------- watchdog

/**
 * With `ownerPid`, a small detached watcher stops every process of this network as soon as that
 * process is gone (a test runner that crashed or was killed leaves nothing behind).
 */
function startWatchdog(cfg: DevnetConfig, ownerPid: number, wipe: boolean): void {
  if (alivePid(cfg, 'watchdog')) return;
  startDaemon(
    cfg,
    'watchdog',
    process.execPath,
    [
      join(DEVNET_DIR, 'watchdog.mjs'),
      cfg.runDir,
      String(ownerPid),
      ...(wipe ? ['--wipe', cfg.stateDir] : []),
    ],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    },
  );
}

// ---------------------------------------------------------------- up / down / status / reset

export interface UpOptions {
  /** Build the Fabric binaries when they are not cached (default true). */
  build?: boolean;
  /** Stop the network (see startWatchdog) when this process exits. */
  ownerPid?: number;
  /** With ownerPid: also delete the state dir then (for throwaway test networks). */
  wipeWithOwner?: boolean;
  /** Start each hospital's PACS (Orthanc) too (default true; test networks start their own). */
  pacs?: boolean;
  /** Start each hospital's EHR (HAPI FHIR) too (default true; test networks start their own). */
  ehr?: boolean;
  /**
   * Start the record storage (MinIO) and each hospital's record gateway, published on the
   * ledger, too (default true; test networks start their own).
   */
  gateways?: boolean;
}

export async function ensureBinaries(cfg: DevnetConfig, build: boolean): Promise<void> {
  if (cfg.bins.ready) return;
  if (!build)
    throw new Error(
      `Fabric binaries are not built: missing ${cfg.bins.missing.join(', ')}; run scripts/devnet/build-fabric.sh`,
    );
  cfg.log('Fabric binaries are not cached yet: building them (several minutes on 2 cores)');
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn('bash', [join(DEVNET_DIR, 'build-fabric.sh')], { stdio: 'inherit' });
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`build-fabric.sh exited with ${code}`)),
    );
    child.on('error', reject);
  });
  cfg.bins = locateBinaries();
  if (!cfg.bins.ready)
    throw new Error(`still missing after the build: ${cfg.bins.missing.join(', ')}`);
}

export async function up(cfg: DevnetConfig, opts: UpOptions = {}): Promise<void> {
  return withLock(cfg, () => upLocked(cfg, opts));
}

async function upLocked(cfg: DevnetConfig, opts: UpOptions): Promise<void> {
  const t0 = Date.now();
  await ensureBinaries(cfg, opts.build ?? true);
  const server = join(cfg.chaincodeDir, 'dist', 'server.js');
  if (!existsSync(server))
    throw new Error(
      `${server} is missing: run \`npm --prefix ${cfg.chaincodeDir} run build\` first`,
    );
  checkPersisted(cfg);
  mkdirSync(cfg.logDir, { recursive: true });
  if (opts.ownerPid) startWatchdog(cfg, opts.ownerPid, opts.wipeWithOwner ?? false);
  // The EHRs start slowest and need nothing of Fabric: launched first, waited for last.
  const ehr = opts.ehr ?? true;
  if (ehr) launchEhr(cfg);

  const orgs = caOrgs();
  await Promise.all(orgs.map((org) => startCa(cfg, org)));
  for (const org of orgs) {
    for (const spec of identitiesOf(cfg, org, ordererNames(cfg.orderers)))
      await ensureIdentity(cfg, org.key, spec);
    writeOrgMsp(cfg, org.key);
  }

  await ensureGenesisBlock(cfg);
  const orderers = ordererNames(cfg.orderers);
  await Promise.all(orderers.map((o) => startOrderer(cfg, o)));
  for (const o of orderers) await joinOrderer(cfg, o);
  await waitOrderersActive(cfg);

  await Promise.all(PEER_ORGS.map((org) => startPeer(cfg, org)));
  for (const org of PEER_ORGS) await joinPeer(cfg, org);

  const pkgs = new Map<string, CcPackage>();
  for (const org of PEER_ORGS) {
    const pkg = await ensurePackage(cfg, org);
    pkgs.set(org.key, pkg);
    await ensureInstalled(cfg, org, pkg);
    await startChaincode(cfg, org, pkg);
  }
  await ensureDefinition(cfg, pkgs);

  for (const org of PEER_ORGS) {
    const answer = await waitFor(
      `the chaincode to answer on peer-${org.key}`,
      () => queryChaincode(cfg, org),
      cfg.waitMs,
      {
        intervalMs: 1000,
        logHint: logFile(cfg, `chaincode-${org.key}`),
      },
    );
    cfg.log(`peer-${org.key} ${HEALTH_QUERY.function} → ${answer}`);
  }
  for (const org of PEER_ORGS) {
    await waitFor(
      `peer-${org.key}'s gateway to find both hospitals' peers for an endorsement`,
      () => endorseThroughGateway(cfg, org),
      cfg.waitMs,
      { intervalMs: 1000, logHint: logFile(cfg, `peer-${org.key}`) },
    );
  }
  cfg.log('both gateways can endorse with both hospitals');
  if (opts.pacs ?? true) await startPacs(cfg);
  if (ehr) await waitForEhr(cfg);
  writeProfiles(cfg);
  if (opts.gateways ?? true) {
    await startStorage(cfg);
    await startGateways(cfg, (org) => profilePath(cfg, org));
  }
  cfg.log(
    `network up in ${((Date.now() - t0) / 1000).toFixed(1)} s; profiles in ${join(cfg.stateDir, 'profiles')}, logs in ${cfg.logDir}`,
  );
}

/** Stops, in reverse order of dependence, every process this state dir's pid files name. */
export async function down(cfg: DevnetConfig): Promise<string[]> {
  if (!existsSync(cfg.stateDir)) return [];
  return withLock(cfg, () => downLocked(cfg));
}

/** Stops the chaincode processes only (`up` then starts them again on the current dist/). */
export async function stopChaincode(cfg: DevnetConfig): Promise<string[]> {
  if (!existsSync(cfg.stateDir)) return [];
  return withLock(cfg, async () => {
    const names = managedNames(cfg).filter((n) => n.startsWith('chaincode-'));
    await Promise.all(names.map((n) => stopDaemon(cfg, n)));
    return names;
  });
}

async function downLocked(cfg: DevnetConfig): Promise<string[]> {
  const names = managedNames(cfg);
  const rank = (n: string) =>
    n === 'watchdog'
      ? 0
      : n.startsWith('chaincode-') || n.startsWith('gateway-')
        ? 1
        : n.startsWith('peer-')
          ? 2
          : n.startsWith('orderer')
            ? 3
            : n.startsWith('ca-')
              ? 4
              : 5;
  const stopped: string[] = [];
  for (const r of [0, 1, 2, 3, 4, 5]) {
    const group = names.filter((n) => rank(n) === r);
    const res = await Promise.all(
      group.map(async (n) => ((await stopDaemon(cfg, n)) ? n : undefined)),
    );
    stopped.push(...res.filter((n): n is string => n !== undefined));
  }
  return stopped;
}

export async function reset(cfg: DevnetConfig): Promise<void> {
  await down(cfg);
  rmSync(join(cfg.stateDir, '.lock'), { force: true });
  if (existsSync(cfg.stateDir)) {
    // Only a folder that looks like ours is wiped (a wrong DEVNET_STATE_DIR must not delete a home dir).
    if (!existsSync(join(cfg.stateDir, 'network.json')) && !existsSync(join(cfg.stateDir, 'run'))) {
      throw new Error(
        `${cfg.stateDir} does not look like a devnet state dir (no network.json); not deleting it`,
      );
    }
    rmSync(cfg.stateDir, { recursive: true, force: true });
  }
}

export interface StatusLine {
  name: string;
  pid: number | undefined;
  endpoint: string;
  answers: boolean;
  detail: string;
}

export async function status(cfg: DevnetConfig): Promise<StatusLine[]> {
  const lines: StatusLine[] = [];
  const persistedFile = join(cfg.stateDir, 'network.json');
  if (existsSync(persistedFile)) {
    const p = JSON.parse(readFileSync(persistedFile, 'utf8')) as Persisted;
    cfg.ports = p.ports;
    cfg.orderers = p.orderers;
    cfg.channel = p.channel;
  }
  for (const org of caOrgs()) {
    const name = `ca-${org.key}`;
    lines.push({
      name,
      pid: alivePid(cfg, name),
      endpoint: `${HOST}:${port(cfg, name)}`,
      answers: await caAnswers(cfg, org.key),
      detail: '',
    });
  }
  const leader = existsSync(join(ordererAdmin(cfg), 'tls', 'server.crt'))
    ? await raftLeader(cfg)
    : undefined;
  for (const o of ordererNames(cfg.orderers)) {
    const ok =
      existsSync(caCert(cfg, 'orderer')) &&
      (await healthz(cfg, port(cfg, `${o}-ops`), caCert(cfg, 'orderer')));
    let detail = '';
    if (ok && existsSync(join(ordererAdmin(cfg), 'tls', 'server.crt'))) {
      const info = await ordererChannelInfo(cfg, o).catch(() => undefined);
      detail = info
        ? `${cfg.channel}: ${String(info.status)} ${String(info.consensusRelation)} height ${String(info.height)}` +
          (leader === o ? ' (Raft leader)' : '')
        : `${cfg.channel}: not joined`;
    }
    lines.push({
      name: o,
      pid: alivePid(cfg, o),
      endpoint: `${HOST}:${port(cfg, o)}`,
      answers: ok,
      detail,
    });
  }
  for (const org of PEER_ORGS) {
    const name = `peer-${org.key}`;
    const ok =
      existsSync(caCert(cfg, org.key)) &&
      (await healthz(cfg, port(cfg, `${name}-ops`), caCert(cfg, org.key)));
    let detail = '';
    if (ok) {
      const ch = await peerChannels(cfg, org).catch(() => [] as string[]);
      detail = ch.length ? `channels: ${ch.join(', ')}` : 'no channel';
    }
    lines.push({
      name,
      pid: alivePid(cfg, name),
      endpoint: `${HOST}:${port(cfg, name)}`,
      answers: ok,
      detail,
    });
  }
  for (const org of PEER_ORGS) {
    const name = `chaincode-${org.key}`;
    const listening = await tcpOpen(port(cfg, name));
    let detail = '';
    let answers = false;
    if (listening && lines.find((l) => l.name === `peer-${org.key}`)?.answers) {
      try {
        detail = `via peer-${org.key}: ${await queryChaincode(cfg, org)}`;
        answers = true;
      } catch (e) {
        detail = `listening, query failed: ${(e as Error).message.split('\n').slice(-1)[0]}`;
      }
    } else if (listening) detail = 'listening';
    lines.push({
      name,
      pid: alivePid(cfg, name),
      endpoint: `${HOST}:${port(cfg, name)}`,
      answers,
      detail,
    });
  }
  lines.push(...(await pacsStatus(cfg)));
  lines.push(...(await ehrStatus(cfg)));
  lines.push(...(await storageStatus(cfg)));
  lines.push(...(await gatewayStatus(cfg)));
  const wd = alivePid(cfg, 'watchdog');
  if (wd)
    lines.push({
      name: 'watchdog',
      pid: wd,
      endpoint: '-',
      answers: true,
      detail: 'stops the network when its owner exits',
    });
  return lines;
}
