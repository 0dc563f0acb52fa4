import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordListing } from '../src/model/record-listing';
import type { RecordMetadata } from '../src/model/record-metadata';
import { DAY, HOSPITAL_A, HOSPITAL_B, HOUR, World } from './support/world';

const HASH = 'a'.repeat(64);

async function setup() {
  const world = await World.create();
  const patient = await world.registerPatient(HOSPITAL_A);
  const caregiver = await world.registerCaregiver(HOSPITAL_B);
  return { world, patient, caregiver };
}

describe('Records.addRecord', () => {
  it('lets the patient add his own record, signed as uploader, and emits it whole', async () => {
    const { world, patient } = await setup();
    const record = await world.net.submit<RecordMetadata>(patient.identity, (ctx) =>
      world.records.addRecord(
        ctx,
        patient.id,
        'clinical-note',
        's3://ehr/objects/1',
        HASH,
        '4096',
        'application/fhir+json',
        's3://ehr/envelopes/1.json',
      ),
    );
    assert.deepEqual(record, {
      recordId: world.net.lastTrace?.txId,
      patientId: patient.id,
      category: 'clinical-note',
      uploaderId: patient.id,
      uploaderRole: 'patient',
      storagePointer: 's3://ehr/objects/1',
      sha256: HASH,
      sizeBytes: 4096,
      contentType: 'application/fhir+json',
      keyEnvelopeRef: 's3://ehr/envelopes/1.json',
      recordedAt: world.net.nowIso,
    });
    world.net.assertLastEvent('RecordAdded', patient.id);
  });

  it('lets a caregiver add only with a write grant in force for that category', async () => {
    const { world, patient, caregiver } = await setup();
    await world.grant(patient, caregiver, { category: 'dose', read: true, write: false });
    await world.grant(patient, caregiver, {
      category: 'radiotherapy-plan',
      read: false,
      write: true,
    });
    const add = (category: string) => (ctx: Parameters<typeof world.records.addRecord>[0]) =>
      world.records.addRecord(
        ctx,
        patient.id,
        category,
        's3://ehr/objects/x',
        HASH,
        '10',
        'application/dicom',
        's3://ehr/envelopes/x',
      );

    const plan = await world.net.submit<RecordMetadata>(
      caregiver.identity,
      add('radiotherapy-plan'),
    );
    assert.equal(plan.uploaderId, caregiver.id);
    assert.equal(plan.uploaderRole, 'caregiver');

    const readOnly = await world.net.refused(
      caregiver.identity,
      add('dose'),
      /^FORBIDDEN\(caregiver-write-grant\)/,
    );
    assert.equal(
      readOnly.message,
      `FORBIDDEN(caregiver-write-grant): caregiver ${caregiver.id} has no write permission in force for dose of patient ${patient.id} at ${world.net.nowIso}`,
    );
    await world.net.refused(
      caregiver.identity,
      add('imaging'),
      /^FORBIDDEN\(caregiver-write-grant\)/,
    );
  });

  it('refuses other patients, unregistered signers and caregivers after revoke', async () => {
    const { world, patient, caregiver } = await setup();
    const other = await world.registerPatient(HOSPITAL_A);
    const add = (ctx: Parameters<typeof world.records.addRecord>[0]) =>
      world.records.addRecord(
        ctx,
        patient.id,
        'dose',
        's3://ehr/o',
        HASH,
        '10',
        'application/dicom',
        's3://ehr/e',
      );
    await world.net.refused(
      other.identity,
      add,
      new RegExp(
        `^FORBIDDEN\\(patient-own-records\\): patient ${other.id} may only add records of his own$`,
      ),
    );
    await world.net.refused(world.adminB, add, /^FORBIDDEN\(registered-signer\)/);
    await world.grant(patient, caregiver, { category: 'dose', write: true });
    await world.net.submit(caregiver.identity, add);
    world.net.advanceMillis(1);
    await world.revoke(patient, caregiver, 'dose');
    await world.net.refused(caregiver.identity, add, /^FORBIDDEN\(caregiver-write-grant\)/);
  });

  it('answers a resubmitted add with the record already there, writing nothing twice', async () => {
    const { world, patient } = await setup();
    const add =
      (hash = HASH, size = '2048') =>
      (ctx: Parameters<typeof world.records.addRecord>[0]) =>
        world.records.addRecord(
          ctx,
          patient.id,
          'imaging',
          's3://ehr/objects/ct-1',
          hash,
          size,
          'application/dicom',
          's3://ehr/envelopes/ct-1',
        );
    const first = await world.net.submit<RecordMetadata>(patient.identity, add());
    world.net.advanceMillis(5_000);
    // The client lost the answer and sends the same add again: same record, no write, no event.
    const again = await world.net.evaluate<RecordMetadata>(patient.identity, add());
    assert.deepEqual(again, first);
    const listing = await world.net.evaluate<RecordListing>(patient.identity, (ctx) =>
      world.records.listRecords(ctx, patient.id),
    );
    assert.equal(listing.records.length, 1);
    // The same object with other metadata is a mistake, not a retry.
    const other = await world.net.refused(
      patient.identity,
      add('b'.repeat(64)),
      /^CONFLICT\(storagePointer\)/,
    );
    assert.equal(
      other.message,
      `CONFLICT(storagePointer): object s3://ehr/objects/ct-1 is already registered as record ${first.recordId} with other metadata`,
    );
    await world.net.refused(patient.identity, add(HASH, '2049'), /^CONFLICT\(storagePointer\)/);
  });

  it("refuses a storage pointer another patient's record already uses, without naming him", async () => {
    const { world, patient, caregiver } = await setup();
    const other = await world.registerPatient(HOSPITAL_B);
    const add =
      (owner: { id: string }, envelopes = 's3://ehr/envelopes/ct-1') =>
      (ctx: Parameters<typeof world.records.addRecord>[0]) =>
        world.records.addRecord(
          ctx,
          owner.id,
          'imaging',
          's3://ehr/objects/ct-1',
          HASH,
          '2048',
          'application/dicom',
          envelopes,
        );
    const first = await world.net.submit<RecordMetadata>(patient.identity, add(patient));
    // The same metadata under another patient is no retry: the object already belongs to a record.
    const sameObject = await world.net.refused(
      other.identity,
      add(other),
      /^CONFLICT\(storagePointer\)/,
    );
    assert.equal(
      sameObject.message,
      'CONFLICT(storagePointer): object s3://ehr/objects/ct-1 is already registered to another record',
    );
    assert.doesNotMatch(sameObject.message, new RegExp(`${patient.id}|${first.recordId}`));
    // Nor can a caregiver the other patient lets write attach it to him.
    await world.grant(other, caregiver, { category: 'imaging', write: true });
    await world.net.refused(
      caregiver.identity,
      add(other, 's3://ehr/envelopes/other'),
      /^CONFLICT\(storagePointer\): object s3:\/\/ehr\/objects\/ct-1 is already registered to another record$/,
    );
    const listing = await world.net.evaluate<RecordListing>(other.identity, (ctx) =>
      world.records.listRecords(ctx, other.id),
    );
    assert.deepEqual(listing.records, []);
  });

  it('refuses malformed metadata, naming the argument', async () => {
    const { world, patient } = await setup();
    const valid = ['dose', 's3://ehr/o', HASH, '10', 'application/dicom', 's3://ehr/e'];
    const cases: Array<[number, string, RegExp]> = [
      [0, 'ct', /^INVALID_ARGUMENT\(category\)/],
      [
        1,
        'ehr/objects/1',
        /^INVALID_ARGUMENT\(storagePointer\): must be a URI such as s3:\/\/bucket\/key/,
      ],
      [1, 's3://ehr/with space', /^INVALID_ARGUMENT\(storagePointer\)/],
      [
        1,
        `s3://ehr/${'x'.repeat(2100)}`,
        /^INVALID_ARGUMENT\(storagePointer\): must be at most 2048 characters$/,
      ],
      [2, HASH.toUpperCase(), /^INVALID_ARGUMENT\(sha256\): must be a SHA-256 digest/],
      [2, 'a'.repeat(63), /^INVALID_ARGUMENT\(sha256\)/],
      [3, '0', /^INVALID_ARGUMENT\(sizeBytes\): must be between 1 and /],
      [3, '-5', /^INVALID_ARGUMENT\(sizeBytes\): must be a whole number/],
      [3, '1.5', /^INVALID_ARGUMENT\(sizeBytes\): must be a whole number/],
      [3, '010', /^INVALID_ARGUMENT\(sizeBytes\): must be a whole number/],
      [3, '99999999999999999', /^INVALID_ARGUMENT\(sizeBytes\)/],
      [4, 'DICOM', /^INVALID_ARGUMENT\(contentType\): must be a lowercase media type/],
      [4, 'application/dicom; charset=x', /^INVALID_ARGUMENT\(contentType\)/],
      [5, '', /^INVALID_ARGUMENT\(keyEnvelopeRef\)/],
    ];
    for (const [index, value, message] of cases) {
      const args = [...valid];
      args[index] = value;
      const [category, pointer, sha, size, type, envelopes] = args as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      await world.net.refused(
        patient.identity,
        (ctx) =>
          world.records.addRecord(ctx, patient.id, category, pointer, sha, size, type, envelopes),
        message,
      );
    }
  });
});

