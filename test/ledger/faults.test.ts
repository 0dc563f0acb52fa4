// The ledger when parts of it fail, on a real network with three Raft orderers: the leader
// is killed during a stream of submissions, a hospital's peer goes away and comes back.
// What a user must never see: a record that silently did not arrive, or one that arrived twice.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raftLeader, up } from '../../scripts/devnet/network';
import { alivePid, stopDaemon } from '../../scripts/devnet/proc';
import type { EhrLedger } from '../../src/main/ledger/ehr-ledger';
import { LedgerError } from '../../src/main/ledger/errors';
import {
  ledgerSkipReason,
  startLedgerNetwork,
  type TestLedgerNetwork,
} from '../support/ledger-network';

const skip = ledgerSkipReason();
if (skip) console.log(`Ledger fault tests skipped: ${skip}.`);

const hex = (n = 16) => randomBytes(n).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  pointer: string;
  /** Every failure the client saw before the add went through, each a LedgerError. */
  failures: LedgerError[];
}

/**
 * What the workstation does with a record it has uploaded: register it, and when the ledger
 * says it could not (a LedgerError), try the same add again. The chaincode answers a repeat
 * of an add that did commit with the record already there, so a retry never duplicates.
 */
async function addUntilCommitted(
  ledger: EhrLedger,
  patientId: string,
  pointer: string,
  maxTries = 12,
): Promise<Outcome> {
  const failures: LedgerError[] = [];
  for (;;) {
    try {
      await ledger.addRecord({
        patientId,
        category: 'dose',
        storagePointer: pointer,
        sha256: pointer.slice(-32).padStart(64, '0'),
        sizeBytes: 4096,
        contentType: 'application/dicom',
        keyEnvelopeRef: `${pointer}.keys`,
      });
      return { pointer, failures };
    } catch (error) {
      // Anything else than a LedgerError would be an unexplained failure: let it fail the test.
      if (!(error instanceof LedgerError)) throw error;
      failures.push(error);
      if (failures.length >= maxTries) throw error;
      await sleep(1_000);
    }
  }
}

async function runPool<T, R>(items: T[], workers: number, job: (item: T) => Promise<R>) {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        results.push(await job(item));
      }
    }),
  );
  return results;
}

describe.skipIf(Boolean(skip))('the ledger under faults (three orderers)', () => {
  let net: TestLedgerNetwork;
  let patientId: string;
  let asPatient: EhrLedger;

  beforeAll(async () => {
    net = await startLedgerNetwork(3);
    patientId = `pat-${hex()}`;
    const patient = net.enrol(0, patientId, { role: 'patient' });
    await net.registerInDirectory(0, patient, 'patient');
    asPatient = net.connect(0, patient).ledger;
  }, 300_000);

  afterAll(async () => {
    await net?.stop();
  }, 60_000);

  const listedPointers = async () =>
    (
      (await asPatient.listRecords(patientId)) as {
        records: { record: { storagePointer: string } }[];
      }
    ).records.map((r) => r.record.storagePointer);

  it('commits every submission exactly once while the Raft leader is killed and restarted', async () => {
    const cfg = net.cfg;
    const leader = await raftLeader(cfg);
    expect(leader, 'a Raft leader before the fault').toBeDefined();

    const pointers = Array.from({ length: 36 }, (_, i) => `s3://records/fault-${i}-${hex()}`);
    let done = 0;
    let newLeader: string | undefined;
    const faults = (async () => {
      while (done < 8) await sleep(100);
      // kill -9: no clean shutdown, as when a machine loses power.
      process.kill(alivePid(cfg, leader!)!, 'SIGKILL');
      for (let i = 0; i < 120 && !newLeader; i++) {
        await sleep(500);
        const now = await raftLeader(cfg).catch(() => undefined);
        if (now && now !== leader) newLeader = now;
      }
      while (done < 24) await sleep(100);
      await up(cfg, { build: false, pacs: false, ehr: false, gateways: false }); // starts the killed orderer again; it catches up
    })();

    const outcomes = await runPool(pointers, 4, async (pointer) => {
      const outcome = await addUntilCommitted(asPatient, patientId, pointer);
      done++;
      return outcome;
    });
    await faults;

    expect(newLeader, 'the remaining orderers elected another leader').toBeDefined();
    expect(alivePid(cfg, leader!), 'the killed orderer runs again').toBeDefined();
    const failures = outcomes.flatMap((o) => o.failures);
    console.log(
      `leader ${leader} killed, ${newLeader} took over; ${failures.length} submissions failed and were retried` +
        (failures.length ? `: ${[...new Set(failures.map((f) => f.code))].join(', ')}` : ''),
    );
    // Nothing lost silently, nothing twice: the ledger holds each pointer exactly once.
    const listed = await listedPointers();
    expect([...listed].sort()).toEqual([...pointers].sort());
    // A client that lost the answer to a committed add sends it again: still one record.
    await addUntilCommitted(asPatient, patientId, pointers[0]!);
    expect(await listedPointers()).toEqual(listed);

    // And the restarted orderer is a working member: the network still orders with it back.
    const after = await addUntilCommitted(asPatient, patientId, `s3://records/after-${hex()}`);
    expect(after.failures).toEqual([]);
  }, 400_000);

  it("fails clearly while the hospital's peer is down and works on the same connection after", async () => {
    const cfg = net.cfg;
    const before = await listedPointers();
    await stopDaemon(cfg, 'peer-hospitala');

    const evaluateError = await asPatient.listRecords(patientId).then(
      () => null,
      (e: unknown) => e,
    );
    expect(evaluateError).toBeInstanceOf(LedgerError);
    expect((evaluateError as LedgerError).code).toBe('UNAVAILABLE');
    expect((evaluateError as LedgerError).retryable).toBe(true);

    const pointer = `s3://records/while-down-${hex()}`;
    const submitError = await addUntilCommitted(asPatient, patientId, pointer, 1).then(
      () => null,
      (e: unknown) => e,
    );
    expect(submitError).toBeInstanceOf(LedgerError);
    expect((submitError as LedgerError).code).toBe('UNAVAILABLE');
    expect((submitError as LedgerError).message).toMatch(/did not endorse Records:addRecord/);

    await up(cfg, { build: false, pacs: false, ehr: false, gateways: false });
    // The same gateway connection reconnects by itself (gRPC backoff at most 5 s).
    let listed: string[] | undefined;
    for (let i = 0; i < 30 && !listed; i++) {
      listed = await listedPointers().catch(() => undefined);
      if (!listed) await sleep(1_000);
    }
    expect(listed, 'the peer answers again on the same connection').toEqual(before);
    const retried = await addUntilCommitted(asPatient, patientId, pointer);
    expect(retried.failures).toEqual([]);
    expect(await listedPointers()).toEqual([...before, pointer]);
  }, 300_000);
});
