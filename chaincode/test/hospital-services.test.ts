import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HospitalServicesContract } from '../src/contracts/hospital-services-contract';
import type { RecordGatewayEntry } from '../src/model/record-gateway-entry';
import { ecEncryptionKeyPem, rsaEncryptionKeyPem } from './support/certificates';
import { HOSPITAL_A, HOSPITAL_B, World } from './support/world';

describe('HospitalServices record gateways', () => {
  const contract = new HospitalServicesContract();

  it("lets each hospital's administrator publish his own gateway, listed to every member", async () => {
    const world = await World.create();
    const a = await world.net.submit<RecordGatewayEntry>(world.adminA, (ctx) =>
      contract.publishRecordGateway(
        ctx,
        'https://records.hospital-a.example/',
        'hospital-a-records',
        ecEncryptionKeyPem(),
      ),
    );
    assert.equal(a.mspId, HOSPITAL_A);
    assert.equal(a.url, 'https://records.hospital-a.example');
    assert.equal(a.publishedAt, world.net.nowIso);
    world.net.assertLastEvent('RecordGatewayPublished', null);
    await world.net.submit(world.adminB, (ctx) =>
      contract.publishRecordGateway(
        ctx,
        'http://127.0.0.1:17081',
        'hospital-b-records',
        ecEncryptionKeyPem(),
      ),
    );
    const patient = await world.registerPatient(HOSPITAL_A);
    const listed = await world.net.evaluate<RecordGatewayEntry[]>(patient.identity, (ctx) =>
      contract.listRecordGateways(ctx),
    );
    assert.deepEqual(
      listed.map((g) => [g.mspId, g.url, g.bucket]),
      [
        [HOSPITAL_A, 'https://records.hospital-a.example', 'hospital-a-records'],
        [HOSPITAL_B, 'http://127.0.0.1:17081', 'hospital-b-records'],
      ],
    );
  });

  it('moves a gateway when its hospital publishes it again', async () => {
    const world = await World.create();
    for (const url of ['https://old.hospital-a.example', 'https://new.hospital-a.example']) {
      await world.net.submit(world.adminA, (ctx) =>
        contract.publishRecordGateway(ctx, url, 'hospital-a-records', ecEncryptionKeyPem()),
      );
    }
    const listed = await world.net.evaluate<RecordGatewayEntry[]>(world.adminB, (ctx) =>
      contract.listRecordGateways(ctx),
    );
    assert.deepEqual(
      listed.map((g) => g.url),
      ['https://new.hospital-a.example'],
    );
  });

  it("refuses non-administrators, another hospital's bucket and malformed addresses, writing nothing", async () => {
    const world = await World.create();
    await world.net.submit(world.adminA, (ctx) =>
      contract.publishRecordGateway(
        ctx,
        'https://records.hospital-a.example',
        'hospital-a-records',
        ecEncryptionKeyPem(),
      ),
    );
    const caregiver = await world.registerCaregiver(HOSPITAL_B);
    await world.net.refused(
      caregiver.identity,
      (ctx) =>
        contract.publishRecordGateway(
          ctx,
          'https://evil.example',
          'hospital-b-records',
          ecEncryptionKeyPem(),
        ),
      /^FORBIDDEN\(admin-role\)/,
    );
    await world.net.refused(
      world.adminB,
      (ctx) =>
        contract.publishRecordGateway(
          ctx,
          'https://records.hospital-b.example',
          'hospital-a-records',
          ecEncryptionKeyPem(),
        ),
      /^CONFLICT\(bucket\).*HospitalAMSP/,
    );
    for (const url of [
      'ftp://records.example',
      'https://records.example/?x=1',
      'records.example',
    ]) {
      await world.net.refused(
        world.adminB,
        (ctx) =>
          contract.publishRecordGateway(ctx, url, 'hospital-b-records', ecEncryptionKeyPem()),
        /^INVALID_ARGUMENT\(url\)/,
      );
    }
    await world.net.refused(
      world.adminB,
      (ctx) =>
        contract.publishRecordGateway(
          ctx,
          'https://records.hospital-b.example',
          'Bad_Bucket',
          ecEncryptionKeyPem(),
        ),
      /^INVALID_ARGUMENT\(bucket\)/,
    );
    await world.net.refused(
      world.adminB,
      (ctx) =>
        contract.publishRecordGateway(
          ctx,
          'https://records.hospital-b.example',
          'hospital-b-records',
          rsaEncryptionKeyPem(),
        ),
      /^INVALID_ARGUMENT\(emergencyPublicKeyPem\).*P-256/,
    );
  });
});