describe('Records.listRecords', () => {
  it('shows the patient all his records, oldest first', async () => {
    const { world, patient, caregiver } = await setup();
    await world.grant(patient, caregiver, { category: 'imaging', write: true });
    const first = await world.addRecord(patient, patient, 'dose');
    world.net.advanceMillis(1000);
    const second = await world.addRecord(caregiver, patient, 'imaging');
    const listing = await world.net.evaluate<RecordListing>(patient.identity, (ctx) =>
      world.records.listRecords(ctx, patient.id),
    );
    assert.deepEqual(listing, {
      patientId: patient.id,
      viewerId: patient.id,
      breakGlass: null,
      records: [
        { accessBasis: 'patient', record: first },
        { accessBasis: 'patient', record: second },
      ],
    });
  });

  it('orders records added at the same instant by record id, the same on every peer', async () => {
    const { world, patient } = await setup();
    const added = [];
    for (let i = 0; i < 4; i++) added.push(await world.addRecord(patient, patient, 'lab'));
    const listing = await world.net.evaluate<RecordListing>(patient.identity, (ctx) =>
      world.records.listRecords(ctx, patient.id),
    );
    assert.deepEqual(
      listing.records.map((item) => item.record.recordId),
      added.map((record) => record.recordId).sort(),
    );
  });

  it('shows a caregiver only the categories he may read', async () => {
    const { world, patient, caregiver } = await setup();
    const dose = await world.addRecord(patient, patient, 'dose');
    await world.addRecord(patient, patient, 'imaging');
    await world.addRecord(patient, patient, 'medication');
    await world.grant(patient, caregiver, { category: 'dose', read: true });
    await world.grant(patient, caregiver, { category: 'imaging', read: false, write: true });
    const listing = await world.net.evaluate<RecordListing>(caregiver.identity, (ctx) =>
      world.records.listRecords(ctx, patient.id),
    );
    assert.deepEqual(listing.records, [{ accessBasis: 'grant', record: dose }]);
    assert.equal(listing.breakGlass, null);
  });

  it('refuses a caregiver whose only grant is write (read and write are separate rights)', async () => {
    const { world, patient, caregiver } = await setup();
    await world.grant(patient, caregiver, { category: 'dose', read: false, write: true });
    const refused = await world.net.refused(
      caregiver.identity,
      (ctx) => world.records.listRecords(ctx, patient.id),
      /^FORBIDDEN\(caregiver-read-grant\)/,
    );
    assert.equal(
      refused.message,
      `FORBIDDEN(caregiver-read-grant): caregiver ${caregiver.id} has no read permission in force for patient ${patient.id} at ${world.net.nowIso}`,
    );
  });

  it('allows reading exactly inside the half-open window [validFrom, validTo)', async () => {
    const { world, patient, caregiver } = await setup();
    await world.addRecord(patient, patient, 'dose');
    const from = world.net.at(HOUR);
    const to = world.net.at(2 * HOUR);
    await world.grant(patient, caregiver, { category: 'dose', from, to });
    const list = () => world.records.listRecords.bind(world.records);
    const expectAllowed = async () => {
      const listing = await world.net.evaluate<RecordListing>(caregiver.identity, (ctx) =>
        list()(ctx, patient.id),
      );
      assert.equal(listing.records.length, 1);
    };
    const expectRefused = () =>
      world.net.refused(
        caregiver.identity,
        (ctx) => list()(ctx, patient.id),
        /^FORBIDDEN\(caregiver-read-grant\)/,
      );

    world.net.advanceTo(new Date(Date.parse(from) - 1).toISOString());
    await expectRefused();
    world.net.advanceTo(from);
    await expectAllowed();
    world.net.advanceTo(new Date(Date.parse(to) - 1).toISOString());
    await expectAllowed();
    world.net.advanceTo(to);
    await expectRefused();
  });

  it('refuses after revoke, and refuses other patients and admins', async () => {
    const { world, patient, caregiver } = await setup();
    const other = await world.registerPatient(HOSPITAL_A);
    await world.grant(patient, caregiver, { category: 'dose' });
    await world.net.evaluate(caregiver.identity, (ctx) =>
      world.records.listRecords(ctx, patient.id),
    );
    world.net.advanceMillis(DAY);
    await world.revoke(patient, caregiver, 'dose');
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.records.listRecords(ctx, patient.id),
      /^FORBIDDEN\(caregiver-read-grant\)/,
    );
    await world.net.refused(
      other.identity,
      (ctx) => world.records.listRecords(ctx, patient.id),
      /^FORBIDDEN\(patient-or-caregiver\)/,
    );
    await world.net.refused(
      world.adminA,
      (ctx) => world.records.listRecords(ctx, patient.id),
      /^FORBIDDEN\(registered-signer\)/,
    );
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.records.listRecords(ctx, 'pat-1234'),
      /^INVALID_ARGUMENT\(patientId\)/,
    );
  });
});
