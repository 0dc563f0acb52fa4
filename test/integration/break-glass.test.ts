// Emergency (break-glass) access on the real network, through the workstations' own
// dispatchers: an emergency physician of HospitalB whom the patient never granted opens it
// with a reason (bad reasons and durations refused, each with its own sentence and nothing
// on the ledger), sees every record flagged, cannot add any, and his opening of a record is
// on the ledger as an emergency one; the patient is notified until he acknowledges, and sees
// it in his history; HospitalB's administrator reviews it with a comment, once.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { ledgerSkipReason } from '../support/ledger-network';
import {
  CallFailed,
  failure,
  startRecordWorld,
  type RecordWorld,
  type Workstation,
} from '../support/record-world';
import { minioMissingReason } from '../storage/helpers';

const skip = ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`Break-glass tests skipped: ${skip}.`);

const REASON = 'Unconscious patient in the emergency department, prior radiotherapy dose needed';

describe.skipIf(Boolean(skip))('break-glass on the real network', () => {
  let world: RecordWorld;
  let A: Workstation;
  let B: Workstation;
  const course = synthesizeCourse({ slices: 8, deliveredFractions: 2 });

  const objectCount = async () =>
    (await world.s3.raw.send(new ListObjectsV2Command({ Bucket: world.s3.bucket }))).KeyCount ?? 0;

  beforeAll(async () => {
    world = await startRecordWorld();
    [A, B] = world.workstations;
    // The patient's own course, added at his hospital's kiosk.
    await A.signInAs(world.people.patient);
    await A.call('addRecords', { patientId: world.people.patient.id, files: course.files });
    await A.signOut();
  }, 400_000);

  afterAll(async () => {
    await world?.stop();
  });

  it('refuses an empty, filler or overlong reason and too long a duration, each saying why, writing nothing', async () => {
    const { patient, emergencyB } = world.people;
    await B.signInAs(emergencyB);
    const policy = await B.call('getBreakGlassPolicy');
    expect(policy).toEqual({
      maxHours: 4,
      minReasonLength: 20,
      maxReasonLength: 1000,
      minReasonWords: 3,
    });
    const open = (reason: string, durationHours = 2) =>
      failure(B.call('openBreakGlass', { patientId: patient.id, reason, durationHours }));
    const cases: [Promise<CallFailed>, string, RegExp][] = [
      [
        open(''),
        'reason',
        /^The reason must explain the emergency in at least 20 characters; got 0\. Emergency access was not opened\.$/,
      ],
      [
        open('emergency emergency emergency now'),
        'reason',
        /^The reason must explain the emergency in words: at least 3 different words of letters; got 2\./,
      ],
      [
        open(`${REASON} ${'x'.repeat(1000)}`),
        'reason',
        /^The reason must be at most 1000 characters; got \d+\./,
      ],
      [
        open(REASON, 5),
        'durationHours',
        /^The duration in hours must be between 1 and 4; got 5\. Emergency access was not opened\.$/,
      ],
      [open(REASON, 0), 'durationHours', /^The duration in hours must be between 1 and 4; got 0\./],
    ];
    for (const [refusal, field, message] of cases) {
      const { error } = await refusal;
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(message);
      expect(error.fields?.[field]).toBe(error.message);
    }
    const unknown = await failure(
      B.call('openBreakGlass', {
        patientId: `pat-${'0'.repeat(32)}`,
        reason: REASON,
        durationHours: 1,
      }),
    );
    expect(unknown.error.code).toBe('LEDGER_NOT_FOUND');
    expect(unknown.error.fields?.patientId).toMatch(/^There is no patient with this pseudonym/);
    expect((await B.call('listMyBreakGlass')).items).toEqual([]);
    const listing = await failure(B.call('listRecords', { patientId: patient.id }));
    expect(listing.error.code).toBe('LEDGER_REFUSED');
    await B.signOut();
  });

  it('opens emergency read access: every record flagged, the banner’s end from the ledger, never writing', async () => {
    const { patient, emergencyB } = world.people;
    await B.signInAs(emergencyB);
    const before = Date.now();
    const opened = await B.call('openBreakGlass', {
      patientId: patient.id,
      reason: REASON,
      durationHours: 2,
    });
    expect(opened).toMatchObject({ patientId: patient.id, reason: REASON });
    const ends = Date.parse(opened.validTo);
    expect(ends - Date.parse(opened.validFrom)).toBe(2 * 3_600_000);
    expect(Math.abs(Date.parse(opened.validFrom) - before)).toBeLessThan(60_000);
    expect((await B.call('listMyBreakGlass')).items).toEqual([opened]);

    const again = await failure(
      B.call('openBreakGlass', { patientId: patient.id, reason: REASON, durationHours: 1 }),
    );
    expect(again.error.code).toBe('LEDGER_CONFLICT');
    expect(again.error.message).toMatch(/already has break-glass access/);

    const listing = await B.call('listRecords', { patientId: patient.id });
    expect(listing.breakGlassUntil).toBe(opened.validTo);
    expect(listing.records.length).toBeGreaterThan(0);
    expect(new Set(listing.records.map((r) => r.accessBasis))).toEqual(new Set(['break-glass']));

    const stored = await objectCount();
    const add = await failure(
      B.call('addRecords', { patientId: patient.id, files: course.files.slice(0, 1) }),
    );
    expect(add.error.code).toBe('NOT_ALLOWED');
    expect(add.error.message).toMatch(/Emergency access only lets you read .* Nothing was added\./);
    expect(await objectCount()).toBe(stored);

    // No key was ever wrapped for this card: the opening is on the ledger, flagged, and then
    // the record's hospital's gateway wraps the data key for this card from its emergency
    // envelope, checking on its peer that this break-glass disclosure is committed.
    const imaging = listing.records.find((r) => r.category === 'imaging')!;
    const shown = await B.call('openRecord', {
      patientId: patient.id,
      recordId: imaging.recordId,
    });
    expect(shown.record.accessBasis).toBe('break-glass');
    expect(shown.files.length).toBeGreaterThan(0);
    for (const file of shown.files) {
      const original = course.files.find((f) => f.name === file.name)!;
      expect(Buffer.from(file.bytes).equals(Buffer.from(original.bytes))).toBe(true);
    }

    // The gateway gives the emergency key only against a committed break-glass disclosure of
    // that very record: not for a record he has not opened, nor to anyone without access.
    const dose = listing.records.find((r) => r.category === 'dose')!;
    const onLedger = await B.app.workspace.current().services.ledger.listRecords(patient.id);
    const doseEnvelopes = onLedger.records.find((r) => r.record.recordId === dose.recordId)!.record
      .keyEnvelopeRef;
    const askEmergencyKey = async (station: Workstation) => {
      const { services } = station.app.workspace.current();
      const { store, key } = await services.storage.locate(doseEnvelopes);
      return store.emergencyEnvelope(key, { patientId: patient.id });
    };
    await expect(askEmergencyKey(B)).rejects.toMatchObject({ rule: 'download-disclosure' });
    await B.signOut();
    await B.signInAs(world.people.physicistB);
    await expect(askEmergencyKey(B)).rejects.toMatchObject({ rule: 'caregiver-read-grant' });
    await B.signOut();
  });

  it('tells the patient at sign-in until he acknowledges, and shows it in red in his history', async () => {
    const { patient, emergencyB } = world.people;
    await A.signInAs(patient);
    const notices = (await A.call('listBreakGlassNotices')).items;
    expect(notices).toHaveLength(1);
    const notice = notices[0]!;
    expect(notice).toMatchObject({
      reason: REASON,
      caregiver: {
        displayName: 'Dr Eva Ember',
        department: 'Emergency Medicine',
        mspId: 'HospitalBMSP',
      },
      inForce: true,
      review: null,
      acknowledgedAt: null,
    });
    expect(notice.openings.map((o) => o.category)).toEqual(['imaging']);

    const history = (await A.call('getAccessHistory')).items;
    // Each list is for one role: the patient gets no review list, nor a caregiver's banner.
    for (const channel of ['listBreakGlassForReview', 'listMyBreakGlass'] as const) {
      expect((await failure(A.call(channel))).error.code).toBe('NOT_ALLOWED');
    }
    // Only the session that opened: the refused attempts left nothing on his history.
    expect(history.filter((h) => h.kind === 'break-glass')).toHaveLength(1);
    const session = history.find((h) => h.kind === 'break-glass')!;
    expect(session).toMatchObject({ breakGlass: true, reason: REASON, review: null });
    expect(session.caregiver.id).toBe(emergencyB.id);
    const download = history.find((h) => h.kind === 'download')!;
    expect(download).toMatchObject({ breakGlass: true, category: 'imaging' });

    // Signing out without acknowledging: the notice is there again.
    await A.signOut();
    await A.signInAs(patient);
    expect((await A.call('listBreakGlassNotices')).items).toHaveLength(1);
    expect(await A.call('acknowledgeBreakGlass', { seqs: [notice.seq] })).toEqual({
      acknowledged: 1,
    });
    // A second acknowledgement (another kiosk, a retry) is no error and changes nothing.
    expect(await A.call('acknowledgeBreakGlass', { seqs: [notice.seq] })).toEqual({
      acknowledged: 0,
    });
    await A.signOut();
    // A kiosk that forgot everything still knows from the ledger that he has seen it.
    const kiosk = await world.openWorkstation(0, { kiosk: true });
    await kiosk.signInAs(patient);
    expect((await kiosk.call('listBreakGlassNotices')).items).toEqual([]);
    await kiosk.signOut();
  });

  it("is reviewed by the caregiver's hospital's administrator, once, with a comment the patient sees", async () => {
    const { patient, emergencyB, adminB } = world.people;
    await B.signInAs(adminB);
    const sessions = (await B.call('listBreakGlassForReview')).items;
    expect(sessions).toHaveLength(1);
    const session = sessions[0]!;
    expect(session).toMatchObject({
      patientId: patient.id,
      reason: REASON,
      caregiver: { id: emergencyB.id, displayName: 'Dr Eva Ember' },
      review: null,
    });
    expect(session.openings.map((o) => o.category)).toEqual(['imaging']);

    const short = await failure(
      B.call('reviewBreakGlass', { patientId: patient.id, seq: session.seq, comment: 'ok' }),
    );
    expect(short.error.code).toBe('INVALID_ARGUMENT');
    expect(short.error.message).toMatch(
      /^The comment must say what the review found, in at least 10 characters; got 2\. The review was not saved\.$/,
    );
    expect(short.error.fields?.comment).toBe(short.error.message);

    const comment = 'Justified: unconscious patient, the ER rota confirms the physician on duty.';
    const reviewed = await B.call('reviewBreakGlass', {
      patientId: patient.id,
      seq: session.seq,
      comment,
    });
    expect(reviewed.review).toMatchObject({
      comment,
      reviewerMspId: 'HospitalBMSP',
      reviewer: 'Dana Dietz',
    });
    const twice = await failure(
      B.call('reviewBreakGlass', { patientId: patient.id, seq: session.seq, comment }),
    );
    expect(twice.error.code).toBe('LEDGER_CONFLICT');
    expect(twice.error.message).toMatch(/already reviewed/);
    // A caregiver does not review.
    await B.signOut();
    await B.signInAs(emergencyB);
    const notAdmin = await failure(
      B.call('reviewBreakGlass', { patientId: patient.id, seq: session.seq, comment }),
    );
    expect(notAdmin.error.code).toBe('NOT_ALLOWED');
    await B.signOut();

    await A.signInAs(patient);
    const history = (await A.call('getAccessHistory')).items;
    expect(history.find((h) => h.kind === 'break-glass')?.review).toMatchObject({
      comment,
      reviewerMspId: 'HospitalBMSP',
    });
    await A.signOut();
  });
});
