import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessEntry } from '../src/model/access-entry';
import type { BreakGlassSession } from '../src/model/break-glass-session';
import type { BreakGlassEntry } from '../src/model/permission-entry';
import { HOSPITAL_A, HOSPITAL_B, World } from './support/world';

const COMMENT = 'Checked with the ER rota: patient unconscious, access justified.';

async function setup() {
  const world = await World.create();
  const patient = await world.registerPatient(HOSPITAL_A);
  const doctor = await world.registerCaregiver(HOSPITAL_B, 'Dr. Emergency', 'Emergency Medicine');
  const dose = await world.addRecord(patient, patient, 'dose');
  world.net.advanceMillis(1000);
  const imaging = await world.addRecord(patient, patient, 'imaging');
  const session = (await world.openBreakGlass(doctor, patient, 2)) as BreakGlassEntry;
  world.net.advanceMillis(60_000);
  const { entry: opened } = await world.net.submit<{ entry: AccessEntry }>(doctor.identity, (ctx) =>
    world.accessLog.recordDownload(ctx, patient.id, imaging.recordId),
  );
  return { world, patient, doctor, dose, imaging, session, opened };
}

describe('BreakGlass review, acknowledgement and lists', () => {
  it("lists a hospital's sessions for its administrators, with what was opened under each", async () => {
    const { world, patient, doctor, session, opened } = await setup();
    // A grant-based download of the same patient is no break-glass opening.
    const other = await world.registerCaregiver(HOSPITAL_B);
    await world.grant(patient, other, { category: 'dose' });
    const sessions = await world.net.evaluate<BreakGlassSession[]>(world.adminB, (ctx) =>
      world.breakGlass.listForReview(ctx),
    );
    assert.deepEqual(sessions, [
      { entry: session, openings: [opened], review: null, acknowledgement: null },
    ]);
    assert.equal(sessions[0]?.entry.caregiverId, doctor.id);
    // The patient's hospital is not the caregiver's: its admin reviews his own caregivers only.
    assert.deepEqual(
      await world.net.evaluate(world.adminA, (ctx) => world.breakGlass.listForReview(ctx)),
      [],
    );
    await world.net.refused(
      doctor.identity,
      (ctx) => world.breakGlass.listForReview(ctx),
      /^FORBIDDEN\(admin-role\)/,
    );
  });

  it('is reviewed once, by an administrator of the caregiver’s hospital, with a comment; the patient sees it', async () => {
    const { world, patient, session } = await setup();
    const review =
      (comment: string, seq = String(session.seq)) =>
      (ctx: Parameters<typeof world.breakGlass.review>[0]) =>
        world.breakGlass.review(ctx, patient.id, seq, comment);
    await world.net.refused(
      world.adminB,
      review(''),
      /^INVALID_ARGUMENT\(comment\): must say what the review found/,
    );
    await world.net.refused(
      world.adminB,
      review('ok ok ok ok ok'),
      /^INVALID_ARGUMENT\(comment\): must say what the review found in words/,
    );
    await world.net.refused(
      world.adminB,
      review('z'.repeat(1001)),
      /^INVALID_ARGUMENT\(comment\): must be at most 1000 characters; got 1001$/,
    );
    await world.net.refused(
      world.adminB,
      review(COMMENT, '7'),
      /^NOT_FOUND\(seq\): patient .* has no break-glass session 7$/,
    );
    await world.net.refused(
      world.adminA,
      review(COMMENT),
      /^FORBIDDEN\(break-glass-reviewer\): only an administrator of HospitalBMSP/,
    );
    await world.net.refused(patient.identity, review(COMMENT), /^FORBIDDEN\(admin-role\)/);

    world.net.advanceMillis(3 * 3_600_000);
    const done = await world.net.submit<BreakGlassSession['review']>(
      world.adminB,
      review(`  ${COMMENT} `),
    );
    assert.deepEqual(done, {
      patientId: patient.id,
      seq: session.seq,
      reviewerMspId: HOSPITAL_B,
      reviewerId: null,
      reviewedBy: done?.reviewedBy,
      comment: COMMENT,
      reviewedAt: world.net.nowIso,
      txId: world.net.lastTrace?.txId,
    });
    assert.match(done?.reviewedBy ?? '', /^x509::/);
    world.net.assertLastEvent('BreakGlassReviewed', patient.id);
    await world.net.refused(
      world.adminB,
      review(COMMENT),
      /^CONFLICT\(seq\): break-glass session \d+ of patient .* was already reviewed at /,
    );

    const mine = await world.net.evaluate<BreakGlassSession[]>(patient.identity, (ctx) =>
      world.breakGlass.listForPatient(ctx, patient.id),
    );
    assert.deepEqual(mine[0]?.review, done);
  });

  it('the patient acknowledges each session once, on the ledger, and nobody else can', async () => {
    const { world, patient, doctor, session } = await setup();
    const unseen = await world.net.evaluate<BreakGlassSession[]>(patient.identity, (ctx) =>
      world.breakGlass.listForPatient(ctx, patient.id),
    );
    assert.equal(unseen.length, 1);
    assert.equal(unseen[0]?.acknowledgement, null);
    const ack = (ctx: Parameters<typeof world.breakGlass.acknowledge>[0]) =>
      world.breakGlass.acknowledge(ctx, patient.id, String(session.seq));
    await world.net.refused(doctor.identity, ack, /^FORBIDDEN\(patient-only\)/);
    await world.net.refused(
      patient.identity,
      (ctx) => world.breakGlass.acknowledge(ctx, patient.id, 'x'),
      /^INVALID_ARGUMENT\(seq\)/,
    );
    const seen = await world.net.submit<BreakGlassSession['acknowledgement']>(
      patient.identity,
      ack,
    );
    assert.deepEqual(seen, {
      patientId: patient.id,
      seq: session.seq,
      acknowledgedAt: world.net.nowIso,
      txId: world.net.lastTrace?.txId,
    });
    world.net.assertLastEvent('BreakGlassAcknowledged', patient.id);
    await world.net.refused(patient.identity, ack, /^CONFLICT\(seq\): .* already acknowledged/);
    const after = await world.net.evaluate<BreakGlassSession[]>(patient.identity, (ctx) =>
      world.breakGlass.listForPatient(ctx, patient.id),
    );
    assert.deepEqual(after[0]?.acknowledgement, seen);
    await world.net.refused(
      doctor.identity,
      (ctx) => world.breakGlass.listForPatient(ctx, patient.id),
      /^FORBIDDEN\(patient-only\)/,
    );
  });

  it('tells a caregiver his sessions in force, for the banner, and forgets them when they end', async () => {
    const { world, doctor, session } = await setup();
    const mine = (ctx: Parameters<typeof world.breakGlass.listMine>[0]) =>
      world.breakGlass.listMine(ctx);
    assert.deepEqual(await world.net.evaluate(doctor.identity, mine), [session]);
    world.net.advanceTo(session.validTo);
    assert.deepEqual(await world.net.evaluate(doctor.identity, mine), []);
  });
});
