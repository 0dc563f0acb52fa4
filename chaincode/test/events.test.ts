import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessEntry } from '../src/model/access-entry';
import type { RecordMetadata } from '../src/model/record-metadata';
import { patientTagOf } from './support/test-network';
import { HOSPITAL_A, HOSPITAL_B, World } from './support/world';

const tagOf = patientTagOf;

describe('Events', () => {
  it('carry only their kind, the transaction id and an opaque tag of the patient', async () => {
    const world = await World.create();
    const patient = await world.registerPatient(HOSPITAL_A);
    const caregiver = await world.registerCaregiver(
      HOSPITAL_B,
      'Dr. Ada Example',
      'Radiation Oncology',
    );
    const emergency = await world.registerCaregiver(HOSPITAL_B, 'Dr. ER', 'Emergency Medicine');
    await world.grant(patient, caregiver, { category: 'dose' });
    const record: RecordMetadata = await world.addRecord(patient, patient, 'dose');
    const download = await world.net.submit<{ entry: AccessEntry }>(caregiver.identity, (ctx) =>
      world.accessLog.recordDownload(ctx, patient.id, record.recordId),
    );
    world.net.advanceMillis(1);
    await world.revoke(patient, caregiver, 'dose');
    await world.openBreakGlass(emergency, patient);

    const events = world.net.ledger.events;
    assert.deepEqual(
      events.map((e) => e.name),
      [
        'UserRegistered',
        'UserRegistered',
        'UserRegistered',
        'PermissionGranted',
        'RecordAdded',
        'RecordDownloaded',
        'PermissionRevoked',
        'BreakGlassOpened',
      ],
    );
    for (const [index, event] of events.entries()) {
      assert.deepEqual(event.payload, {
        type: event.name,
        schemaVersion: 2,
        txId: event.txId,
        // Directory events name nobody: a listener cannot enumerate patients from them.
        patientTag: index < 3 ? null : tagOf(patient.id),
      });
    }

    // Nothing that links the pseudonym to a person, or says who did what.
    const stream = JSON.stringify(events.map((e) => e.payload));
    for (const secret of [
      patient.id,
      caregiver.id,
      emergency.id,
      'Dr. Ada Example',
      'Radiation Oncology',
      'Emergency Medicine',
      'Unconscious',
      HOSPITAL_B,
      patient.user.certFingerprint,
      record.storagePointer,
      download.entry.caregiverMspId,
    ]) {
      assert.ok(!stream.includes(secret), `the event stream mentions ${secret}`);
    }
  });

  it('give each patient his own tag, the same in every event about him', async () => {
    const world = await World.create();
    // A fixed pseudonym and its tag: the same vector is in the workstation's tests
    // (test/unit/view-sync.test.ts), so both sides compute the tag alike.
    const first = await world.registerPatient(HOSPITAL_A, 'pat-00000000000000000000000000000000');
    const second = await world.registerPatient(HOSPITAL_A);
    await world.addRecord(first, first);
    await world.addRecord(second, second);
    await world.addRecord(first, first);
    const tags = world.net.ledger.events
      .slice(2)
      .map((e) => (e.payload as { patientTag: string }).patientTag);
    assert.deepEqual(tags, [tagOf(first.id), tagOf(second.id), tagOf(first.id)]);
    assert.notEqual(tagOf(first.id), tagOf(second.id));
    assert.equal(tags[0], '00986d50687c8d76253141fddc53514059ed26f64a59506e6a31312e11812c9b');
  });
});
