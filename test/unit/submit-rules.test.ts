// The submit decision table of src/main/ledger/submit.ts, held to account without a network:
// a scripted stand-in for fabric-gateway's Contract (a test double at the gateway boundary)
// answers each endorse, submit and status call as a failing peer or orderer would, and the
// test checks what the client did — same proposal, same signed transaction, or a new one.
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { Contract } from '@hyperledger/fabric-gateway';
import type { ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { submitTransaction, type RetryPolicy } from '../../src/main/ledger/submit';
import { LedgerError } from '../../src/main/ledger/errors';

const FAST: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
const UNAVAILABLE = 14;
const FAILED_PRECONDITION = 9;
const ABORTED = 10;

function grpcError(code: number, message: string, details: string[] = []): GatewayError {
  return new GatewayError({
    code,
    message,
    details: details.map((m) => ({ address: 'peer0:7051', mspId: 'HospitalAMSP', message: m })),
    cause: new Error(message) as ServiceError,
  });
}

type Step = 'ok' | Error | { status: number };

/** A Contract test double: each phase answers from its script, and every call is logged. */
class ScriptedContract {
  readonly log: string[] = [];
  private proposals = 0;

  constructor(private readonly script: { endorse: Step[]; submit: Step[]; status: Step[] }) {}

  private next(phase: 'endorse' | 'submit' | 'status'): Step {
    return this.script[phase].shift() ?? 'ok';
  }

  newProposal(name: string) {
    const proposalId = ++this.proposals;
    let signed = 0;
    return {
      endorse: async () => {
        const step = this.next('endorse');
        this.log.push(`endorse ${name} proposal#${proposalId}`);
        if (step instanceof Error) throw step;
        const txId = `tx${proposalId}-${++signed}`;
        return {
          getTransactionId: () => txId,
          submit: async () => {
            const s = this.next('submit');
            this.log.push(`submit ${txId}`);
            if (s instanceof Error) throw s;
            return {
              getTransactionId: () => txId,
              getResult: () => new TextEncoder().encode('{"ok":true}'),
              getStatus: async () => {
                const st = this.next('status');
                this.log.push(`status ${txId}`);
                if (st instanceof Error) throw st;
                const code = typeof st === 'object' ? st.status : 0;
                return { code, transactionId: txId, blockNumber: 7n, successful: code === 0 };
              },
            };
          },
        };
      },
    };
  }
}

const run = (contract: ScriptedContract) =>
  submitTransaction(contract as unknown as Contract, 'Permissions:grant', ['a'], FAST);

describe('submit retry rules', () => {
  it('endorses the same proposal again after a transient endorsement failure', async () => {
    const c = new ScriptedContract({
      endorse: [grpcError(UNAVAILABLE, 'connection refused'), 'ok'],
      submit: [],
      status: [],
    });
    const report = await run(c);
    expect(report.transactions).toBe(1);
    expect(c.log).toEqual([
      'endorse Permissions:grant proposal#1',
      'endorse Permissions:grant proposal#1',
      'submit tx1-1',
      'status tx1-1',
    ]);
  });

  it('waits for gossip when a peer the policy needs is not known yet', async () => {
    const c = new ScriptedContract({
      endorse: [
        grpcError(
          FAILED_PRECONDITION,
          'no combination of peers can be derived which satisfy the endorsement policy',
        ),
        'ok',
      ],
      submit: [],
      status: [],
    });
    expect((await run(c)).transactionId).toBe('tx1-1');
  });

  it('stops at once when the chaincode refuses, naming the rule', async () => {
    const c = new ScriptedContract({
      endorse: [
        grpcError(ABORTED, 'failed to endorse transaction', [
          'chaincode response 500, FORBIDDEN(patient-only): only patient pat-1 may change these permissions',
        ]),
      ],
      submit: [],
      status: [],
    });
    const error = await run(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', subject: 'patient-only' });
    expect(c.log).toEqual(['endorse Permissions:grant proposal#1']);
  });

  it('sends the same signed transaction again when the orderer did not answer', async () => {
    const c = new ScriptedContract({
      endorse: [],
      submit: [grpcError(UNAVAILABLE, 'orderer unavailable'), 'ok'],
      status: [],
    });
    await run(c);
    expect(c.log).toEqual([
      'endorse Permissions:grant proposal#1',
      'submit tx1-1',
      'submit tx1-1',
      'status tx1-1',
    ]);
  });

  it('asks again about the same transaction when its commit status is unavailable', async () => {
    const c = new ScriptedContract({
      endorse: [],
      submit: [],
      status: [grpcError(UNAVAILABLE, 'peer unavailable'), 'ok'],
    });
    await run(c);
    expect(c.log.filter((l) => l.startsWith('status'))).toEqual(['status tx1-1', 'status tx1-1']);
    expect(c.log.filter((l) => l.startsWith('endorse'))).toHaveLength(1);
  });

  it('makes a new proposal after an MVCC conflict, which is known not committed', async () => {
    const c = new ScriptedContract({ endorse: [], submit: [], status: [{ status: 11 }, 'ok'] });
    const report = await run(c);
    expect(report.transactions).toBe(2);
    expect(c.log).toEqual([
      'endorse Permissions:grant proposal#1',
      'submit tx1-1',
      'status tx1-1',
      'endorse Permissions:grant proposal#2',
      'submit tx2-1',
      'status tx2-1',
    ]);
  });

  it('stops on any other validation code', async () => {
    const c = new ScriptedContract({ endorse: [], submit: [], status: [{ status: 10 }] });
    await expect(run(c)).rejects.toMatchObject({ code: 'NOT_COMMITTED', retryable: false });
    expect(c.log.filter((l) => l.startsWith('endorse'))).toHaveLength(1);
  });

  it('gives up after the attempts with the transaction id when its fate is unknown', async () => {
    const down = () => grpcError(UNAVAILABLE, 'orderer unavailable');
    const c = new ScriptedContract({
      endorse: [],
      submit: [down(), down(), down(), down()],
      status: [],
    });
    const error = (await run(c).catch((e: unknown) => e)) as LedgerError;
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
    expect(error.message).toMatch(/transaction tx1-1; it may still commit/);
    expect(c.log.filter((l) => l === 'submit tx1-1')).toHaveLength(FAST.maxAttempts);
  });

  it('does not retry a non-transient endorsement failure', async () => {
    const c = new ScriptedContract({
      endorse: [grpcError(FAILED_PRECONDITION, 'channel ehr not found')],
      submit: [],
      status: [],
    });
    await expect(run(c)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(c.log).toHaveLength(1);
  });
});
