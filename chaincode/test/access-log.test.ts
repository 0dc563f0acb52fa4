import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessEntry } from '../src/model/access-entry';
import type { RecordMetadata } from '../src/model/record-metadata';
import { HOSPITAL_A, HOSPITAL_B, World } from './support/world';

async function setup() {
  const world = await World.create();
  const patient = await world.registerPatient(HOSPITAL_A);
  const caregiver = await world.registerCaregiver(HOSPITAL_B);
  const dose = await world.addRecord(patient, patient, 'dose');
  world.net.advanceMillis(1000);
  const imaging = await world.addRecord(patient, patient, 'imaging');
  return { world, patient, caregiver, dose, imaging };
}

describe('AccessLog.recordDownload', () => {
  it("logs a caregiver's download under his grant and returns what to verify the bytes against", async () => {
    const { world, patient, caregiver, dose } = await setup();
    const grant = await world.grant(patient, caregiver, { category: 'dose' });
    const result = await world.net.submit<{ entry: AccessEntry; record: RecordMetadata }>(
      caregiver.identity,
      (ctx) => world.accessLog.recordDownload(ctx, patient.id, dose.recordId),
    );
    assert.deepEqual(result.record, dose);
    assert.deepEqual(result.entry, {
      accessId: world.net.lastTrace?.txId,
      patientId: patient.id,
      recordId: dose.recordId,
      category: 'dose',
      caregiverId: caregiver.id,
      caregiverMspId: HOSPITAL_B,
      accessedAt: world.net.nowIso,
      basis: 'grant',
      permissionSeq: grant.seq,
      breakGlass: false,
    });
    world.net.assertLastEvent('RecordDownloaded', patient.id);
  });

  it('refuses downloads outside the granted category, with write only, or without any grant', async () => {
    const { world, patient, caregiver, dose, imaging } = await setup();
    const download =
      (recordId: string) => (ctx: Parameters<typeof world.accessLog.recordDownload>[0]) =>
        world.accessLog.recordDownload(ctx, patient.id, recordId);
    await world.net.refused(
      caregiver.identity,
      download(dose.recordId),
      /^FORBIDDEN\(caregiver-read-grant\): .* for dose of patient/,
    );
    await world.grant(patient, caregiver, { category: 'imaging', read: false, write: true });
    await world.net.refused(
      caregiver.identity,
      download(imaging.recordId),
      /^FORBIDDEN\(caregiver-read-grant\): .* for imaging of patient/,
    );
    await world.grant(patient, caregiver, { category: 'dose', read: true });
    await world.net.refused(
      caregiver.identity,
      download(imaging.recordId),
      /^FORBIDDEN\(caregiver-read-grant\)/,
    );
    await world.net.submit(caregiver.identity, download(dose.recordId));
  });

  it('refuses unknown records, records of another patient and malformed ids', async () => {
    const { world, patient, caregiver } = await setup();
    const other = await world.registerPatient(HOSPITAL_A);
    const othersRecord = await world.addRecord(other, other, 'dose');
    await world.grant(patient, caregiver, { category: 'dose' });
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.accessLog.recordDownload(ctx, patient.id, othersRecord.recordId),
      new RegExp(
        `^NOT_FOUND\\(recordId\\): patient ${patient.id} has no record ${othersRecord.recordId}$`,
      ),
    );
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.accessLog.recordDownload(ctx, patient.id, 'record-1'),
      /^INVALID_ARGUMENT\(recordId\): must be an id of 64 lowercase hex characters/,
    );
  });

  it('refuses a patient logging his own download: it is not a disclosure', async () => {
    const { world, patient, dose } = await setup();
    await world.net.refused(
      patient.identity,
      (ctx) => world.accessLog.recordDownload(ctx, patient.id, dose.recordId),
      /^FORBIDDEN\(caregiver-only\)/,
    );
  });
});

describe('AccessLog.listDisclosures', () => {
  it('gives the patient, and only him, every download in order', async () => {
    const { world, patient, caregiver, dose, imaging } = await setup();
    const physicist = await world.registerCaregiver(HOSPITAL_A, 'Dr. Physicist', 'Medical Physics');
    await world.grant(patient, caregiver, { category: 'dose' });
    await world.grant(patient, physicist, { category: 'imaging' });
    const first = await world.net.submit<{ entry: AccessEntry }>(caregiver.identity, (ctx) =>
      world.accessLog.recordDownload(ctx, patient.id, dose.recordId),
    );
    world.net.advanceMillis(60_000);
    const second = await world.net.submit<{ entry: AccessEntry }>(physicist.identity, (ctx) =>
      world.accessLog.recordDownload(ctx, patient.id, imaging.recordId),
    );
    world.net.advanceMillis(60_000);
    const third = await world.net.submit<{ entry: AccessEntry }>(caregiver.identity, (ctx) =>
      world.accessLog.recordDownload(ctx, patient.id, dose.recordId),
    );

    const disclosures = await world.net.evaluate<AccessEntry[]>(patient.identity, (ctx) =>
      world.accessLog.listDisclosures(ctx, patient.id),
    );
    assert.deepEqual(disclosures, [first.entry, second.entry, third.entry]);
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.accessLog.listDisclosures(ctx, patient.id),
      /^FORBIDDEN\(patient-only\): .* may read this accounting of disclosures/,
    );
  });
});
