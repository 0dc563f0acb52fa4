// The administrator on the real network, through the workstations' own dispatchers (the
// same handler table the UI calls): HospitalB's administrator enrols a new oncologist on a
// blank SoftHSM2 card (his own card is the CA registrar), who then appears in the directory
// and in the patient's caregiver picker and signs in; bad input is refused by name with
// nothing half-done; the administrator revokes her and the ledger refuses what she signs
// next and her next sign-in, and the patient sees in his history why her access ended.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationProgress } from '../../src/shared/ipc/contract';
import { ENROLMENT_STEPS } from '../../src/shared/ipc/slices/admin';
import { adminDepsFrom } from '../../src/main/admin/admin-deps';
import { enrolCard } from '../../src/main/admin/enrol-card';
import { EhrError } from '../../src/main/errors';
import { Pkcs11ModulePolicy } from '../../src/main/settings/pkcs11-modules';
import { childScriptsFromSource } from '../support/child-scripts';
import { ledgerSkipReason } from '../support/ledger-network';
import {
  failure,
  startRecordWorld,
  type RecordWorld,
  type Workstation,
} from '../support/record-world';
import { SO_PIN } from '../support/softhsm';
import { minioMissingReason } from '../storage/helpers';

const skip = ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`Administrator tests skipped: ${skip}.`);

const NEW_PIN = '271828';

