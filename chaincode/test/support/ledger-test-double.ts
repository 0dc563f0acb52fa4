/**
 * Test doubles for the two Fabric objects a contract talks to: ChaincodeStubTestDouble
 * (world state, composite keys, transaction id and timestamp, events) and
 * ClientIdentityTestDouble (the signer's MSP, certificate and CA attributes).
 *
 * They follow the peer's semantics where contracts could otherwise pass by accident:
 * reads see only committed state (Fabric has no read-your-own-writes), range queries return
 * keys in byte order, an empty value cannot be stored, and setting a second event in one
 * transaction fails loudly (the peer would silently keep only the last one).
 */
import { X509Certificate } from 'node:crypto';
import { Context } from 'fabric-contract-api';
import type {
  ChaincodeStub,
  ClientIdentity,
  Iterators,
  SerializedIdentity,
  SplitCompositekey,
  Timestamp,
} from 'fabric-shim-api';
import Long from 'long';

const COMPOSITE_NS = '\u0000';
const MIN_RUNE = '\u0000';
const MAX_RUNE = '\u{10ffff}';

export interface CommittedEvent {
  txId: string;
  name: string;
  payload: unknown;
}

/** The committed world state and event stream shared by every transaction of a test. */
export class InMemoryLedger {
  readonly state = new Map<string, Uint8Array>();
  readonly events: CommittedEvent[] = [];

  snapshot(): Map<string, string> {
    return new Map(
      [...this.state].map(([key, value]) => [key, Buffer.from(value).toString('utf8')]),
    );
  }
}

/** What a transaction tried to do, kept even when it was refused. */
export interface TransactionTrace {
  txId: string;
  writes: Map<string, Uint8Array>;
  event: { name: string; payload: Uint8Array } | null;
}

type StubSurface = Pick<
  ChaincodeStub,
  | 'getTxID'
  | 'getChannelID'
  | 'getCreator'
  | 'getMspID'
  | 'getTxTimestamp'
  | 'getDateTimestamp'
  | 'getState'
  | 'putState'
  | 'deleteState'
  | 'getStateByPartialCompositeKey'
  | 'setEvent'
  | 'createCompositeKey'
  | 'splitCompositeKey'
  | 'getArgs'
  | 'getStringArgs'
  | 'getFunctionAndParameters'
>;

export class ChaincodeStubTestDouble implements StubSurface {
  readonly trace: TransactionTrace;

  constructor(
    private readonly ledger: InMemoryLedger,
    private readonly tx: {
      txId: string;
      timestampMillis: number;
      creator: SerializedIdentity;
      channelId?: string;
      args?: string[];
    },
  ) {
    this.trace = { txId: tx.txId, writes: new Map(), event: null };
  }

  getTxID(): string {
    return this.tx.txId;
  }

  getChannelID(): string {
    return this.tx.channelId ?? 'ehr-channel';
  }

  getCreator(): SerializedIdentity {
    return this.tx.creator;
  }

  getMspID(): string {
    return 'PeerOrgMSP';
  }

  getTxTimestamp(): Timestamp {
    const seconds = Math.floor(this.tx.timestampMillis / 1000);
    return {
      seconds: Long.fromNumber(seconds, true),
      nanos: (this.tx.timestampMillis - seconds * 1000) * 1_000_000,
    };
  }

  getDateTimestamp(): Date {
    return new Date(this.tx.timestampMillis);
  }

  getArgs(): string[] {
    return this.tx.args ?? [];
  }

