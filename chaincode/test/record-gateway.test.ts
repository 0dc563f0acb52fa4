import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DISCLOSURE_FRESH_MILLIS,
  RecordGatewayContract,
} from '../src/contracts/record-gateway-contract';
import type { GatewayDecision } from '../src/model/gateway-decision';
import type { RecordMetadata } from '../src/model/record-metadata';
import { createTestIdentity } from './support/certificates';
import { HOSPITAL_A, HOSPITAL_B, World, type RegisteredUser } from './support/world';

async function setup() {
  const world = await World.create();
  const gateway = await createTestIdentity('gateway.hospital-a', HOSPITAL_A, { role: 'gateway' });
  const contract = new RecordGatewayContract();
  const patient = await world.registerPatient(HOSPITAL_A);
  const caregiver = await world.registerCaregiver(HOSPITAL_B);
  const dose = await world.addRecord(patient, patient, 'dose');
  const base = dose.storagePointer;
  const read = (who: RegisteredUser, object = base, signer = gateway) =>
    world.net.evaluate<GatewayDecision>(signer, (ctx) =>
      contract.authorizeRead(ctx, who.identity.certificatePem, patient.id, object, base),
    );
  const readRefused = (who: RegisteredUser, expected: RegExp, object = base) =>
    world.net.refused(
      gateway,
      (ctx) => contract.authorizeRead(ctx, who.identity.certificatePem, patient.id, object, base),
      expected,
    );
  const write = (who: RegisteredUser, pointer: string, category = 'dose') =>
    world.net.evaluate<GatewayDecision>(gateway, (ctx) =>
      contract.authorizeWrite(
        ctx,
        who.identity.certificatePem,
        patient.id,
        category,
        pointer,
        pointer,
      ),
    );
  const writeRefused = (who: RegisteredUser, pointer: string, expected: RegExp) =>
    world.net.refused(
      gateway,
      (ctx) =>
        contract.authorizeWrite(
          ctx,
          who.identity.certificatePem,
          patient.id,
          'dose',
          pointer,
          pointer,
        ),
      expected,
    );
  const download = (record: RecordMetadata) =>
    world.net.submit(caregiver.identity, (ctx) =>
      world.accessLog.recordDownload(ctx, patient.id, record.recordId),
    );
  return {
    world,
    gateway,
    contract,
    patient,
    caregiver,
    dose,
    read,
    readRefused,
    write,
    writeRefused,
    download,
  };
}

