import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../src/ledger/canonical-json';
import { DirectoryContract } from '../src/contracts/directory-contract';
import { PermissionsContract } from '../src/contracts/permissions-contract';
import { createTestIdentity, ecEncryptionKeyPem, fingerprintOf } from './support/certificates';
import { TestNetwork } from './support/test-network';
import { DAY, HOSPITAL_A, HOSPITAL_B, randomId } from './support/world';

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and adds no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    assert.equal(canonicalJson(value), '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    const reordered = { a: { c: 'x', d: [3, { y: null, z: true }] }, b: 1 };
    assert.equal(canonicalJson(reordered), canonicalJson(value));
  });

  it('escapes strings exactly as JSON does', () => {
    assert.equal(
      canonicalJson({ 'k"ey': 'line\nbreak \u2028 ü' }),
      JSON.stringify({ 'k"ey': 'line\nbreak \u2028 ü' }),
    );
  });

  it('refuses values JSON would silently change', () => {
    assert.throws(() => canonicalJson({ a: undefined }), /\$\.a has unsupported type undefined/);
    assert.throws(() => canonicalJson({ n: Number.NaN }), /\$\.n is not a finite number/);
    assert.throws(() => canonicalJson([Infinity]), /\$\[0\] is not a finite number/);
    assert.throws(() => canonicalJson({ when: new Date(0) }), /\$\.when is not a plain object/);
    assert.throws(() => canonicalJson({ big: 1n }), /unsupported type bigint/);
  });
});

describe('determinism across endorsing peers', () => {
  it('writes byte-identical state and events for the same transactions', async () => {
    const admin = await createTestIdentity('admin', HOSPITAL_A, { role: 'admin' });
    const adminB = await createTestIdentity('adminB', HOSPITAL_B, { role: 'admin' });
    const patientCard = await createTestIdentity('patient', HOSPITAL_A);
    const doctorCard = await createTestIdentity('doctor', HOSPITAL_B);
    const patientKey = ecEncryptionKeyPem();
    const doctorKey = ecEncryptionKeyPem();
    const patientId = randomId('pat-');
    const caregiverId = randomId('cg-');

    // Two "peers": separate ledgers and separately constructed contracts, same proposals.
    const runOnPeer = async () => {
      const net = new TestNetwork();
      const directory = new DirectoryContract();
      const permissions = new PermissionsContract();
      await net.submit(admin, (ctx) =>
        directory.registerUser(
          ctx,
          patientId,
          'patient',
          HOSPITAL_A,
          fingerprintOf(patientCard),
          patientKey,
          '',
          '',
        ),
      );
      await net.submit(adminB, (ctx) =>
        directory.registerUser(
          ctx,
          caregiverId,
          'caregiver',
          HOSPITAL_B,
          fingerprintOf(doctorCard),
          doctorKey,
          'Dr. D',
          'RT',
        ),
      );
      await net.submit(patientCard, (ctx) =>
        permissions.grant(
          ctx,
          patientId,
          caregiverId,
          'dose',
          net.at(0),
          net.at(DAY),
          'true',
          'true',
        ),
      );
      return { state: net.ledger.snapshot(), events: JSON.stringify(net.ledger.events) };
    };
    const first = await runOnPeer();
    const second = await runOnPeer();
    assert.ok(first.state.size > 0);
    assert.deepEqual(second.state, first.state);
    assert.equal(second.events, first.events);
    for (const value of first.state.values()) {
      if (value.startsWith('{'))
        assert.equal(value, canonicalJson(JSON.parse(value)), 'stored JSON is canonical');
    }
  });
});
