import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PermissionEntry, RevokeEntry } from '../src/model/permission-entry';
import type { RecordListing } from '../src/model/record-listing';
import type { DirectoryUser } from '../src/model/user';
import {
  createTestIdentity,
  ecEncryptionKeyPem as ecKey,
  fingerprintOf as fingerprintOfIdentity,
} from './support/certificates';
import { DAY, HOSPITAL_A, HOSPITAL_B, HOUR, randomId, World } from './support/world';

async function sharedWorld() {
  const world = await World.create();
  const patient = await world.registerPatient(HOSPITAL_A);
  const caregiver = await world.registerCaregiver(HOSPITAL_B, 'Dr. Leaving', 'Radiation Oncology');
  await world.grant(patient, caregiver, { category: 'dose' });
  await world.grant(patient, caregiver, { category: 'imaging', write: true });
  await world.addRecord(patient, patient, 'dose');
  return { world, patient, caregiver };
}

describe('Directory.revokeUser', () => {
  it('marks the user revoked, with when and by whom, and says so in an event naming nobody', async () => {
    const { world, caregiver } = await sharedWorld();
    world.net.advanceMillis(HOUR);
    const revoked = await world.revokeUser(caregiver);
    assert.equal(revoked.status, 'revoked');
    assert.equal(revoked.revokedAt, world.net.nowIso);
    assert.match(revoked.revokedBy ?? '', /CN=admin\.hospital-b/);
    world.net.assertLastEvent('UserRevoked', null);

    const entry = await world.net.evaluate<DirectoryUser>(world.adminA, (ctx) =>
      world.directory.getUser(ctx, caregiver.id),
    );
    assert.equal(entry.status, 'revoked');
  });

  it('refuses every later call his certificate signs, queries included', async () => {
    const { world, patient, caregiver } = await sharedWorld();
    await world.revokeUser(caregiver);
    const refusal =
      /^FORBIDDEN\(revoked-signer\): user cg-[0-9a-f]{32} was revoked by his hospital/;
    await world.net.refused(
      caregiver.identity,
      world.guarded(world.records, (ctx) => world.records.listRecords(ctx, patient.id)),
      refusal,
    );
    await world.net.refused(
      caregiver.identity,
      world.guarded(world.permissions, (ctx) => world.permissions.listSharedWithMe(ctx)),
      refusal,
    );
    await world.net.refused(
      caregiver.identity,
      world.guarded(world.breakGlass, (ctx) =>
        world.breakGlass.open(
          ctx,
          patient.id,
          'Unconscious patient in emergency department, prior RT dose needed',
          '2',
        ),
      ),
      refusal,
    );
  });

  it("ends each grant he held now, in each patient's history, marked as his hospital's revocation", async () => {
    const { world, patient, caregiver } = await sharedWorld();
    const other = await world.registerPatient(HOSPITAL_B);
    await world.grant(other, caregiver, { category: 'lab', from: world.net.at(2 * DAY) });
    world.net.advanceMillis(HOUR);
    await world.revokeUser(caregiver);

    const history = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.getHistory(ctx, patient.id),
    );
    const ends = history.filter((e): e is RevokeEntry => e.kind === 'revoke');
    assert.deepEqual(
      ends.map((e) => [e.seq, e.category, e.revokesSeq, e.validTo, e.cause]),
      [
        [2, 'dose', 0, world.net.nowIso, 'caregiver-revoked'],
        [3, 'imaging', 1, world.net.nowIso, 'caregiver-revoked'],
      ],
    );
    const current = await world.net.evaluate<PermissionEntry[]>(patient.identity, (ctx) =>
      world.permissions.listCurrent(ctx, patient.id),
    );
    assert.deepEqual(current, []);

    // An upcoming grant ends before it begins.
    const [upcoming] = (
      await world.net.evaluate<PermissionEntry[]>(other.identity, (ctx) =>
        world.permissions.getHistory(ctx, other.id),
      )
    ).filter((e) => e.kind === 'revoke');
    assert.equal(upcoming?.validFrom, world.net.nowIso);
    assert.equal(upcoming?.validTo, world.net.nowIso);
  });

  it('takes him off the caregiver list and refuses new grants to him', async () => {
    const { world, patient, caregiver } = await sharedWorld();
    const stays = await world.registerCaregiver(HOSPITAL_B, 'Dr. Stays', 'Medical Physics');
    await world.revokeUser(caregiver);
    const listed = await world.net.evaluate<DirectoryUser[]>(patient.identity, (ctx) =>
      world.directory.listCaregivers(ctx, HOSPITAL_B),
    );
    assert.deepEqual(
      listed.map((u) => u.userId),
      [stays.id],
    );
    await world.net.refused(
      patient.identity,
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
      /^CONFLICT\(caregiverId\): caregiver cg-[0-9a-f]{32} was revoked by his hospital/,
    );
  });

  it('is for an administrator of the user’s own hospital only, never for himself', async () => {
    const { world, patient, caregiver } = await sharedWorld();
    await world.net.refused(
      world.adminA,
      (ctx) => world.directory.revokeUser(ctx, caregiver.id),
      /^FORBIDDEN\(admin-same-hospital\): an administrator of HospitalAMSP may only revoke users of HospitalAMSP, not of HospitalBMSP$/,
    );
    await world.net.refused(
      patient.identity,
      (ctx) => world.directory.revokeUser(ctx, caregiver.id),
      /^FORBIDDEN\(admin-role\): revoking users needs certificate attribute role=admin/,
    );
    // An admin with a directory entry of his own, on the card he signs with.
    const adminCard = await createTestIdentity('admin.card', HOSPITAL_B, { role: 'admin' });
    const adminId = randomId('adm-');
    await world.net.submit(world.adminB, (ctx) =>
      world.directory.registerUser(
        ctx,
        adminId,
        'admin',
        HOSPITAL_B,
        fingerprintOfIdentity(adminCard),
        ecKey(),
        'Ada Admin',
        'IT',
      ),
    );
    await world.net.refused(
      adminCard,
      (ctx) => world.directory.revokeUser(ctx, adminId),
      /^FORBIDDEN\(admin-not-self\): an administrator cannot revoke himself/,
    );
  });

  it('refuses an unknown id, a revoked user twice, and a malformed id', async () => {
    const { world, caregiver } = await sharedWorld();
    await world.net.refused(
      world.adminB,
      (ctx) => world.directory.revokeUser(ctx, randomId('cg-')),
      /^NOT_FOUND\(userId\): no user cg-[0-9a-f]{32} in the directory$/,
    );
    await world.revokeUser(caregiver);
    await world.net.refused(
      world.adminB,
      (ctx) => world.directory.revokeUser(ctx, caregiver.id),
      /^CONFLICT\(userId\): user cg-[0-9a-f]{32} was already revoked at /,
    );
    await world.net.refused(
      world.adminB,
      (ctx) => world.directory.revokeUser(ctx, 'Dr. Leaving'),
      /^INVALID_ARGUMENT\(userId\)/,
    );
  });

  it("leaves the patients' own access untouched", async () => {
    const { world, patient, caregiver } = await sharedWorld();
    await world.revokeUser(caregiver);
    const listing = await world.net.evaluate<RecordListing>(
      patient.identity,
      world.guarded(world.records, (ctx) => world.records.listRecords(ctx, patient.id)),
    );
    assert.equal(listing.records.length, 1);
  });
});

describe('Directory.listUsers', () => {
  it("gives an administrator his hospital's users, revoked ones marked, and nobody else's", async () => {
    const world = await World.create();
    const patient = await world.registerPatient(HOSPITAL_B);
    const caregiver = await world.registerCaregiver(HOSPITAL_B);
    await world.registerCaregiver(HOSPITAL_A, 'Dr. Elsewhere', 'Oncology');
    await world.revokeUser(caregiver);
    const users = await world.net.evaluate<DirectoryUser[]>(world.adminB, (ctx) =>
      world.directory.listUsers(ctx, HOSPITAL_B),
    );
    assert.deepEqual(
      users.map((u) => [u.userId, u.status]).sort(),
      [
        [caregiver.id, 'revoked'],
        [patient.id, 'active'],
      ].sort(),
    );
    await world.net.refused(
      world.adminB,
      (ctx) => world.directory.listUsers(ctx, HOSPITAL_A),
      /^FORBIDDEN\(admin-same-hospital\): an administrator of HospitalBMSP may only list users of HospitalBMSP/,
    );
    await world.net.refused(
      patient.identity,
      (ctx) => world.directory.listUsers(ctx, HOSPITAL_B),
      /^FORBIDDEN\(admin-role\)/,
    );
  });
});
