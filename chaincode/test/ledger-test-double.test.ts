/**
 * The contract tests are only as good as the double's Fabric semantics, so those are pinned
 * here, against fabric-shim's own ChaincodeStub where it can run without a peer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChaincodeStub } from 'fabric-shim';
import { ChaincodeStubTestDouble, InMemoryLedger } from './support/ledger-test-double';

function newStub(ledger = new InMemoryLedger()): ChaincodeStubTestDouble {
  return new ChaincodeStubTestDouble(ledger, {
    txId: '0'.repeat(64),
    timestampMillis: Date.parse('2025-03-03T08:00:00.250Z'),
    creator: { mspid: 'HospitalAMSP', idBytes: Buffer.from('') },
  });
}

async function keysOf(
  stub: ChaincodeStubTestDouble,
  objectType: string,
  attributes: string[],
): Promise<string[]> {
  const iterator = await stub.getStateByPartialCompositeKey(objectType, attributes);
  const keys: string[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next())
    keys.push(next.value.key);
  return keys;
}

describe('ChaincodeStubTestDouble', () => {
  it('builds and splits composite keys exactly as fabric-shim does', () => {
    const stub = newStub();
    const real = ChaincodeStub.prototype.createCompositeKey.call({}, 'permission-log', [
      'pat-1',
      '000000000001',
    ]);
    assert.equal(stub.createCompositeKey('permission-log', ['pat-1', '000000000001']), real);
    assert.deepEqual(
      stub.splitCompositeKey(real),
      ChaincodeStub.prototype.splitCompositeKey.call({}, real),
    );
    assert.throws(() => stub.createCompositeKey('record', ['']), /non-zero length string/);
  });

  it('does not let a transaction read its own writes, as on a peer', async () => {
    const ledger = new InMemoryLedger();
    const stub = newStub(ledger);
    await stub.putState('k', Buffer.from('v'));
    assert.equal((await stub.getState('k')).length, 0);
    stub.commit();
    assert.equal(Buffer.from(await newStub(ledger).getState('k')).toString(), 'v');
  });

  it('refuses empty values and a second event in one transaction', async () => {
    const stub = newStub();
    await assert.rejects(stub.putState('k', new Uint8Array(0)), /empty value/);
    stub.setEvent('First', Buffer.from('{}'));
    assert.throws(
      () => stub.setEvent('Second', Buffer.from('{}')),
      /already set event First; Fabric keeps only one/,
    );
  });

  it('returns partial-key ranges in byte order, without neighbouring prefixes', async () => {
    const ledger = new InMemoryLedger();
    const writer = newStub(ledger);
    for (const id of ['pat-b', 'pat-a', 'pat-ab']) {
      await writer.putState(writer.createCompositeKey('record', [id, 'r2']), Buffer.from('x'));
      await writer.putState(writer.createCompositeKey('record', [id, 'r1']), Buffer.from('x'));
    }
    writer.commit();
    const reader = newStub(ledger);
    const keys = await keysOf(reader, 'record', ['pat-a']);
    assert.deepEqual(
      keys.map((key) => reader.splitCompositeKey(key).attributes),
      [
        ['pat-a', 'r1'],
        ['pat-a', 'r2'],
      ],
    );
    assert.equal((await keysOf(reader, 'record', [])).length, 6);
  });

  it('reports the transaction timestamp as seconds and nanos', () => {
    const { seconds, nanos } = newStub().getTxTimestamp();
    assert.equal(seconds.toNumber(), Date.parse('2025-03-03T08:00:00Z') / 1000);
    assert.equal(nanos, 250_000_000);
  });
});
