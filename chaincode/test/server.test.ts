/**
 * Starts the real chaincode-as-a-service entry (the compiled src/server.ts) as a child
 * process and checks it listens, with and without TLS, and refuses bad settings at start.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, describe, it } from 'node:test';
import { createTlsServerCredentials } from './support/certificates';

const SERVER = join(__dirname, '..', 'src', 'server.js');
const started: ChildProcess[] = [];

after(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGTERM');
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function startServer(env: Record<string, string>): {
  child: ChildProcess;
  output: Promise<{ code: number | null; stdout: string; stderr: string }>;
  ready: Promise<string>;
} {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('listening on')) resolve(stdout);
    });
    child.once('exit', () => reject(new Error(`server exited: ${stderr}`)));
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  ready.catch(() => undefined);
  return { child, output, ready };
}

describe('chaincode-as-a-service entry point', () => {
  it('listens on CHAINCODE_SERVER_ADDRESS and reports the break-glass limit', async () => {
    const port = await freePort();
    const server = startServer({
      CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
      CHAINCODE_ID: 'action-ehr_1:abc',
      ACTION_EHR_BREAK_GLASS_MAX_HOURS: '6',
    });
    const line = await server.ready;
    assert.match(
      line,
      new RegExp(
        `action-ehr chaincode action-ehr_1:abc listening on 127\\.0\\.0\\.1:${port} \\(plaintext\\); ACTION_EHR_BREAK_GLASS_MAX_HOURS=6, ACTION_EHR_TX_TIME_TOLERANCE_SECONDS=300`,
      ),
    );
    server.child.kill('SIGTERM');
    await server.output;
  });

  it('serves TLS when given a certificate and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-tls-'));
    try {
      const { certPem, keyPem } = await createTlsServerCredentials();
      writeFileSync(join(dir, 'cert.pem'), certPem);
      writeFileSync(join(dir, 'key.pem'), keyPem);
      const port = await freePort();
      const server = startServer({
        CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
        CHAINCODE_ID: 'action-ehr_1:abc',
        CHAINCODE_TLS_CERT: join(dir, 'cert.pem'),
        CHAINCODE_TLS_KEY: join(dir, 'key.pem'),
      });
      assert.match(await server.ready, /\(TLS\)/);
      const peerCertificate = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect(
          {
            host: '127.0.0.1',
            port,
            ca: certPem,
            servername: 'chaincode.localhost',
            ALPNProtocols: ['h2'],
          },
          () => {
            const subject = String(socket.getPeerCertificate().subject?.CN ?? '');
            socket.end();
            resolve(subject);
          },
        );
        socket.once('error', reject);
      });
      assert.equal(peerCertificate, 'chaincode.localhost');
      server.child.kill('SIGTERM');
      await server.output;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits with the reason when settings are missing or invalid', async () => {
    const missing = await startServer({ CHAINCODE_ID: 'x' }).output;
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /action-ehr chaincode failed to start: CHAINCODE_SERVER_ADDRESS must be set/,
    );
    const port = await freePort();
    const badHours = await startServer({
      CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
      CHAINCODE_ID: 'x',
      ACTION_EHR_BREAK_GLASS_MAX_HOURS: '100',
    }).output;
    assert.equal(badHours.code, 1);
    assert.match(
      badHours.stderr,
      /ACTION_EHR_BREAK_GLASS_MAX_HOURS must be a whole number of hours from 1 to 72; got "100"/,
    );
  });
});
