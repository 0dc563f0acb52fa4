import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordListing } from '../src/model/record-listing';
import type { AccessEntry } from '../src/model/access-entry';
import type { BreakGlassEntry, PermissionEntry } from '../src/model/permission-entry';
import { HOSPITAL_A, HOSPITAL_B, HOUR, randomId, World } from './support/world';

const REASON = 'Unconscious patient in emergency department, prior RT dose needed';

async function setup(maxHours = 4) {
  const world = await World.create({ maxHours });
  const patient = await world.registerPatient(HOSPITAL_A);
  const caregiver = await world.registerCaregiver(
    HOSPITAL_B,
    'Dr. Emergency',
    'Emergency Medicine',
  );
  const dose = await world.addRecord(patient, patient, 'dose');
  world.net.advanceMillis(1000);
  const imaging = await world.addRecord(patient, patient, 'imaging');
  return { world, patient, caregiver, dose, imaging };
}

describe('BreakGlass.open', () => {
  it('opens flagged read access for the hours asked, in the history, with an event for the patient', async () => {
    const { world, patient, caregiver } = await setup();
    const entry = await world.net.submit<BreakGlassEntry>(caregiver.identity, (ctx) =>
      world.breakGlass.open(ctx, patient.id, `  ${REASON}\n`, '3'),
    );
    assert.deepEqual(entry, {
      kind: 'break-glass',
      patientId: patient.id,
      seq: 0,
      caregiverId: caregiver.id,
      caregiverMspId: HOSPITAL_B,
      reason: REASON,
      validFrom: world.net.nowIso,
      validTo: world.net.at(3 * HOUR),
      read: true,
      write: false,
      recordedAt: world.net.nowIso,
      txId: world.net.lastTrace?.txId,
      breakGlass: true,
    });
    // The event tells the patient's views to ask; the reason and the caregiver are in the
    // history only his queries see.
    world.net.assertLastEvent('BreakGlassOpened', patient.id);

    const history = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.getHistory(ctx, patient.id),
    );
    assert.deepEqual(history, [entry]);
    const current = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.listCurrent(ctx, patient.id),
    );
    assert.deepEqual(current, [entry]);
  });

  it('lets the caregiver list every category, flagging what only break-glass shows', async () => {
    const { world, patient, caregiver, dose, imaging } = await setup();
    await world.grant(patient, caregiver, { category: 'dose' });
    const session = (await world.openBreakGlass(caregiver, patient, 2)) as BreakGlassEntry;
    const listing = await world.net.evaluate<RecordListing>(caregiver.identity, (ctx) =>
      world.records.listRecords(ctx, patient.id),
    );
    assert.deepEqual(listing.breakGlass, { seq: session.seq, validTo: session.validTo });
    assert.deepEqual(listing.records, [
      { accessBasis: 'grant', record: dose },
      { accessBasis: 'break-glass', record: imaging },
    ]);
  });

  it('logs downloads under break-glass as such', async () => {
    const { world, patient, caregiver, imaging } = await setup();
    const session = await world.openBreakGlass(caregiver, patient);
    const { entry } = await world.net.submit<{ entry: AccessEntry }>(caregiver.identity, (ctx) =>
      world.accessLog.recordDownload(ctx, patient.id, imaging.recordId),
    );
    assert.equal(entry.basis, 'break-glass');
    assert.equal(entry.breakGlass, true);
    assert.equal(entry.permissionSeq, session.seq);
    world.net.assertLastEvent('RecordDownloaded', patient.id);
    const disclosures = await world.net.evaluate<AccessEntry[]>(patient.identity, (ctx) =>
      world.accessLog.listDisclosures(ctx, patient.id),
    );
    assert.deepEqual(disclosures, [entry]);
  });

  it('never allows writing', async () => {
    const { world, patient, caregiver } = await setup();
    await world.openBreakGlass(caregiver, patient);
    await world.net.refused(
      caregiver.identity,
      (ctx) =>
        world.records.addRecord(
          ctx,
          patient.id,
          'dose',
          's3://ehr/o',
          'b'.repeat(64),
          '1',
          'application/dicom',
          's3://ehr/e',
        ),
      /^FORBIDDEN\(caregiver-write-grant\)/,
    );
  });

  it('expires at validTo (half-open), after which a new session needs a new reason', async () => {
    const { world, patient, caregiver, dose } = await setup();
    const session = await world.openBreakGlass(caregiver, patient, 1);
    const list = (ctx: Parameters<typeof world.records.listRecords>[0]) =>
      world.records.listRecords(ctx, patient.id);
    world.net.advanceTo(new Date(Date.parse(session.validTo) - 1).toISOString());
    assert.equal(
      (await world.net.evaluate<RecordListing>(caregiver.identity, list)).records.length,
      2,
    );
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.breakGlass.open(ctx, patient.id, REASON, '1'),
      /^CONFLICT\(patientId\): caregiver .* already has break-glass access to .* until /,
    );

    world.net.advanceTo(session.validTo);
    await world.net.refused(caregiver.identity, list, /^FORBIDDEN\(caregiver-read-grant\)/);
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.accessLog.recordDownload(ctx, patient.id, dose.recordId),
      /^FORBIDDEN\(caregiver-read-grant\)/,
    );
    const current = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.listCurrent(ctx, patient.id),
    );
    assert.deepEqual(current, []);

    const second = await world.openBreakGlass(caregiver, patient, 1);
    assert.equal(second.seq, session.seq + 1);
    const history = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.getHistory(ctx, patient.id),
    );
    assert.deepEqual(
      history.map((e) => [e.kind, e.breakGlass]),
      [
        ['break-glass', true],
        ['break-glass', true],
      ],
    );
  });

  it('refuses durations outside 1..maxHours and reasons that explain nothing', async () => {
    const { world, patient, caregiver } = await setup(4);
    const open =
      (reason: string, hours: string) => (ctx: Parameters<typeof world.breakGlass.open>[0]) =>
        world.breakGlass.open(ctx, patient.id, reason, hours);
    await world.net.refused(
      caregiver.identity,
      open(REASON, '5'),
      /^INVALID_ARGUMENT\(durationHours\): must be between 1 and 4; got 5$/,
    );
    await world.net.refused(
      caregiver.identity,
      open(REASON, '0'),
      /^INVALID_ARGUMENT\(durationHours\): must be between 1 and 4; got 0$/,
    );
    await world.net.refused(
      caregiver.identity,
      open(REASON, '2.5'),
      /^INVALID_ARGUMENT\(durationHours\): must be a whole number/,
    );
    await world.net.refused(
      caregiver.identity,
      open('emergency', '1'),
      /^INVALID_ARGUMENT\(reason\): must explain the emergency in at least 20 characters; got 9$/,
    );
    await world.net.refused(
      caregiver.identity,
      open(`   ${'x'.repeat(19)}        `, '1'),
      /^INVALID_ARGUMENT\(reason\): .* got 19$/,
    );
    await world.net.refused(
      caregiver.identity,
      open('y'.repeat(1001), '1'),
      /^INVALID_ARGUMENT\(reason\): must be at most 1000 characters; got 1001$/,
    );
    await world.net.refused(
      caregiver.identity,
      open(`${REASON}\u0000`, '1'),
      /^INVALID_ARGUMENT\(reason\): must not contain control characters/,
    );
    const fourHours = await world.net.submit<BreakGlassEntry>(
      caregiver.identity,
      open(`${REASON}\nSecond line.`, '4'),
    );
    assert.equal(fourHours.validTo, world.net.at(4 * HOUR));
  });

  it('requires a reason in real words: invisible characters and repeated letters explain nothing', async () => {
    const { world, patient, caregiver } = await setup();
    const open = (reason: string) => (ctx: Parameters<typeof world.breakGlass.open>[0]) =>
      world.breakGlass.open(ctx, patient.id, reason, '1');
    await world.net.refused(
      caregiver.identity,
      open('\u200b'.repeat(20)),
      /^INVALID_ARGUMENT\(reason\): must explain the emergency in at least 20 characters; got 0$/,
    );
    // Word joiners, byte-order marks and Hangul fillers are as invisible as zero-width spaces.
    await world.net.refused(
      caregiver.identity,
      open(`Stroke\u2060\ufeff\u3164\u115f${'\u200d'.repeat(20)} now`),
      /^INVALID_ARGUMENT\(reason\): must explain the emergency in at least 20 characters; got 10$/,
    );
    for (const filler of [
      'a'.repeat(20),
      'aaaa aaaa aaaa aaaa aaaa',
      'Emergency emergency EMERGENCY emergency',
      '1234567890 1234567890 !!!',
      'aaa bbb ccc ddd eee fff ggg',
      // An invisible character inside a word does not make two of it.
      'emer\u200bgency treat\u200bments',
    ]) {
      await world.net.refused(
        caregiver.identity,
        open(filler),
        /^INVALID_ARGUMENT\(reason\): must explain the emergency in words: at least 3 different words of letters; got [0-2]$/,
      );
    }
    // Bidirectional overrides would make the patient read another text than the one stored.
    await world.net.refused(
      caregiver.identity,
      open(`${REASON} \u202eevael ot deen`),
      /^INVALID_ARGUMENT\(reason\): must not contain bidirectional override or isolate characters/,
    );
    // Real reasons in any script pass, and are stored as written.
    const greek = 'Αναίσθητος ασθενής στα επείγοντα, χρειάζεται η προηγούμενη δόση';
    const opened = await world.net.submit<BreakGlassEntry>(caregiver.identity, open(greek));
    assert.equal(opened.reason, greek);
    const other = await world.registerPatient(HOSPITAL_A);
    const japanese = '意識不明の患者、救急外来で以前の放射線量が必要です';
    const second = await world.net.submit<BreakGlassEntry>(caregiver.identity, (ctx) =>
      world.breakGlass.open(ctx, other.id, japanese, '1'),
    );
    assert.equal(second.reason, japanese);
  });

  it('is for caregivers only, and only for registered patients', async () => {
    const { world, patient, caregiver } = await setup();
    await world.net.refused(
      patient.identity,
      (ctx) => world.breakGlass.open(ctx, patient.id, REASON, '1'),
      /^FORBIDDEN\(caregiver-only\)/,
    );
    await world.net.refused(
      world.adminB,
      (ctx) => world.breakGlass.open(ctx, patient.id, REASON, '1'),
      /^FORBIDDEN\(registered-signer\)/,
    );
    const unknown = randomId('pat-');
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.breakGlass.open(ctx, unknown, REASON, '1'),
      new RegExp(`^NOT_FOUND\\(patientId\\): no patient ${unknown} in the directory$`),
    );
  });

  it('reports its limits', async () => {
    const { world, caregiver } = await setup(6);
    const policy = await world.net.evaluate(caregiver.identity, (ctx) =>
      world.breakGlass.getPolicy(ctx),
    );
    assert.deepEqual(policy, {
      maxHours: 6,
      minReasonLength: 20,
      maxReasonLength: 1000,
      minReasonWords: 3,
    });
  });
});
