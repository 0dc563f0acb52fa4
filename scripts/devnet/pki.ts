// Certificate authorities and identities: one fabric-ca-server (TLS) per organisation; every
// identity of the network is registered and enrolled from it, with Node OUs on.
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { HOST, ORDERER_ORG, PEER_ORGS, port, type DevnetConfig } from './config.ts';
import { alivePid, httpsGet, logFile, run, startDaemon, waitFor } from './proc.ts';

/** `orderer`, `hospitala` or `hospitalb`. */
export type CaKey = 'orderer' | (typeof PEER_ORGS)[number]['key'];

export interface CaOrg {
  key: CaKey;
  name: string;
  mspId: string;
  domain: string;
}

export function caOrgs(): CaOrg[] {
  return [{ key: 'orderer', ...ORDERER_ORG }, ...PEER_ORGS];
}

export const orgDir = (cfg: DevnetConfig, key: CaKey) => join(cfg.stateDir, 'orgs', key);
export const caHome = (cfg: DevnetConfig, key: CaKey) => join(orgDir(cfg, key), 'ca');
/** The CA's self-signed root: signs every enrollment and TLS certificate of the organisation. */
export const caCert = (cfg: DevnetConfig, key: CaKey) => join(caHome(cfg, key), 'ca-cert.pem');
export const caName = (key: CaKey) => `ca-${key}`;
export const caUrl = (cfg: DevnetConfig, key: CaKey) => `https://${HOST}:${port(cfg, `ca-${key}`)}`;
/** The organisation's MSP (cacerts, tlscacerts, Node OU config) used in the channel config. */
export const orgMsp = (cfg: DevnetConfig, key: CaKey) => join(orgDir(cfg, key), 'msp');
export const identityDir = (cfg: DevnetConfig, key: CaKey, id: string) =>
  join(orgDir(cfg, key), 'identities', id);

/** Secrets are generated once per network and kept in the state dir (mode 0600). */
function secret(cfg: DevnetConfig, name: string): string {
  const file = join(cfg.stateDir, 'secrets.json');
  const all: Record<string, string> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  if (!all[name]) {
    all[name] = randomBytes(12).toString('hex');
    writeFileSync(file, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  }
  return all[name]!;
}

function bin(cfg: DevnetConfig, name: string): string {
  return join(cfg.bins.caBin, name);
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...extra };
}

