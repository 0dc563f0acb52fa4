// "Save registration as a record" on the real network (Fabric, the gateways, MinIO): a
// physicist without a write grant for imaging is refused by the add path, and nothing is
// stored; with the grant the REG is added as the patient's imaging record, and opening that
// record again gives a REG the viewer's worker sums through without re-registering.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedRegistration } from '../../src/shared/rt/registration/accepted';
import {
  findRegistration,
  registrationsFromObject,
} from '../../src/shared/rt/registration/accepted';
import { rigidFromEuler } from '../../src/shared/rt/registration/rigid';
import { loadStudy } from '../../src/shared/rt/study';
import { ledgerSkipReason } from '../support/ledger-network';
import { failure, startRecordWorld, type RecordWorld } from '../support/record-world';
import { minioMissingReason } from '../storage/helpers';

const skip = ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`Registration record tests skipped: ${skip}.`);

const PRIOR = '1.2.826.0.1.3680043.8.498.81';
const CURRENT = '1.2.826.0.1.3680043.8.498.82';
const registration = {
  transform: {
    sourceFrameOfReferenceUid: PRIOR,
    targetFrameOfReferenceUid: CURRENT,
    matrix: rigidFromEuler([0, 0, 0.02], [-6, 4, -3]),
  },
  origin: {
    kind: 'automatic' as const,
    method: 'elastix 3-level rigid (Euler), Mattes mutual information',
    acceptedBy: 'Clara Chen',
    acceptedAt: '2026-12-02T21:00:00.000Z',
    adjusted: true,
  },
} satisfies AcceptedRegistration;
const subject = { patientName: 'Doe^Jane', patientId: 'HB-0042', studyInstanceUid: '1.2.3.4.5' };

describe.skipIf(Boolean(skip))('saving an accepted registration as a record', () => {
  let world: RecordWorld;

  const objectCount = async () =>
    (await world.s3.raw.send(new ListObjectsV2Command({ Bucket: world.buckets[1] }))).KeyCount ?? 0;

  beforeAll(async () => {
    world = await startRecordWorld();
  }, 300_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('refuses a physicist without write for imaging, storing nothing', async () => {
    const { patient, physicistB } = world.people;
    const B = world.at(physicistB);
    await B.signInAs(physicistB);
    const before = await objectCount();
    const refused = await failure(
      B.call('saveRegistrationRecord', { patientId: patient.id, registration, subject }),
    );
    expect(refused.error.code).toBe('LEDGER_REFUSED');
    expect(refused.error.message).toMatch(/write access now for: imaging\. Nothing was added/);
    expect(await objectCount()).toBe(before);
    await B.signOut();
  });

  it('adds the REG as an imaging record that opens to the same registration', async () => {
    const { patient, physicistB } = world.people;
    const A = world.at(patient);
    await A.signInAs(patient);
    await A.call('grantAccess', {
      caregiverId: physicistB.id,
      categories: ['imaging'],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
      read: true,
      write: true,
    });
    await A.signOut();

    const B = world.at(physicistB);
    await B.signInAs(physicistB);
    const added = await B.call('saveRegistrationRecord', {
      patientId: patient.id,
      registration,
      subject,
    });
    expect(added).toHaveLength(1);
    expect(added[0]!.record.category).toBe('imaging');
    expect(added[0]!.files[0]!.kind).toBe('Spatial Registration');

    const opened = await B.call('openRecord', {
      patientId: patient.id,
      recordId: added[0]!.record.recordId,
    });
    const study = loadStudy(opened.files);
    expect(study.errors).toEqual([]);
    const found = findRegistration(
      study.registrations.flatMap(registrationsFromObject),
      PRIOR,
      CURRENT,
    );
    expect(found?.origin).toMatchObject({ kind: 'dicom-reg', creatorName: 'Chen^Clara' });
    found!.transform.matrix.forEach((v, i) =>
      expect(v).toBeCloseTo(registration.transform.matrix[i] as number, 6),
    );
    await B.signOut();
  });
});
