// Submit-to-commit latency and sustained throughput of a patient's grant on a throwaway
// local network (one Raft orderer, two hospital peers, both endorsing), with 1, 8 and 32
// clients submitting at once; each client is its own patient, as at clinic kiosks (one
// patient's grants serialise on his permission log by design).
//
// References in the same run: an evaluate (query) round trip through the same gateway, the
// floor of anything that touches the ledger; and the orderer's BatchTimeout, printed with
// MaxMessageCount because together they decide what a lone submit waits for its block
// (a block is cut after BatchTimeout or MaxMessageCount transactions, whichever comes first).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ledgerSkipReason,
  startLedgerNetwork,
  type TestLedgerNetwork,
} from '../test/support/ledger-network';
import type { BenchFigure } from './format';

const CONCURRENCY = [1, 8, 32] as const;
/** Grants per level: enough for a p95 at each level, bounded so the run stays short. */
const GRANTS_PER_LEVEL = 64;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  if (!m) throw new Error(`unreadable duration ${text}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

function batchSettings(net: TestLedgerNetwork) {
  const configtx = JSON.parse(
    readFileSync(join(net.cfg.stateDir, 'configtx', 'configtx.yaml'), 'utf8'),
  ) as {
    Profiles: Record<
      string,
      { Orderer: { BatchTimeout: string; BatchSize: { MaxMessageCount: number } } }
    >;
  };
  const orderer = Object.values(configtx.Profiles)[0]!.Orderer;
  return {
    timeoutMs: durationMs(orderer.BatchTimeout),
    maxMessages: orderer.BatchSize.MaxMessageCount,
  };
}

async function registerPatients(net: TestLedgerNetwork, count: number) {
  const persons = Array.from({ length: count }, () =>
    net.enrol(0, `pat-${randomBytes(16).toString('hex')}`, { role: 'patient' }),
  );
  // Directory entries of different users touch different keys: register them all at once.
  await Promise.all(persons.map((person) => net.registerInDirectory(0, person, 'patient')));
  return persons.map((person) => ({ id: person.id, ledger: net.connect(0, person).ledger }));
}

export async function run(): Promise<BenchFigure[]> {
  const skip = ledgerSkipReason();
  if (skip) {
    console.error(`ledger bench skipped: ${skip}`);
    return [];
  }
  const net = await startLedgerNetwork(1);
  try {
    const batch = batchSettings(net);
    const doctor = net.enrol(1, `cg-${randomBytes(16).toString('hex')}`, {
      role: 'caregiver',
    });
    await net.registerInDirectory(1, doctor, 'caregiver', {
      displayName: 'Dr Bench',
      department: 'Radiation Oncology',
    });
    const patients = await registerPatients(net, Math.max(...CONCURRENCY));

    // Reference: the query round trip through the same gateway.
    const queryMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await patients[0]!.ledger.listCurrent(patients[0]!.id);
      queryMs.push(performance.now() - t0);
    }
    queryMs.sort((a, b) => a - b);
    const queryP50 = quantile(queryMs, 0.5);

    const figures: BenchFigure[] = [
      { name: 'ledger.orderer.batch_timeout', value: batch.timeoutMs, unit: 'ms' },
      { name: 'ledger.orderer.batch_max_messages', value: batch.maxMessages, unit: 'tx' },
      { name: 'ledger.evaluate.p50', value: queryP50, unit: 'ms' },
    ];
    let singleClientRate = 0;
    for (const clients of CONCURRENCY) {
      const perClient = Math.ceil(GRANTS_PER_LEVEL / clients);
      const latencies: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        patients.slice(0, clients).map(async (p) => {
          for (let i = 0; i < perClient; i++) {
            const start = performance.now();
            await p.ledger.grant({
              patientId: p.id,
              caregiverId: doctor.id,
              category: 'dose',
              validFrom: new Date(Date.now() - 60_000),
              validTo: new Date(Date.now() + 3_600_000),
              read: true,
              write: false,
            });
            latencies.push(performance.now() - start);
          }
        }),
      );
      const rate = (latencies.length * 1000) / (performance.now() - t0);
      if (clients === 1) singleClientRate = rate;
      latencies.sort((a, b) => a - b);
      const floor = { name: 'orderer-batch-timeout', value: batch.timeoutMs };
      figures.push(
        {
          name: `ledger.grant.clients${clients}.p50`,
          value: quantile(latencies, 0.5),
          unit: 'ms',
          reference: clients === 1 ? { name: 'evaluate-p50', value: queryP50 } : floor,
        },
        {
          name: `ledger.grant.clients${clients}.p95`,
          value: quantile(latencies, 0.95),
          unit: 'ms',
        },
        {
          name: `ledger.grant.clients${clients}.commits`,
          value: rate,
          unit: 'tx/s',
          ...(clients > 1
            ? { reference: { name: 'one-client-commits', value: singleClientRate } }
            : {}),
        },
      );
    }
    return figures;
  } finally {
    await net.stop();
  }
}
