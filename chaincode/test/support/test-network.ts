import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from '../../src/errors';
import {
  ChaincodeStubTestDouble,
  createTestContext,
  InMemoryLedger,
  type TestIdentity,
  type TransactionTrace,
} from './ledger-test-double';

type Call = (ctx: Context) => Promise<string>;

/** The patient tag as the README defines it, computed here rather than by the code under test. */
export const patientTagOf = (patientId: string): string =>
  createHash('sha256').update(`action-ehr/patient-tag/v1:${patientId}`, 'utf8').digest('hex');

/**
 * Runs contract calls as transactions against one in-memory ledger, with a clock the test
 * moves. submit commits what a successful call wrote; evaluate is a query and must write
 * nothing; refused checks a call fails with the expected reason and leaves no trace.
 */
export class TestNetwork {
  readonly ledger = new InMemoryLedger();
  nowMillis: number;
  lastTrace: TransactionTrace | null = null;
  private txCount = 0;

  constructor(startIso = '2025-03-03T08:00:00.000Z') {
    this.nowMillis = Date.parse(startIso);
  }

  get nowIso(): string {
    return new Date(this.nowMillis).toISOString();
  }

  advanceMillis(millis: number): void {
    this.nowMillis += millis;
  }

  advanceTo(iso: string): void {
    this.nowMillis = Date.parse(iso);
  }

  /** An ISO time relative to the current transaction time. */
  at(offsetMillis: number): string {
    return new Date(this.nowMillis + offsetMillis).toISOString();
  }

  private newStub(identity: TestIdentity): ChaincodeStubTestDouble {
    const txId = createHash('sha256').update(`tx-${++this.txCount}`).digest('hex');
    const stub = new ChaincodeStubTestDouble(this.ledger, {
      txId,
      timestampMillis: this.nowMillis,
      creator: { mspid: identity.mspId, idBytes: Buffer.from(identity.certificatePem, 'utf8') },
    });
    this.lastTrace = stub.trace;
    return stub;
  }

  async submit<T>(identity: TestIdentity, call: Call): Promise<T> {
    const stub = this.newStub(identity);
    const result = await call(createTestContext(stub, identity));
    assert.ok(stub.trace.event, 'every successful submit emits exactly one event');
    stub.commit();
    return JSON.parse(result) as T;
  }

  async evaluate<T>(identity: TestIdentity, call: Call): Promise<T> {
    const stub = this.newStub(identity);
    const result = await call(createTestContext(stub, identity));
    assert.equal(stub.trace.writes.size, 0, 'a query must not write');
    assert.equal(stub.trace.event, null, 'a query must not emit an event');
    return JSON.parse(result) as T;
  }

  /**
   * The call must fail with a ChaincodeError whose message matches, having attempted no write
   * and no event, and leaving the ledger exactly as it was.
   */
  async refused(identity: TestIdentity, call: Call, expected: RegExp): Promise<ChaincodeError> {
    const before = this.ledger.snapshot();
    const eventsBefore = this.ledger.events.length;
    const stub = this.newStub(identity);
    let error: unknown = null;
    try {
      await call(createTestContext(stub, identity));
    } catch (caught) {
      error = caught;
    }
    assert.ok(
      error instanceof ChaincodeError,
      `expected a ChaincodeError matching ${expected}, got ${String(error)}`,
    );
    assert.match(error.message, expected);
    assert.equal(
      stub.trace.writes.size,
      0,
      `refused call attempted writes: ${[...stub.trace.writes.keys()].join(', ')}`,
    );
    assert.equal(stub.trace.event, null, 'refused call set an event');
    assert.deepEqual(this.ledger.snapshot(), before);
    assert.equal(this.ledger.events.length, eventsBefore);
    return error;
  }

  /**
   * The last committed event is `name`, about this patient (null: about nobody), and says
   * nothing more than its kind, its transaction and the patient's tag.
   */
  assertLastEvent(name: string, patientId: string | null): void {
    const event = this.lastEvent();
    assert.equal(event.name, name);
    assert.deepEqual(event.payload, {
      type: name,
      schemaVersion: 2,
      txId: event.txId,
      patientTag: patientId === null ? null : patientTagOf(patientId),
    });
  }

  lastEvent(): { txId: string; name: string; payload: unknown } {
    const event = this.ledger.events.at(-1);
    assert.ok(event, 'no event committed');
    return event;
  }
}
