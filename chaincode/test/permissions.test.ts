import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GrantEntry, PermissionEntry, RevokeEntry } from '../src/model/permission-entry';
import { CATEGORIES } from '../src/validation/categories';
import { createTestIdentity } from './support/certificates';
import { DAY, HOSPITAL_A, HOSPITAL_B, HOUR, randomId, World } from './support/world';

async function patientAndCaregiver() {
  const world = await World.create();
  const patient = await world.registerPatient(HOSPITAL_A);
  const caregiver = await world.registerCaregiver(HOSPITAL_B);
  return { world, patient, caregiver };
}

describe('Permissions.grant', () => {
  it('appends a grant to the history, lists it as current and emits it whole', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    const from = world.net.at(HOUR);
    const to = world.net.at(30 * DAY);
    const entry = await world.grant(patient, caregiver, {
      category: 'imaging',
      from,
      to,
      read: true,
      write: true,
    });
    assert.deepEqual(entry, {
      kind: 'grant',
      patientId: patient.id,
      seq: 0,
      caregiverId: caregiver.id,
      category: 'imaging',
      validFrom: from,
      validTo: to,
      read: true,
      write: true,
      supersedesSeq: null,
      recordedAt: world.net.nowIso,
      txId: world.net.lastTrace?.txId,
      breakGlass: false,
    });

    world.net.assertLastEvent('PermissionGranted', patient.id);

    const current = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.listCurrent(ctx, patient.id),
    );
    assert.deepEqual(current, [entry]);
  });

  it('normalises times to milliseconds UTC', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    const entry = await world.grant(patient, caregiver, {
      from: '2025-03-03T08:00:00Z',
      to: '2025-04-01T00:00:00.5Z',
    });
    assert.equal(entry.validFrom, '2025-03-03T08:00:00.000Z');
    assert.equal(entry.validTo, '2025-04-01T00:00:00.500Z');
  });

  it('replaces the earlier entry for the same caregiver and category, keeping both in history', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    const first = await world.grant(patient, caregiver, { category: 'dose', read: true });
    world.net.advanceMillis(HOUR);
    const second = await world.grant(patient, caregiver, {
      category: 'dose',
      read: true,
      write: true,
      to: world.net.at(2 * DAY),
    });
    assert.equal(second.seq, 1);
    assert.equal(second.supersedesSeq, first.seq);

    const current = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.listCurrent(ctx, patient.id),
    );
    assert.deepEqual(current, [second]);
    const history = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.getHistory(ctx, patient.id),
    );
    assert.deepEqual(history, [first, second]);
  });

  it('refuses anyone but the patient whose certificate is registered for the pseudonym', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    const otherPatient = await world.registerPatient(HOSPITAL_A);
    const grantAs = (signer: typeof patient.identity) =>
      world.net.refused(
        signer,
        (ctx) =>
          world.permissions.grant(
            ctx,
            patient.id,
            caregiver.id,
            'dose',
            world.net.at(0),
            world.net.at(DAY),
            'true',
            'false',
          ),
        /^FORBIDDEN\(/,
      );
    const byCaregiver = await grantAs(caregiver.identity);
    assert.equal(
      byCaregiver.message,
      `FORBIDDEN(patient-only): only patient ${patient.id} may change these permissions; the transaction was signed by ${caregiver.id}`,
    );
    const byOtherPatient = await grantAs(otherPatient.identity);
    assert.equal(byOtherPatient.subject, 'patient-only');
    const byAdmin = await grantAs(world.adminA);
    assert.match(
      byAdmin.message,
      /^FORBIDDEN\(registered-signer\): the signing certificate \(sha256 [0-9a-f]{64}\) is not registered/,
    );
    // A look-alike card: same label and hospital, different certificate.
    const lookAlike = await createTestIdentity(patient.identity.label, HOSPITAL_A);
    assert.equal((await grantAs(lookAlike)).subject, 'registered-signer');
    // The patient's own certificate presented through another hospital's MSP.
    const viaOtherMsp = { ...patient.identity, mspId: HOSPITAL_B };
    const refused = await grantAs(viaOtherMsp);
    assert.match(
      refused.message,
      /^FORBIDDEN\(registered-signer\): user pat-[0-9a-f]{32} is registered at HospitalAMSP but the transaction was signed through HospitalBMSP$/,
    );
  });

  it('refuses a grant to someone who is not a registered caregiver', async () => {
    const { world, patient } = await patientAndCaregiver();
    const unknown = randomId('cg-');
    await world.net.refused(
      patient.identity,
      (ctx) =>
        world.permissions.grant(
          ctx,
          patient.id,
          unknown,
          'dose',
          world.net.at(0),
          world.net.at(DAY),
          'true',
          'false',
        ),
      new RegExp(`^NOT_FOUND\\(caregiverId\\): no caregiver ${unknown} in the directory$`),
    );
    await world.net.refused(
      patient.identity,
      (ctx) =>
        world.permissions.grant(
          ctx,
          patient.id,
          patient.id,
          'dose',
          world.net.at(0),
          world.net.at(DAY),
          'true',
          'false',
        ),
      /^INVALID_ARGUMENT\(caregiverId\): must be 'cg-'/,
    );
  });

  it('refuses malformed arguments, naming the argument and the rule', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    const now = world.net.at(0);
    const day = world.net.at(DAY);
    const cases: Array<[string[], RegExp]> = [
      [
        ['xray', now, day, 'true', 'false'],
        new RegExp(
          `^INVALID_ARGUMENT\\(category\\): "xray" is not one of ${CATEGORIES.join(', ')}$`,
        ),
      ],
      [['Dose', now, day, 'true', 'false'], /^INVALID_ARGUMENT\(category\)/],
      [
        ['dose', '2025-03-03 08:00', day, 'true', 'false'],
        /^INVALID_ARGUMENT\(validFrom\): must be an ISO-8601 UTC time/,
      ],
      [
        ['dose', now, '2025-03-10T08:00:00+01:00', 'true', 'false'],
        /^INVALID_ARGUMENT\(validTo\): must be an ISO-8601 UTC time/,
      ],
      [
        ['dose', now, '2025-02-30T00:00:00Z', 'true', 'false'],
        /^INVALID_ARGUMENT\(validTo\): is not a real calendar time/,
      ],
      [
        ['dose', day, now, 'true', 'false'],
        /^INVALID_ARGUMENT\(validTo\): must be later than validFrom$/,
      ],
      [
        ['dose', day, day, 'true', 'false'],
        /^INVALID_ARGUMENT\(validTo\): must be later than validFrom$/,
      ],
      [
        ['dose', world.net.at(-2 * DAY), world.net.at(-DAY), 'true', 'false'],
        /^INVALID_ARGUMENT\(validTo\): must be in the future \(transaction time is /,
      ],
      [
        ['dose', now, day, 'yes', 'false'],
        /^INVALID_ARGUMENT\(read\): must be "true" or "false"; got "yes"$/,
      ],
      [
        ['dose', now, day, 'true', ''],
        /^INVALID_ARGUMENT\(write\): must be "true" or "false"; got ""$/,
      ],
      [
        ['dose', now, day, 'false', 'false'],
        /^INVALID_ARGUMENT\(read\): a grant must give read or write; use revoke to end access$/,
      ],
    ];
    for (const [[category, from, to, read, write], message] of cases) {
      await world.net.refused(
        patient.identity,
        (ctx) =>
          world.permissions.grant(
            ctx,
            patient.id,
            caregiver.id,
            category as string,
            from as string,
            to as string,
            read as string,
            write as string,
          ),
        message,
      );
    }
    await world.net.refused(
      patient.identity,
      (ctx) =>
        world.permissions.grant(ctx, 'patient-1', caregiver.id, 'dose', now, day, 'true', 'false'),
      /^INVALID_ARGUMENT\(patientId\)/,
    );
  });

  it('accepts every documented category', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    for (const category of CATEGORIES) {
      const entry = await world.grant(patient, caregiver, { category });
      assert.equal(entry.category, category);
    }
  });
});