  getStringArgs(): string[] {
    return this.getArgs();
  }

  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.getArgs();
    return { fcn, params };
  }

  /** Not in fabric-shim-api's interface, but what the shim's contract router reads. */
  getBufferArgs(): Buffer[] {
    return this.getArgs().map((arg) => Buffer.from(arg, 'utf8'));
  }

  async getState(key: string): Promise<Uint8Array> {
    return this.ledger.state.get(key) ?? new Uint8Array(0);
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    if (typeof key !== 'string' || key.length === 0)
      throw new Error('putState: key must be a non-empty string');
    if (!value || value.length === 0)
      throw new Error(`putState: empty value for ${JSON.stringify(key)} would delete it`);
    this.trace.writes.set(key, Buffer.from(value));
  }

  async deleteState(key: string): Promise<void> {
    throw new Error(
      `deleteState(${JSON.stringify(key)}): this chaincode never deletes; the ledger is append-only`,
    );
  }

  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const start = this.createCompositeKey(objectType, attributes);
    const end = start + MAX_RUNE;
    const matches = [...this.ledger.state.keys()]
      .filter((key) => key >= start && key < end)
      .sort(compareUtf8)
      .map((key) => ({
        namespace: 'action-ehr',
        key,
        value: this.ledger.state.get(key) as Uint8Array,
      }));
    let position = 0;
    const iterator: Iterators.StateQueryIterator = {
      async next() {
        if (position < matches.length)
          return { value: matches[position++] as Iterators.KV, done: false };
        return { done: true } as Iterators.NextResult<Iterators.KV>;
      },
      async close() {},
    };
    const result = Promise.resolve(iterator) as Promise<Iterators.StateQueryIterator> &
      AsyncIterable<Iterators.KV>;
    result[Symbol.asyncIterator] = async function* () {
      yield* matches;
    };
    return result;
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (this.trace.event) {
      throw new Error(
        `setEvent(${name}): transaction already set event ${this.trace.event.name}; Fabric keeps only one`,
      );
    }
    this.trace.event = { name, payload: Buffer.from(payload) };
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    for (const part of [objectType, ...attributes]) {
      if (typeof part !== 'string' || part.length === 0) {
        throw new Error('object type or attribute not a non-zero length string');
      }
      if (part.includes(MIN_RUNE) || part.includes(MAX_RUNE))
        throw new Error('composite key part contains a reserved rune');
    }
    return (
      COMPOSITE_NS +
      objectType +
      MIN_RUNE +
      attributes.map((attribute) => attribute + MIN_RUNE).join('')
    );
  }

  splitCompositeKey(compositeKey: string): SplitCompositekey {
    const parts = compositeKey.slice(1).split(MIN_RUNE);
    parts.pop();
    const [objectType, ...attributes] = parts;
    return { objectType: objectType ?? '', attributes };
  }

  /** Makes the transaction's writes and event part of the ledger, as a valid commit would. */
  commit(): void {
    for (const [key, value] of this.trace.writes) this.ledger.state.set(key, value);
    if (this.trace.event) {
      this.ledger.events.push({
        txId: this.tx.txId,
        name: this.trace.event.name,
        payload: JSON.parse(Buffer.from(this.trace.event.payload).toString('utf8')),
      });
    }
  }

  asStub(): ChaincodeStub {
    return this as unknown as ChaincodeStub;
  }
}

/** The peer's LevelDB orders keys by their UTF-8 bytes. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A signer: its MSP, its PEM certificate and the attributes its CA put in it. */
export interface TestIdentity {
  label: string;
  mspId: string;
  certificatePem: string;
  attributes: Record<string, string>;
}

export class ClientIdentityTestDouble implements ClientIdentity {
  constructor(private readonly identity: TestIdentity) {}

  getID(): string {
    const subject = new X509Certificate(this.identity.certificatePem).subject.replace(/\n/g, '/');
    return `x509::/${subject}::/CN=ca.${this.identity.mspId}`;
  }

  getMSPID(): string {
    return this.identity.mspId;
  }

  getIDBytes(): Uint8Array {
    return Buffer.from(this.identity.certificatePem, 'utf8');
  }

  getAttributeValue(name: string): string | null {
    return this.identity.attributes[name] ?? null;
  }

  assertAttributeValue(name: string, value: string): boolean {
    return this.getAttributeValue(name) === value;
  }
}

export function createTestContext(stub: ChaincodeStubTestDouble, identity: TestIdentity): Context {
  const ctx = new Context();
  ctx.stub = stub.asStub();
  ctx.clientIdentity = new ClientIdentityTestDouble(identity);
  return ctx;
}