export async function startCa(cfg: DevnetConfig, org: CaOrg): Promise<void> {
  const name = `ca-${org.key}`;
  const home = caHome(cfg, org.key);
  mkdirSync(home, { recursive: true });
  const { started } = startDaemon(
    cfg,
    name,
    bin(cfg, 'fabric-ca-server'),
    [
      'start',
      '--home',
      home,
      '--boot',
      `admin:${secret(cfg, `${name}/admin`)}`,
      '--address',
      '127.0.0.1',
      '--port',
      String(port(cfg, name)),
      '--ca.name',
      caName(org.key),
      '--csr.cn',
      `ca.${org.domain}`,
      '--csr.hosts',
      `${HOST},127.0.0.1,ca.${org.domain}`,
      '--tls.enabled',
    ],
    {
      env: cleanEnv({
        // Operations (metrics/health) on loopback; the CA's own health is checked on /cainfo over TLS.
        FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${port(cfg, `${name}-ops`)}`,
        FABRIC_CA_SERVER_LOGLEVEL: 'info',
      }),
      cwd: home,
    },
  );
  if (started) cfg.log(`started ${name} on :${port(cfg, name)}`);
  await waitFor(
    `${name} to answer`,
    async () => existsSync(caCert(cfg, org.key)) && (await caAnswers(cfg, org.key)),
    cfg.waitMs,
    { logHint: logFile(cfg, name), isAlive: () => alivePid(cfg, name) !== undefined },
  );
}

export async function caAnswers(cfg: DevnetConfig, key: CaKey): Promise<boolean> {
  if (!existsSync(caCert(cfg, key))) return false;
  const res = await httpsGet(`${caUrl(cfg, key)}/cainfo?ca=${caName(key)}`, caCert(cfg, key));
  return res.status === 200;
}

const NODE_OU_CONFIG = `NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: orderer
`;

/** Gives an enrolled MSP folder fixed file names (cacerts/ca.pem, keystore/key.pem) and Node OUs. */
function normaliseMsp(cfg: DevnetConfig, key: CaKey, msp: string): void {
  rmSync(join(msp, 'cacerts'), { recursive: true, force: true });
  mkdirSync(join(msp, 'cacerts'), { recursive: true });
  copyFileSync(caCert(cfg, key), join(msp, 'cacerts', 'ca.pem'));
  const ks = join(msp, 'keystore');
  for (const f of readdirSync(ks))
    if (f.endsWith('_sk')) renameSync(join(ks, f), join(ks, 'key.pem'));
  writeFileSync(join(msp, 'config.yaml'), NODE_OU_CONFIG);
}

async function caClient(
  cfg: DevnetConfig,
  key: CaKey,
  args: string[],
  home: string,
  allowFail = false,
) {
  mkdirSync(home, { recursive: true });
  return run(
    bin(cfg, 'fabric-ca-client'),
    [...args, '--caname', caName(key), '--tls.certfiles', caCert(cfg, key), '--home', home],
    {
      env: cleanEnv({}),
      allowFail,
    },
  );
}

async function bootstrapAdmin(cfg: DevnetConfig, key: CaKey): Promise<string> {
  const home = join(orgDir(cfg, key), 'ca-admin');
  if (!existsSync(join(home, 'msp', 'signcerts', 'cert.pem'))) {
    const url = caUrl(cfg, key).replace(
      'https://',
      `https://admin:${secret(cfg, `ca-${key}/admin`)}@`,
    );
    await caClient(cfg, key, ['enroll', '-u', url, '--mspdir', join(home, 'msp')], home);
  }
  return home;
}

export interface IdentitySpec {
  id: string;
  type: 'peer' | 'orderer' | 'admin' | 'client';
  attrs?: string;
  /** Also enroll a TLS certificate (profile tls) with these SANs. */
  tlsHosts?: string[];
}

/**
 * Registers (once) and enrolls (once) an identity: <identityDir>/msp and, if asked, <identityDir>/tls.
 * Returns whether anything was enrolled.
 */
export async function ensureIdentity(
  cfg: DevnetConfig,
  key: CaKey,
  spec: IdentitySpec,
): Promise<boolean> {
  const dir = identityDir(cfg, key, spec.id);
  const msp = join(dir, 'msp');
  const tls = join(dir, 'tls');
  const needMsp = !existsSync(join(msp, 'signcerts', 'cert.pem'));
  const needTls = spec.tlsHosts !== undefined && !existsSync(join(tls, 'server.crt'));
  if (!needMsp && !needTls) return false;
  const adminHome = await bootstrapAdmin(cfg, key);
  const pw = secret(cfg, `ca-${key}/${spec.id}`);
  const reg = await caClient(
    cfg,
    key,
    [
      'register',
      '--id.name',
      spec.id,
      '--id.secret',
      pw,
      '--id.type',
      spec.type,
      ...(spec.attrs ? ['--id.attrs', spec.attrs] : []),
      '-u',
      caUrl(cfg, key),
    ],
    adminHome,
    true,
  );
  if (reg.code !== 0 && !/already registered/i.test(reg.stderr + reg.stdout)) {
    throw new Error(
      `registering ${spec.id} at ${caName(key)} failed:\n${reg.stderr.trim().slice(-2000)}`,
    );
  }
  const url = caUrl(cfg, key).replace('https://', `https://${spec.id}:${pw}@`);
  const home = join(dir, '.client');
  // Subject O = the organisation (the CA's defaults would say "Hyperledger, North Carolina").
  const names = `O=${caOrgs().find((o) => o.key === key)?.name ?? key}`;
  if (needMsp) {
    await caClient(
      cfg,
      key,
      ['enroll', '-u', url, '--mspdir', msp, '--csr.cn', spec.id, '--csr.names', names],
      home,
    );
    normaliseMsp(cfg, key, msp);
  }
  if (needTls && spec.tlsHosts) {
    const tmp = join(dir, '.tls-enroll');
    rmSync(tmp, { recursive: true, force: true });
    await caClient(
      cfg,
      key,
      [
        'enroll',
        '-u',
        url,
        '--mspdir',
        tmp,
        '--enrollment.profile',
        'tls',
        '--csr.cn',
        spec.id,
        '--csr.names',
        names,
        '--csr.hosts',
        spec.tlsHosts.join(','),
      ],
      home,
    );
    mkdirSync(tls, { recursive: true });
    copyFileSync(join(tmp, 'signcerts', 'cert.pem'), join(tls, 'server.crt'));
    const keyFile = readdirSync(join(tmp, 'keystore')).find((f) => f.endsWith('_sk'));
    if (!keyFile) throw new Error(`no TLS key enrolled for ${spec.id}`);
    copyFileSync(join(tmp, 'keystore', keyFile), join(tls, 'server.key'));
    copyFileSync(caCert(cfg, key), join(tls, 'ca.crt'));
    rmSync(tmp, { recursive: true, force: true });
  }
  cfg.log(`enrolled ${spec.id} at ${caName(key)}${needTls ? ' (with TLS certificate)' : ''}`);
  return true;
}

/** The organisation MSP for the channel config: root CA as both cacert and TLS cacert, Node OUs on. */
export function writeOrgMsp(cfg: DevnetConfig, key: CaKey): void {
  const msp = orgMsp(cfg, key);
  for (const sub of ['cacerts', 'tlscacerts']) {
    mkdirSync(join(msp, sub), { recursive: true });
    copyFileSync(caCert(cfg, key), join(msp, sub, 'ca.pem'));
  }
  writeFileSync(join(msp, 'config.yaml'), NODE_OU_CONFIG);
}

/** Identities of each organisation. */
export function identitiesOf(
  cfg: DevnetConfig,
  org: CaOrg,
  ordererNames: string[],
): IdentitySpec[] {
  const hosts = (h: string) => [HOST, '127.0.0.1', `${h}.${org.domain}`];
  if (org.key === 'orderer') {
    return [
      ...ordererNames.map((o): IdentitySpec => ({ id: o, type: 'orderer', tlsHosts: hosts(o) })),
      // The orderer admin also needs a TLS client certificate for the admin (osnadmin) endpoint.
      { id: 'Admin', type: 'admin', tlsHosts: hosts('admin') },
    ];
  }
  return [
    { id: 'peer0', type: 'peer', tlsHosts: hosts('peer0') },
    // MSP admin: installs, approves and commits chaincode, joins the peer to the channel.
    { id: 'Admin', type: 'admin' },
    // The hospital's application administrator: role=admin in its enrollment certificate (the chaincode's
    // rule for registering users) and registrar rights at the CA (it enrols patients and caregivers).
    {
      id: 'appadmin',
      type: 'admin',
      attrs:
        'role=admin:ecert,hf.Registrar.Roles=client,hf.Registrar.Attributes=*,hf.Revoker=true,hf.GenCRL=true',
    },
    // The hospital's record gateway (src/gateway): a service identity, not a person; role=gateway
    // is what the RecordGateway queries accept, and it is in no directory.
    { id: 'gateway', type: 'client', attrs: 'role=gateway:ecert' },
    // TLS server certificate of this hospital's chaincode service.
    { id: 'chaincode', type: 'client', tlsHosts: hosts('chaincode') },
  ];
}

export function bootstrapSecretFor(cfg: DevnetConfig, key: CaKey, id: string): string {
  return secret(cfg, `ca-${key}/${id}`);
}