describe('Permissions.revoke', () => {
  it('appends an entry that ends the window at the transaction time', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    const grant = await world.grant(patient, caregiver, {
      category: 'dose',
      read: true,
      write: true,
    });
    world.net.advanceMillis(3 * HOUR);
    const revoke = (await world.revoke(patient, caregiver, 'dose')) as RevokeEntry;
    assert.deepEqual(revoke, {
      kind: 'revoke',
      patientId: patient.id,
      seq: 1,
      caregiverId: caregiver.id,
      category: 'dose',
      validFrom: grant.validFrom,
      validTo: world.net.nowIso,
      read: true,
      write: true,
      revokesSeq: 0,
      recordedAt: world.net.nowIso,
      txId: world.net.lastTrace?.txId,
      breakGlass: false,
    });
    world.net.assertLastEvent('PermissionRevoked', patient.id);

    const current = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.listCurrent(ctx, patient.id),
    );
    assert.deepEqual(current, []);
    const history = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.getHistory(ctx, patient.id),
    );
    assert.deepEqual(
      history.map((e) => [e.seq, e.kind]),
      [
        [0, 'grant'],
        [1, 'revoke'],
      ],
    );
  });

  it('ends a grant that had not started yet before it begins', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    await world.grant(patient, caregiver, { from: world.net.at(DAY), to: world.net.at(2 * DAY) });
    const revoke = await world.revoke(patient, caregiver);
    assert.equal(revoke.validFrom, world.net.nowIso);
    assert.equal(revoke.validTo, world.net.nowIso);
  });

  it('refuses revoking when there is nothing current to revoke', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    await world.net.refused(
      patient.identity,
      (ctx) => world.permissions.revoke(ctx, patient.id, caregiver.id, 'dose'),
      new RegExp(
        `^CONFLICT\\(category\\): caregiver ${caregiver.id} has no current or upcoming dose permission to revoke$`,
      ),
    );
    await world.grant(patient, caregiver, { category: 'dose' });
    await world.net.refused(
      patient.identity,
      (ctx) => world.permissions.revoke(ctx, patient.id, caregiver.id, 'imaging'),
      /^CONFLICT\(category\)/,
    );
    await world.revoke(patient, caregiver, 'dose');
    await world.net.refused(
      patient.identity,
      (ctx) => world.permissions.revoke(ctx, patient.id, caregiver.id, 'dose'),
      /^CONFLICT\(category\)/,
    );
    // An expired grant has nothing left to revoke either.
    await world.grant(patient, caregiver, { category: 'lab', to: world.net.at(HOUR) });
    world.net.advanceMillis(HOUR);
    await world.net.refused(
      patient.identity,
      (ctx) => world.permissions.revoke(ctx, patient.id, caregiver.id, 'lab'),
      /^CONFLICT\(category\)/,
    );
  });

  it('refuses a revoke signed by the caregiver, and a malformed category', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    await world.grant(patient, caregiver);
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.permissions.revoke(ctx, patient.id, caregiver.id, 'dose'),
      /^FORBIDDEN\(patient-only\)/,
    );
    await world.net.refused(
      patient.identity,
      (ctx) => world.permissions.revoke(ctx, patient.id, caregiver.id, 'all'),
      /^INVALID_ARGUMENT\(category\)/,
    );
  });
});

