// Chaincode events from a checkpoint, through a crash: the listener process is killed with
// SIGKILL mid-stream and restarted; every event ends up applied exactly once (the cache's
// primary key would make a second apply fail, stopping the listener before the end).
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/cache/database';
import type { EhrLedger } from '../../src/main/ledger/ehr-ledger';
import {
  ledgerSkipReason,
  startLedgerNetwork,
  type TestLedgerNetwork,
} from '../support/ledger-network';
import { tempDir } from '../support/tmp';

const skip = ledgerSkipReason();
if (skip) console.log(`Ledger event tests skipped: ${skip}.`);

const LISTENER = fileURLToPath(new URL('./event-listener.child.ts', import.meta.url));
const EVENTS = 24;

describe.skipIf(Boolean(skip))('chaincode events with a SQLite checkpoint', () => {
  let net: TestLedgerNetwork;
  let admin: EhrLedger;
  const home = tempDir('events');
  const dbFile = join(home.path, 'workstation.sqlite');

  beforeAll(async () => {
    net = await startLedgerNetwork(1);
    admin = net.connect(0, net.appadmin(0)).ledger;
  }, 240_000);
  afterAll(async () => {
    await net?.stop();
    home.cleanup();
  }, 60_000);

  function startListener(applied: Set<string>): Promise<ChildProcess> {
    const p = net.profile(0);
    const ids = p.identities.appadmin!;
    const child = fork(
      LISTENER,
      [
        JSON.stringify({
          dbFile,
          endpoint: p.peer.endpoint,
          tlsCaPath: p.peer.tlsCACertPath,
          certPath: ids.certPath,
          keyPath: ids.keyPath,
          mspId: p.mspId,
          channel: p.channel,
          chaincode: p.chaincode,
        }),
      ],
      { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    return new Promise((resolve, reject) => {
      child.on('message', (m: { applied?: string; ready?: number }) => {
        if (m.applied) applied.add(m.applied);
        if (m.ready !== undefined) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`listener exited early (${code})`)));
    });
  }

  const registerCaregiver = () =>
    admin.registerUser({
      userId: `cg-${randomBytes(16).toString('hex')}`,
      role: 'caregiver',
      mspId: 'HospitalAMSP',
      certFingerprint: createHash('sha256').update(randomBytes(32)).digest('hex'),
      encryptionPublicKeyPem: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        .publicKey.export({ format: 'pem', type: 'spki' })
        .toString(),
      displayName: 'Test Caregiver',
      department: 'Radiation Oncology',
    });

  it('misses nothing and applies nothing twice across a kill -9', async () => {
    const submitted: string[] = [];
    const seen = new Set<string>();
    const first = await startListener(seen);
    // A stream of submissions; the listener is killed part-way through it.
    for (let i = 0; i < EVENTS; i++) {
      submitted.push((await registerCaregiver()).transactionId);
      if (i === EVENTS / 2) {
        await expect.poll(() => seen.size, { timeout: 30_000 }).toBeGreaterThan(0);
        first.kill('SIGKILL');
      }
    }
    const appliedBeforeCrash = seen.size;
    expect(appliedBeforeCrash).toBeLessThan(EVENTS);

    const second = await startListener(seen);
    try {
      const db = openDatabase(dbFile);
      try {
        await expect
          .poll(
            () => (db.prepare('SELECT count(*) AS n FROM ledger_events').get() as { n: number }).n,
            {
              timeout: 60_000,
            },
          )
          .toBe(EVENTS);
        const stored = (
          db.prepare('SELECT tx_id FROM ledger_events ORDER BY block_number').all() as {
            tx_id: string;
          }[]
        ).map((r) => r.tx_id);
        expect(new Set(stored)).toEqual(new Set(submitted));
        const checkpoint = db.prepare('SELECT tx_id FROM ledger_checkpoints').get() as {
          tx_id: string;
        };
        expect(checkpoint.tx_id).toBe(submitted.at(-1));
        const types = db.prepare('SELECT DISTINCT event_type FROM ledger_events').all() as {
          event_type: string;
        }[];
        expect(types).toEqual([{ event_type: 'UserRegistered' }]);
      } finally {
        db.close();
      }
      // The restarted listener is still alive: it never tried to apply an event twice.
      expect(second.exitCode).toBeNull();
    } finally {
      second.kill('SIGKILL');
    }
  }, 180_000);
});
