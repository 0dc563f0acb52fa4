// A real Hyperledger Fabric CA server (built from its Go module by scripts/devnet) on
// loopback with TLS, for tests of card enrolment. Stops by itself after a bounded time.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { locateBinaries } from '../../scripts/devnet/config';
import { reservePortBlock } from './port-blocks';
import { tempDir } from './tmp';

export function fabricCaBinaries(): { server: string; client: string } | null {
  const { caBin } = locateBinaries();
  const server = join(caBin, 'fabric-ca-server');
  const client = join(caBin, 'fabric-ca-client');
  return existsSync(server) && existsSync(client) ? { server, client } : null;
}

/**
 * A loopback port nobody listens on now, for a test of "cannot be reached". Not for a server
 * to bind later: the kernel may hand it to an outgoing connection first (port-blocks.ts).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningFabricCa {
  url: string;
  tlsCaPem: string;
  register(id: string, secret: string, attrs: Record<string, string>): void;
  stop(): void;
}

export async function startFabricCa(lifetimeMs = 5 * 60_000): Promise<RunningFabricCa> {
  const bins = fabricCaBinaries();
  if (!bins) throw new Error('fabric-ca-server is not built: run `npm run devnet:build`.');
  const home = tempDir('fabric-ca');
  const ports = await reservePortBlock([0, 1]);
  const [port, opsPort] = [ports.base, ports.base + 1];
  const server: ChildProcess = spawn(
    bins.server,
    [
      'start',
      '-b',
      'admin:adminpw',
      '--port',
      String(port),
      '--address',
      '127.0.0.1',
      '--tls.enabled',
      '--csr.cn',
      'ca.hospital-a.example',
      '--csr.hosts',
      'localhost,127.0.0.1',
      '-H',
      home.path,
    ],
    {
      stdio: 'ignore',
      env: { ...process.env, FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${opsPort}` },
    },
  );
  const killer = setTimeout(() => server.kill('SIGKILL'), lifetimeMs);
  killer.unref();
  const url = `https://localhost:${port}`;
  const tlsCert = join(home.path, 'tls-cert.pem');
  const clientHome = join(home.path, 'client');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      execFileSync(
        bins.client,
        [
          'enroll',
          '-u',
          `https://admin:adminpw@localhost:${port}`,
          '--tls.certfiles',
          tlsCert,
          '-H',
          clientHome,
        ],
        { stdio: 'pipe' },
      );
      break;
    } catch (error) {
      if (Date.now() > deadline || server.exitCode !== null) {
        server.kill('SIGKILL');
        ports.release();
        throw new Error(`fabric-ca-server did not start: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return {
    url,
    tlsCaPem: readFileSync(join(home.path, 'ca-cert.pem'), 'utf8'),
    register(id, secret, attrs) {
      const attrList = Object.entries(attrs)
        .map(([k, v]) => `${k}=${v}:ecert`)
        .join(',');
      execFileSync(
        bins.client,
        [
          'register',
          '--id.name',
          id,
          '--id.secret',
          secret,
          '--id.type',
          'client',
          '--id.attrs',
          attrList,
          '-u',
          url,
          '--tls.certfiles',
          tlsCert,
          '-H',
          clientHome,
        ],
        { stdio: 'pipe' },
      );
    },
    stop() {
      clearTimeout(killer);
      server.kill('SIGTERM');
      home.cleanup();
      ports.release();
    },
  };
}