describe('Permissions queries', () => {
  it('lists current and upcoming entries only, in history order', async () => {
    const world = await World.create();
    const patient = await world.registerPatient();
    const a = await world.registerCaregiver(HOSPITAL_A, 'Dr. A', 'RT');
    const b = await world.registerCaregiver(HOSPITAL_B, 'Dr. B', 'RT');
    const shortLived = await world.grant(patient, a, { category: 'dose', to: world.net.at(HOUR) });
    const upcoming = await world.grant(patient, b, {
      category: 'imaging',
      from: world.net.at(DAY),
      to: world.net.at(2 * DAY),
    });
    const active = await world.grant(patient, a, { category: 'lab' });
    const list = () =>
      world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
        world.permissions.listCurrent(ctx, patient.id),
      );
    assert.deepEqual(await list(), [shortLived, upcoming, active]);
    world.net.advanceMillis(HOUR);
    assert.deepEqual(await list(), [upcoming, active]);
  });

  it('keeps the full history ordered past ten entries (fixed-width sequence keys)', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    for (let i = 0; i < 12; i++) {
      await world.grant(patient, caregiver, {
        category: CATEGORIES[i % CATEGORIES.length],
        to: world.net.at((i + 1) * DAY),
      });
      world.net.advanceMillis(1000);
    }
    const history = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.getHistory(ctx, patient.id),
    );
    assert.deepEqual(
      history.map((e) => e.seq),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    assert.deepEqual(
      history.map((e) => e.recordedAt),
      [...history.map((e) => e.recordedAt)].sort(),
    );
  });

  it('shows permissions and history only to the patient', async () => {
    const { world, patient, caregiver } = await patientAndCaregiver();
    await world.grant(patient, caregiver);
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.permissions.listCurrent(ctx, patient.id),
      /^FORBIDDEN\(patient-only\): only patient .* may list these permissions/,
    );
    await world.net.refused(
      caregiver.identity,
      (ctx) => world.permissions.getHistory(ctx, patient.id),
      /^FORBIDDEN\(patient-only\): only patient .* may read this permission history/,
    );
  });

  it("lists for a caregiver the current grants patients gave him, and nobody else's", async () => {
    const world = await World.create();
    const p1 = await world.registerPatient(HOSPITAL_A);
    const p2 = await world.registerPatient(HOSPITAL_B);
    const me = await world.registerCaregiver(HOSPITAL_B, 'Dr. Me', 'RT');
    const colleague = await world.registerCaregiver(HOSPITAL_B, 'Dr. Colleague', 'RT');
    const g1 = await world.grant(p1, me, { category: 'dose' });
    const g2 = await world.grant(p2, me, {
      category: 'imaging',
      from: world.net.at(DAY),
      to: world.net.at(2 * DAY),
    });
    await world.grant(p1, me, { category: 'lab' });
    await world.revoke(p1, me, 'lab');
    await world.grant(p1, colleague, { category: 'dose' });

    const mine = await world.net.evaluate<GrantEntry[]>(me.identity, (ctx) =>
      world.permissions.listSharedWithMe(ctx),
    );
    const expected = [g1, g2].sort((x, y) => (x.patientId < y.patientId ? -1 : 1));
    assert.deepEqual(mine, expected);
    await world.net.refused(
      p1.identity,
      (ctx) => world.permissions.listSharedWithMe(ctx),
      /^FORBIDDEN\(caregiver-only\): only caregivers may list what patients shared with them; pat-[0-9a-f]{32} is a patient$/,
    );
  });

  it('tells the patient and a caregiver who may write a category who reads it, nobody else', async () => {
    const world = await World.create();
    const patient = await world.registerPatient(HOSPITAL_A);
    const writer = await world.registerCaregiver(HOSPITAL_A, 'Dr. Writer', 'RT');
    const reader = await world.registerCaregiver(HOSPITAL_B, 'Dr. Reader', 'RT');
    const later = await world.registerCaregiver(HOSPITAL_B, 'Dr. Later', 'Physics');
    const gone = await world.registerCaregiver(HOSPITAL_B, 'Dr. Gone', 'RT');
    await world.grant(patient, writer, { category: 'imaging', read: true, write: true });
    const r = await world.grant(patient, reader, { category: 'imaging' });
    const l = await world.grant(patient, later, {
      category: 'imaging',
      from: world.net.at(DAY),
      to: world.net.at(2 * DAY),
    });
    await world.grant(patient, gone, { category: 'imaging' });
    await world.revoke(patient, gone, 'imaging');
    await world.grant(patient, reader, { category: 'dose' });

    const window = (e: GrantEntry) => ({
      caregiverId: e.caregiverId,
      validFrom: e.validFrom,
      validTo: e.validTo,
    });
    const forWriter = await world.net.evaluate<unknown[]>(writer.identity, (ctx) =>
      world.permissions.listReaders(ctx, patient.id, 'imaging'),
    );
    const ids = (list: unknown[]) => (list as { caregiverId: string }[]).map((e) => e.caregiverId);
    assert.deepEqual(ids(forWriter).sort(), [writer.id, reader.id, later.id].sort());
    assert.deepEqual(
      (forWriter as ReturnType<typeof window>[]).find((e) => e.caregiverId === reader.id),
      window(r),
    );
    assert.deepEqual(
      (forWriter as ReturnType<typeof window>[]).find((e) => e.caregiverId === later.id),
      window(l),
    );
    const forPatient = await world.net.evaluate<unknown[]>(patient.identity, (ctx) =>
      world.permissions.listReaders(ctx, patient.id, 'imaging'),
    );
    assert.deepEqual(forPatient, forWriter);
    // A reader without write, or a writer asking about another category, learns nothing.
    await world.net.refused(
      reader.identity,
      (ctx) => world.permissions.listReaders(ctx, patient.id, 'imaging'),
      /^FORBIDDEN\(readers-for-writer\): only patient pat-[0-9a-f]{32} or a caregiver he lets write imaging now may list who reads it$/,
    );
    await world.net.refused(
      writer.identity,
      (ctx) => world.permissions.listReaders(ctx, patient.id, 'dose'),
      /^FORBIDDEN\(readers-for-writer\)/,
    );
  });
});
