import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import type { DirectoryUser } from '../src/model/user';
import {
  createTestIdentity,
  ecEncryptionKeyPem,
  fingerprintOf,
  rsaEncryptionKeyPem,
} from './support/certificates';
import { DAY, HOSPITAL_A, HOSPITAL_B, HOUR, randomId, World } from './support/world';

describe('Directory.registerUser', () => {
  it('lets an admin register a patient of his hospital under a pseudonym, with no name', async () => {
    const world = await World.create();
    const card = await createTestIdentity('patient card', HOSPITAL_A);
    const id = randomId('pat-');
    const user = await world.net.submit<DirectoryUser>(world.adminA, (ctx) =>
      world.directory.registerUser(
        ctx,
        id,
        'patient',
        HOSPITAL_A,
        fingerprintOf(card),
        ecEncryptionKeyPem(),
        '',
        '',
      ),
    );
    assert.equal(user.userId, id);
    assert.equal(user.role, 'patient');
    assert.equal(user.mspId, HOSPITAL_A);
    assert.equal(user.certFingerprint, fingerprintOf(card));
    assert.equal(user.displayName, null);
    assert.equal(user.department, null);
    assert.equal(user.encryptionKeyType, 'ec-p256');
    assert.equal(user.registeredAt, world.net.nowIso);
    assert.match(user.registeredBy, /CN=admin\.hospital-a/);

    // Not even the pseudonym: the event stream must not list the patients there are.
    world.net.assertLastEvent('UserRegistered', null);
  });

  it('stores caregivers with display name and department, and accepts RSA encryption keys', async () => {
    const world = await World.create();
    const card = await createTestIdentity('Dr. Rivera', HOSPITAL_B);
    const user = await world.net.submit<DirectoryUser>(world.adminB, (ctx) =>
      world.directory.registerUser(
        ctx,
        randomId('cg-'),
        'caregiver',
        HOSPITAL_B,
        fingerprintOf(card),
        rsaEncryptionKeyPem(),
        '  Dr. Rivera ',
        'Medical Physics',
      ),
    );
    assert.equal(user.displayName, 'Dr. Rivera');
    assert.equal(user.department, 'Medical Physics');
    assert.equal(user.encryptionKeyType, 'rsa');
    assert.equal(user.encryptionKeyBits, 2048);
  });

  it('stores the encryption key re-encoded, so CRLF line endings give the same bytes', async () => {
    const world = await World.create();
    const pem = ecEncryptionKeyPem();
    const card = await createTestIdentity('patient', HOSPITAL_A);
    const user = await world.net.submit<DirectoryUser>(world.adminA, (ctx) =>
      world.directory.registerUser(
        ctx,
        randomId('pat-'),
        'patient',
        HOSPITAL_A,
        fingerprintOf(card),
        pem.replace(/\n/g, '\r\n'),
        '',
        '',
      ),
    );
    assert.equal(user.encryptionPublicKey, pem);
  });

  it('refuses a signer without the role=admin certificate attribute', async () => {
    const world = await World.create();
    const clerk = await createTestIdentity('clerk', HOSPITAL_A, { role: 'caregiver' });
    const card = await createTestIdentity('patient', HOSPITAL_A);
    await world.net.refused(
      clerk,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('pat-'),
          'patient',
          HOSPITAL_A,
          fingerprintOf(card),
          ecEncryptionKeyPem(),
          '',
          '',
        ),
      /^FORBIDDEN\(admin-role\): .*role=caregiver/,
    );
    const noAttributes = await createTestIdentity('nobody', HOSPITAL_A);
    await world.net.refused(
      noAttributes,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('pat-'),
          'patient',
          HOSPITAL_A,
          fingerprintOf(card),
          ecEncryptionKeyPem(),
          '',
          '',
        ),
      /^FORBIDDEN\(admin-role\): .*role=\(none\)/,
    );
  });

  it('refuses an admin registering a user of another hospital', async () => {
    const world = await World.create();
    const card = await createTestIdentity('patient', HOSPITAL_A);
    await world.net.refused(
      world.adminB,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('pat-'),
          'patient',
          HOSPITAL_A,
          fingerprintOf(card),
          ecEncryptionKeyPem(),
          '',
          '',
        ),
      /^FORBIDDEN\(admin-same-hospital\): an administrator of HospitalBMSP may only register users of HospitalBMSP, not of HospitalAMSP$/,
    );
  });

  it('refuses patient ids that are not random pseudonyms', async () => {
    const world = await World.create();
    const card = await createTestIdentity('patient', HOSPITAL_A);
    for (const badId of [
      'pat-john-smith',
      'John Smith',
      'pat-19700101',
      `pat-${'A'.repeat(32)}`,
      `pat-${'a'.repeat(33)}`,
      '',
    ]) {
      await world.net.refused(
        world.adminA,
        (ctx) =>
          world.directory.registerUser(
            ctx,
            badId,
            'patient',
            HOSPITAL_A,
            fingerprintOf(card),
            ecEncryptionKeyPem(),
            '',
            '',
          ),
        /^INVALID_ARGUMENT\(userId\): must be 'pat-' followed by 32 lowercase hex characters \(a random pseudonym/,
      );
    }
  });

  it('refuses an id whose prefix does not match the role', async () => {
    const world = await World.create();
    const card = await createTestIdentity('x', HOSPITAL_A);
    await world.net.refused(
      world.adminA,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('pat-'),
          'caregiver',
          HOSPITAL_A,
          fingerprintOf(card),
          ecEncryptionKeyPem(),
          'Dr. X',
          'Oncology',
        ),
      /^INVALID_ARGUMENT\(userId\): must be 'cg-'/,
    );
  });

  it('refuses a name or department on a patient', async () => {
    const world = await World.create();
    const card = await createTestIdentity('x', HOSPITAL_A);
    await world.net.refused(
      world.adminA,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('pat-'),
          'patient',
          HOSPITAL_A,
          fingerprintOf(card),
          ecEncryptionKeyPem(),
          'Jane Doe',
          '',
        ),
      /^INVALID_ARGUMENT\(displayName\): must be empty for patients: no names go on the ledger$/,
    );
    await world.net.refused(
      world.adminA,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('pat-'),
          'patient',
          HOSPITAL_A,
          fingerprintOf(card),
          ecEncryptionKeyPem(),
          '',
          'Oncology',
        ),
      /^INVALID_ARGUMENT\(department\)/,
    );
  });

  it('requires display name and department for caregivers', async () => {
    const world = await World.create();
    const card = await createTestIdentity('x', HOSPITAL_A);
    await world.net.refused(
      world.adminA,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('cg-'),
          'caregiver',
          HOSPITAL_A,
          fingerprintOf(card),
          ecEncryptionKeyPem(),
          'Dr. X',
          '  ',
        ),
      /^INVALID_ARGUMENT\(department\): must not be empty$/,
    );
    await world.net.refused(
      world.adminA,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('cg-'),
          'caregiver',
          HOSPITAL_A,
          fingerprintOf(card),
          ecEncryptionKeyPem(),
          'Dr.\u0007X',
          'RT',
        ),
      /^INVALID_ARGUMENT\(displayName\): must not contain control characters$/,
    );
  });

  it('refuses malformed role, MSP id and fingerprint with the argument named', async () => {
    const world = await World.create();
    const card = await createTestIdentity('x', HOSPITAL_A);
    const register =
      (role: string, mspId: string, fingerprint: string) =>
      (ctx: Parameters<typeof world.directory.registerUser>[0]) =>
        world.directory.registerUser(
          ctx,
          randomId('pat-'),
          role,
          mspId,
          fingerprint,
          ecEncryptionKeyPem(),
          '',
          '',
        );
    await world.net.refused(
      world.adminA,
      register('doctor', HOSPITAL_A, fingerprintOf(card)),
      /^INVALID_ARGUMENT\(role\): must be one of patient, caregiver, admin; got "doctor"$/,
    );
    await world.net.refused(
      world.adminA,
      register('patient', 'Hospital A', fingerprintOf(card)),
      /^INVALID_ARGUMENT\(mspId\)/,
    );
    const colonHex = fingerprintOf(card)
      .toUpperCase()
      .replace(/(..)(?!$)/g, '$1:');
    await world.net.refused(
      world.adminA,
      register('patient', HOSPITAL_A, colonHex),
      /^INVALID_ARGUMENT\(certFingerprint\): must be a SHA-256 digest as 64 lowercase hex characters/,
    );
  });

  it('refuses encryption keys other than EC P-256 or RSA >= 2048 SPKI PEM', async () => {
    const world = await World.create();
    const card = await createTestIdentity('x', HOSPITAL_A);
    const spki = (type: 'ec' | 'rsa' | 'ed25519', options: object) =>
      (
        generateKeyPairSync as (
          t: string,
          o: object,
        ) => { publicKey: { export(o: object): string | Buffer } }
      )(type, options)
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
    const cases: Array<[string, RegExp]> = [
      ['not a key', /must be a single SPKI public key in PEM/],
      [
        '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
        /is PEM but does not parse as an SPKI public key/,
      ],
      [card.certificatePem, /must be a single SPKI public key in PEM/],
      [spki('ec', { namedCurve: 'secp384r1' }), /EC keys must be on P-256; got curve secp384r1/],
      [spki('rsa', { modulusLength: 1024 }), /RSA keys must have at least 2048 bits; got 1024/],
      [spki('ed25519', {}), /must be an EC P-256 or RSA key; got ed25519/],
    ];
    for (const [pem, message] of cases) {
      await world.net.refused(
        world.adminA,
        (ctx) =>
          world.directory.registerUser(
            ctx,
            randomId('pat-'),
            'patient',
            HOSPITAL_A,
            fingerprintOf(card),
            pem,
            '',
            '',
          ),
        new RegExp(`^INVALID_ARGUMENT\\(encryptionPublicKeyPem\\): .*${message.source}`),
      );
    }
  });

  it('refuses a second registration of the same id or the same certificate', async () => {
    const world = await World.create();
    const patient = await world.registerPatient(HOSPITAL_A);
    const otherCard = await createTestIdentity('other', HOSPITAL_A);
    await world.net.refused(
      world.adminA,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          patient.id,
          'patient',
          HOSPITAL_A,
          fingerprintOf(otherCard),
          ecEncryptionKeyPem(),
          '',
          '',
        ),
      new RegExp(`^CONFLICT\\(userId\\): user ${patient.id} is already registered$`),
    );
    await world.net.refused(
      world.adminA,
      (ctx) =>
        world.directory.registerUser(
          ctx,
          randomId('pat-'),
          'patient',
          HOSPITAL_A,
          fingerprintOf(patient.identity),
          ecEncryptionKeyPem(),
          '',
          '',
        ),
      new RegExp(
        `^CONFLICT\\(certFingerprint\\): this certificate is already registered to user ${patient.id}$`,
      ),
    );
  });

  it('refuses a missing argument rather than treating it as empty', async () => {
    const world = await World.create();
    await world.net.refused(
      world.adminA,
      (ctx) =>
        (world.directory.registerUser as (...args: unknown[]) => Promise<string>).call(
          world.directory,
          ctx,
          randomId('pat-'),
          'patient',
        ),
      /^INVALID_ARGUMENT\(mspId\): is required and must be a string$/,
    );
  });
});