describe('RecordGateway.authorizeRead', () => {
  it('lets the patient read his own record and its envelopes', async () => {
    const { patient, dose, read } = await setup();
    const decision = await read(patient, dose.keyEnvelopeRef);
    assert.equal(decision.rule, 'patient-self');
    assert.equal(decision.recordId, dose.recordId);
    assert.equal(decision.callerId, patient.id);
  });

  it('lets a caregiver fetch the encrypted object with his grant, its key envelopes only after his committed disclosure, while fresh', async () => {
    const { world, caregiver, dose, read, readRefused, download, patient } = await setup();
    await world.grant(patient, caregiver, { category: 'dose' });
    // The object's bytes are noise without a key: they may come while the disclosure commits.
    const early = await read(caregiver);
    assert.equal(early.rule, 'caregiver-read-basis');
    assert.equal(early.basis, 'grant');
    assert.equal(early.recordId, dose.recordId);
    assert.equal(early.accessId, undefined);
    await readRefused(
      caregiver,
      /^FORBIDDEN\(download-disclosure\): .* no committed download disclosure/,
      dose.keyEnvelopeRef,
    );
    await download(dose);
    const accessId = world.net.lastTrace?.txId;
    const decision = await read(caregiver, dose.keyEnvelopeRef);
    assert.equal(decision.rule, 'caregiver-disclosure');
    assert.equal(decision.accessId, accessId);
    assert.equal(decision.callerMspId, HOSPITAL_B);
    world.net.advanceMillis(DISCLOSURE_FRESH_MILLIS + 1000);
    await readRefused(
      caregiver,
      /^FORBIDDEN\(download-disclosure\): .* older than 15 minutes/,
      dose.keyEnvelopeRef,
    );
    assert.equal((await read(caregiver)).rule, 'caregiver-read-basis');
  });

  it('refuses a caregiver without a read grant even the encrypted object', async () => {
    const { world, caregiver, dose, readRefused, patient } = await setup();
    await readRefused(caregiver, /^FORBIDDEN\(caregiver-read-grant\)/);
    await world.grant(patient, caregiver, { category: 'imaging' });
    await readRefused(caregiver, /^FORBIDDEN\(caregiver-read-grant\)/);
    await readRefused(caregiver, /^FORBIDDEN\(caregiver-read-grant\)/, dose.keyEnvelopeRef);
  });

  it('refuses a caregiver whose grant was revoked after his disclosure', async () => {
    const { world, caregiver, dose, readRefused, download, patient } = await setup();
    await world.grant(patient, caregiver, { category: 'dose' });
    await download(dose);
    await world.revoke(patient, caregiver, 'dose');
    await readRefused(caregiver, /^FORBIDDEN\(caregiver-read-grant\)/);
    await readRefused(caregiver, /^FORBIDDEN\(caregiver-read-grant\)/, dose.keyEnvelopeRef);
  });

  it('refuses a revoked user, an unregistered certificate, another patient and a foreign object', async () => {
    const { world, caregiver, patient, readRefused, read, gateway, contract, dose } = await setup();
    await world.grant(patient, caregiver, { category: 'dose' });
    await world.revokeUser(caregiver);
    await readRefused(caregiver, /^FORBIDDEN\(revoked-user\)/);
    const stranger = { identity: await createTestIdentity('nobody', HOSPITAL_B) } as RegisteredUser;
    await readRefused(stranger, /^FORBIDDEN\(registered-user\)/);
    const other = await world.registerPatient(HOSPITAL_A);
    await readRefused(other, /^FORBIDDEN\(patient-own-records\)/);
    await readRefused(
      patient,
      /^NOT_FOUND\(objectPointer\)/,
      's3://ehr-hospital-a/objects/elsewhere',
    );
    await assert.rejects(
      read(patient, dose.storagePointer, patient.identity),
      /FORBIDDEN\(gateway-role\)/,
    );
    await world.net.refused(
      gateway,
      (ctx) =>
        contract.authorizeRead(
          ctx,
          'not a certificate',
          patient.id,
          dose.storagePointer,
          dose.storagePointer,
        ),
      /^INVALID_ARGUMENT\(callerCertificatePem\)/,
    );
  });
});

describe('RecordGateway.authorizeWrite', () => {
  it('lets the patient change his registered objects and a granted caregiver store new ones', async () => {
    const { world, patient, caregiver, dose, write, writeRefused } = await setup();
    assert.equal((await write(patient, dose.storagePointer)).rule, 'patient-self');
    const fresh = 's3://ehr-hospital-a/objects/new-one';
    await writeRefused(caregiver, fresh, /^FORBIDDEN\(caregiver-write-grant\)/);
    await world.grant(patient, caregiver, { category: 'dose', read: false, write: true });
    assert.equal((await write(caregiver, fresh)).rule, 'caregiver-write-grant');
    await writeRefused(caregiver, dose.storagePointer, /^FORBIDDEN\(registered-object\)/);
    await world.revoke(patient, caregiver, 'dose');
    await writeRefused(caregiver, fresh, /^FORBIDDEN\(caregiver-write-grant\)/);
  });

  it("refuses another patient's objects", async () => {
    const { world, dose, writeRefused } = await setup();
    const other = await world.registerPatient(HOSPITAL_A);
    await writeRefused(other, dose.storagePointer, /^FORBIDDEN\(patient-own-records\)/);
  });
});