describe.skipIf(Boolean(skip))('the administrator on the real network', () => {
  let world: RecordWorld;
  let A: Workstation;
  let B: Workstation;
  let nora: { id: string; serial: string };
  let noraStation: Workstation;
  const progress: OperationProgress[] = [];

  beforeAll(async () => {
    world = await startRecordWorld();
    [A, B] = world.workstations;
    B.app.events.on('operationProgress', (p) => progress.push(p));
    await B.signInAs(world.people.adminB);
    await A.signInAs(world.people.patient);
  }, 300_000);

  afterAll(async () => {
    await world?.stop();
  });

  it('offers the cards in the readers, never his own', async () => {
    const cards = await B.call('listEnrolmentCards');
    expect(cards.some((c) => c.blank && !c.holdsKeys)).toBe(true);
    expect(cards.map((c) => c.enrolledAs)).not.toContain(world.people.adminB.id);
    expect(cards.find((c) => c.enrolledAs === world.people.oncologistB.id)?.holdsKeys).toBe(true);
  });

  it('enrols a new oncologist on a blank card, each step reported, and she is in the directory and the picker', async () => {
    const result = await B.call('enrolCard', {
      card: 'blank',
      role: 'oncologist',
      displayName: 'Dr Nora Novak',
      department: 'Radiation Oncology',
      soPin: SO_PIN,
      userPin: NEW_PIN,
      wipe: false,
      operationId: 'enrol-nora-0001',
    });
    const steps = progress.filter((p) => p.operationId === 'enrol-nora-0001').map((p) => p.stage);
    expect([...new Set(steps)]).toEqual([...ENROLMENT_STEPS]);
    expect(result.pseudonym).toBeNull();
    expect(result.user).toMatchObject({
      role: 'oncologist',
      displayName: 'Dr Nora Novak',
      department: 'Radiation Oncology',
      status: 'active',
    });
    nora = { id: result.user.id, serial: result.serial };

    const users = await B.call('listUsers');
    expect(users.items.find((u) => u.id === nora.id)?.status).toBe('active');
    expect(users.items.map((u) => u.id)).toContain(world.people.physicistB.id);
    expect(users.items.map((u) => u.id)).not.toContain(world.people.oncologistA.id);

    const picker = await A.call('listCaregivers');
    expect(picker.items.find((p) => p.id === nora.id)).toMatchObject({
      displayName: 'Dr Nora Novak',
      mspId: 'HospitalBMSP',
    });
  });

  it('she signs in with her new card and sees what the patient shares with her', async () => {
    await A.call('grantAccess', {
      caregiverId: nora.id,
      categories: ['dose', 'imaging'],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      read: true,
      write: false,
    });
    // Her own workstation, whose card process starts after her card was made.
    noraStation = await world.openWorkstation(1);
    const session = await noraStation.call('signIn', { pin: NEW_PIN, serial: nora.serial });
    expect(session).toMatchObject({
      state: 'signed-in',
      user: { id: nora.id, role: 'oncologist' },
    });
    const shared = await noraStation.call('listSharedWithMe');
    expect(shared.items.map((p) => p.patientId)).toEqual([world.people.patient.id]);
  });

  it('refuses a card that holds keys until he confirms, and a wrong SO PIN, changing nothing', async () => {
    const request = {
      card: nora.serial,
      role: 'physicist' as const,
      displayName: 'Someone Else',
      department: 'Medical Physics',
      soPin: SO_PIN,
      userPin: NEW_PIN,
      wipe: false,
    };
    const holds = await failure(B.call('enrolCard', request));
    expect(holds.error.code).toBe('CARD_HOLDS_KEYS');
    expect(holds.error.message).toContain(`enrolled as ${nora.id}`);

    const wrong = await failure(B.call('enrolCard', { ...request, wipe: true, soPin: '00000000' }));
    expect(wrong.error.code).toBe('CARD_WRONG_SO_PIN');
    expect(wrong.error.message).toMatch(
      /security officer \(SO\) PIN is wrong.*Nothing was enrolled/,
    );

    const card = (await B.call('listEnrolmentCards')).find((c) => c.card === nora.serial);
    expect(card).toMatchObject({ holdsKeys: true, enrolledAs: nora.id });
    const users = await B.call('listUsers');
    expect(users.items.filter((u) => u.displayName === 'Someone Else')).toEqual([]);
  });

  it('refuses a taken enrolment id at the CA and leaves no card, CA or directory trace', async () => {
    const settings = await B.call('getSettings');
    const deps = adminDepsFrom(
      B.app.workspace.current().services,
      settings,
      childScriptsFromSource,
      Pkcs11ModulePolicy.fromMachine(),
    );
    const before = (await B.call('listUsers')).items.length;
    const error = await enrolCard(
      deps,
      {
        card: 'blank',
        role: 'oncologist',
        displayName: 'Dr Twin',
        department: 'Radiation Oncology',
        soPin: SO_PIN,
        userPin: NEW_PIN,
        wipe: false,
        userId: nora.id,
      },
      { signal: new AbortController().signal, report: () => undefined },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EhrError);
    expect((error as EhrError).code).toBe('ENROLMENT_ID_TAKEN');
    expect((error as EhrError).message).toMatch(
      /Registering at the hospital CA.*already has an identity.*the card is wiped.*Nothing was enrolled/,
    );
    expect((await B.call('listUsers')).items.length).toBe(before);
    // The card it used holds nothing: initialised, no keys, no certificate.
    const cards = await B.call('listEnrolmentCards');
    expect(cards.filter((c) => c.label === 'ACTION-EHR' && !c.holdsKeys).length).toBe(1);
  });

  it('undoes the card and the CA registration when the directory refuses the last step', async () => {
    // An id the directory already holds (for another certificate) but the CA does not: every
    // step up to the directory succeeds on the real parts, then the ledger says CONFLICT.
    const services = B.app.workspace.current().services;
    const taken = `cg-${randomBytes(16).toString('hex')}`;
    await services.ledger.registerUser({
      userId: taken,
      role: 'caregiver',
      mspId: 'HospitalBMSP',
      certFingerprint: randomBytes(32).toString('hex'),
      encryptionPublicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      displayName: 'Dr Elsewhere',
      department: 'Radiation Oncology',
    });
    const deps = adminDepsFrom(
      services,
      await B.call('getSettings'),
      childScriptsFromSource,
      Pkcs11ModulePolicy.fromMachine(),
    );
    const seen: string[] = [];
    const error = await enrolCard(
      deps,
      {
        card: 'blank',
        role: 'oncologist',
        displayName: 'Dr Half Done',
        department: 'Radiation Oncology',
        soPin: SO_PIN,
        userPin: NEW_PIN,
        wipe: false,
        userId: taken,
      },
      { signal: new AbortController().signal, report: (stage) => seen.push(stage) },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EhrError);
    expect((error as EhrError).code).toBe('LEDGER_CONFLICT');
    expect((error as EhrError).message).toMatch(
      /Registering in the ledger directory.*already registered.*the card is wiped and the CA registration withdrawn\. Nothing was enrolled\./,
    );
    expect(seen.at(-1)).toBe('directory');
    const users = await B.call('listUsers');
    expect(users.items.filter((u) => u.displayName === 'Dr Half Done')).toEqual([]);
    const cards = await B.call('listEnrolmentCards');
    expect(cards.some((c) => c.enrolledAs === taken)).toBe(false);
  });

  it('enrols a patient under a fresh pseudonym shown once, with no name on the ledger', async () => {
    const result = await B.call('enrolCard', {
      card: 'blank',
      role: 'patient',
      displayName: '',
      department: '',
      soPin: SO_PIN,
      userPin: NEW_PIN,
      wipe: false,
    });
    expect(result.pseudonym).toMatch(/^pat-[0-9a-f]{32}$/);
    expect(result.user).toMatchObject({ id: result.pseudonym, role: 'patient', displayName: null });
  });

  it('refuses revoking himself or a user of another hospital', async () => {
    const self = await failure(B.call('revokeUser', { userId: world.people.adminB.id }));
    expect(self.error).toMatchObject({ code: 'NOT_ALLOWED' });
    expect(self.error.message).toMatch(/cannot revoke yourself.*Nothing was revoked/);
    const other = await failure(B.call('revokeUser', { userId: world.people.oncologistA.id }));
    expect(other.error.code).toBe('NOT_ALLOWED');
    expect(other.error.message).toMatch(/user of HospitalAMSP.*Nothing was revoked/);
  });

  it('revokes her: the ledger refuses what she signs next, her grants end, and the patient sees why', async () => {
    const revoked = await B.call('revokeUser', { userId: nora.id });
    expect(revoked.user.status).toBe('revoked');
    expect(revoked.certificatesRevoked).toBe(1);

    const refused = await failure(noraStation.call('listSharedWithMe'));
    expect(refused.error.code).toBe('LEDGER_REFUSED');
    expect(refused.error.message).toMatch(/revoked by your hospital/);

    const history = await A.call('getAccessHistory');
    const ended = history.items.filter((h) => h.caregiver.id === nora.id && h.caregiverRevoked);
    expect(ended.map((h) => h.category).sort()).toEqual(['dose', 'imaging']);
    const picker = await A.call('listCaregivers');
    expect(picker.items.map((p) => p.id)).not.toContain(nora.id);
    const users = await B.call('listUsers');
    expect(users.items.find((u) => u.id === nora.id)?.status).toBe('revoked');

    // Her next sign-in, anywhere, is refused and signs her out.
    const fresh = await world.openWorkstation(1);
    const again0 = await failure(fresh.call('signIn', { pin: NEW_PIN, serial: nora.serial }));
    expect(again0.error.code).toBe('LEDGER_REFUSED');
    expect(again0.error.message).toMatch(/revoked this card.*signed out/);
    expect((await fresh.call('getSession')).state).toBe('signed-out');

    // Revoking again finishes nothing twice and fails nothing.
    const again = await B.call('revokeUser', { userId: nora.id });
    expect(again.user.status).toBe('revoked');
  });

  it('publishes his hospital’s record gateway from its URL, and refuses what is not one, publishing nothing', async () => {
    const listed = await B.call('listRecordGateways');
    expect(listed.map((g) => [g.mspId, g.url, g.bucket, g.ours])).toEqual([
      ['HospitalAMSP', world.gateways[0].url, world.buckets[0], false],
      ['HospitalBMSP', world.gateways[1].url, world.buckets[1], true],
    ]);

    const nothing = await failure(B.call('publishRecordGateway', { url: 'http://127.0.0.1:9' }));
    expect(nothing.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(nothing.error.message).toMatch(
      /Nothing answers at http:\/\/127\.0\.0\.1:9.*nothing was published/,
    );
    const storage = await failure(
      B.call('publishRecordGateway', { url: world.s3.settings.endpoint }),
    );
    expect(storage.error.message).toMatch(
      /not an ACTION-EHR record gateway; nothing was published/,
    );
    const plain = await failure(
      B.call('publishRecordGateway', { url: 'http://records.hospital-b.example' }),
    );
    expect(plain.error.code).toBe('INVALID_ARGUMENT');
    expect(plain.error.message).toMatch(/Use https:\/\//);
    const patientTries = await failure(
      A.call('publishRecordGateway', { url: world.gateways[1].url }),
    );
    expect(patientTries.error.code).toBe('NOT_ALLOWED');
    expect(await B.call('listRecordGateways')).toEqual(listed);

    // Publishing the running gateway again (as after moving it) is its entry, renewed.
    const published = await B.call('publishRecordGateway', { url: `${world.gateways[1].url}/` });
    expect(published).toMatchObject({
      mspId: 'HospitalBMSP',
      url: world.gateways[1].url,
      bucket: world.buckets[1],
      ours: true,
    });
    expect(published.emergencyKeyFingerprint).toBe(listed[1]!.emergencyKeyFingerprint);
  });
});