describe('Directory lookups', () => {
  it('returns one user by id, and NOT_FOUND or INVALID_ARGUMENT otherwise', async () => {
    const world = await World.create();
    const caregiver = await world.registerCaregiver(HOSPITAL_B);
    const stranger = await createTestIdentity('anyone on the channel', HOSPITAL_A);
    assert.deepEqual(
      await world.net.evaluate<DirectoryUser>(stranger, (ctx) =>
        world.directory.getUser(ctx, caregiver.id),
      ),
      caregiver.user,
    );
    const unknown = randomId('cg-');
    await world.net.refused(
      stranger,
      (ctx) => world.directory.getUser(ctx, unknown),
      new RegExp(`^NOT_FOUND\\(userId\\): no user ${unknown} in the directory$`),
    );
    await world.net.refused(
      stranger,
      (ctx) => world.directory.getUser(ctx, 'dr-smith'),
      /^INVALID_ARGUMENT\(userId\): must start with one of 'pat-', 'cg-', 'adm-'/,
    );
  });

  it("gives a patient's entry only to him, his hospital's admins and caregivers he granted", async () => {
    const world = await World.create();
    const patient = await world.registerPatient(HOSPITAL_A);
    const granted = await world.registerCaregiver(HOSPITAL_B);
    const writer = await world.registerCaregiver(HOSPITAL_B, 'Dr. Writer', 'Radiation Oncology');
    const upcoming = await world.registerCaregiver(HOSPITAL_A, 'Dr. Later', 'Medical Physics');
    const emergency = await world.registerCaregiver(HOSPITAL_B, 'Dr. ER', 'Emergency Medicine');
    const ungranted = await world.registerCaregiver(HOSPITAL_A, 'Dr. Same Hospital', 'Oncology');
    const otherPatient = await world.registerPatient(HOSPITAL_A);
    const stranger = await createTestIdentity('unregistered certificate', HOSPITAL_A);
    await world.grant(patient, granted, { category: 'dose', to: world.net.at(DAY) });
    await world.grant(patient, writer, { category: 'imaging', read: false, write: true });
    await world.grant(patient, upcoming, { from: world.net.at(DAY), to: world.net.at(2 * DAY) });
    await world.openBreakGlass(emergency, patient, 1);

    const getPatient = (ctx: Parameters<typeof world.directory.getUser>[0]) =>
      world.directory.getUser(ctx, patient.id);
    for (const reader of [patient, granted, writer, upcoming, emergency]) {
      assert.deepEqual(await world.net.evaluate(reader.identity, getPatient), patient.user);
    }
    assert.deepEqual(await world.net.evaluate(world.adminA, getPatient), patient.user);

    const refusal = new RegExp(
      `^FORBIDDEN\\(patient-directory-entry\\): the directory entry of patient ${patient.id} is only for the patient, administrators of his hospital and caregivers he has granted$`,
    );
    for (const outsider of [ungranted.identity, otherPatient.identity, stranger, world.adminB]) {
      await world.net.refused(outsider, getPatient, refusal);
    }
    // Whether a pseudonym exists is itself for those who may see it.
    const unknown = randomId('pat-');
    await world.net.refused(
      stranger,
      (ctx) => world.directory.getUser(ctx, unknown),
      new RegExp(
        `^FORBIDDEN\\(patient-directory-entry\\): the directory entry of patient ${unknown} `,
      ),
    );

    // Access ends with the grant or the break-glass session that gave it.
    world.net.advanceMillis(HOUR);
    await world.net.refused(emergency.identity, getPatient, refusal);
    await world.revoke(patient, writer, 'imaging');
    await world.net.refused(writer.identity, getPatient, refusal);
    world.net.advanceMillis(2 * DAY);
    await world.net.refused(granted.identity, getPatient, refusal);
    await world.net.refused(upcoming.identity, getPatient, refusal);
    assert.deepEqual(await world.net.evaluate(patient.identity, getPatient), patient.user);
  });

  it('lists caregivers of every hospital or of one, never patients', async () => {
    const world = await World.create();
    const b1 = await world.registerCaregiver(HOSPITAL_B, 'Dr. B One', 'Radiation Oncology');
    const a1 = await world.registerCaregiver(HOSPITAL_A, 'Dr. A One', 'Medical Physics');
    const b2 = await world.registerCaregiver(HOSPITAL_B, 'Dr. B Two', 'Radiation Oncology');
    await world.registerPatient(HOSPITAL_A);
    const viewer = await createTestIdentity('kiosk', HOSPITAL_A);

    const all = await world.net.evaluate<DirectoryUser[]>(viewer, (ctx) =>
      world.directory.listCaregivers(ctx, ''),
    );
    const expectedB = [b1, b2].map((c) => c.id).sort();
    assert.deepEqual(
      all.map((u) => u.userId),
      [a1.id, ...expectedB],
    );
    assert.ok(all.every((u) => u.role === 'caregiver'));

    const onlyB = await world.net.evaluate<DirectoryUser[]>(viewer, (ctx) =>
      world.directory.listCaregivers(ctx, HOSPITAL_B),
    );
    assert.deepEqual(
      onlyB.map((u) => u.userId),
      expectedB,
    );
    assert.equal(onlyB[0]?.displayName, b1.id < b2.id ? 'Dr. B One' : 'Dr. B Two');

    await world.net.refused(
      viewer,
      (ctx) => world.directory.listCaregivers(ctx, 'bad msp'),
      /^INVALID_ARGUMENT\(mspId\)/,
    );
  });
});
