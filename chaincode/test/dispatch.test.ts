/**
 * Through fabric-shim's own contract router and its real ClientIdentity (which parses the
 * signer's X.509 certificate and Fabric CA attributes), as the peer's calls arrive at
 * src/server.ts. Only the stub is a test double.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChaincodeResponse, ChaincodeStub } from 'fabric-shim';
import { createChaincode, INTERFACE_VERSION } from '../src/chaincode';
import type { GrantEntry } from '../src/model/permission-entry';
import type { DirectoryUser } from '../src/model/user';
import { createTestIdentity, ecEncryptionKeyPem, fingerprintOf } from './support/certificates';
import {
  ChaincodeStubTestDouble,
  InMemoryLedger,
  type TestIdentity,
} from './support/ledger-test-double';
import { DAY, HOSPITAL_A, HOSPITAL_B, randomId } from './support/world';

// Calls are dated now: the contracts refuse a timestamp far from the chaincode's clock.
const START = Date.now();

class ShimHarness {
  readonly ledger = new InMemoryLedger();
  readonly chaincode = createChaincode();
  private count = 0;
  /** The proposal timestamp the next calls carry. */
  timestampMillis = START;

  async invoke(
    identity: TestIdentity,
    fn: string,
    ...args: string[]
  ): Promise<{ response: ChaincodeResponse; stub: ChaincodeStubTestDouble }> {
    const stub = new ChaincodeStubTestDouble(this.ledger, {
      txId: (++this.count).toString(16).padStart(64, '0'),
      timestampMillis: this.timestampMillis,
      creator: { mspid: identity.mspId, idBytes: Buffer.from(identity.certificatePem, 'utf8') },
      args: [fn, ...args],
    });
    const response = await this.chaincode.Invoke(stub as unknown as ChaincodeStub);
    if (response.status === 200) stub.commit();
    return { response, stub };
  }

  async ok<T>(identity: TestIdentity, fn: string, ...args: string[]): Promise<T> {
    const { response } = await this.invoke(identity, fn, ...args);
    assert.equal(response.status, 200, `${fn} failed: ${response.message}`);
    return JSON.parse(payloadText(response)) as T;
  }
}

const payloadText = (response: ChaincodeResponse): string =>
  Buffer.from(response.payload ?? []).toString('utf8');
const messageOf = (response: ChaincodeResponse): string => response.message ?? '';

describe('through the fabric-shim contract router', () => {
  it('publishes every contract and function in the contract metadata', async () => {
    const shim = new ShimHarness();
    const anyone = await createTestIdentity('anyone', HOSPITAL_A);
    const metadata = await shim.ok<{
      info: { version: string };
      contracts: Record<
        string,
        {
          transactions: Array<{
            name: string;
            tag?: string[];
            parameters?: Array<{ name: string }>;
          }>;
        }
      >;
    }>(anyone, 'org.hyperledger.fabric:GetMetadata');
    assert.equal(metadata.info.version, INTERFACE_VERSION);
    const functions = Object.fromEntries(
      Object.entries(metadata.contracts).map(([name, contract]) => [
        name,
        contract.transactions.map((t) => `${t.name}:${t.tag?.[0] ?? 'built-in'}`).sort(),
      ]),
    );
    assert.deepEqual(functions, {
      Directory: [
        'getUser:EVALUATE',
        'listCaregivers:EVALUATE',
        'listUsers:EVALUATE',
        'registerUser:SUBMIT',
        'revokeUser:SUBMIT',
      ],
      Permissions: [
        'getHistory:EVALUATE',
        'grant:SUBMIT',
        'listCurrent:EVALUATE',
        'listReaders:EVALUATE',
        'listSharedWithMe:EVALUATE',
        'revoke:SUBMIT',
      ],
      Records: ['addRecord:SUBMIT', 'listRecords:EVALUATE'],
      AccessLog: ['listDisclosures:EVALUATE', 'recordDownload:SUBMIT'],
      BreakGlass: [
        'acknowledge:SUBMIT',
        'getPolicy:EVALUATE',
        'listForPatient:EVALUATE',
        'listForReview:EVALUATE',
        'listMine:EVALUATE',
        'open:SUBMIT',
        'review:SUBMIT',
      ],
      RecordGateway: ['authorizeRead:EVALUATE', 'authorizeWrite:EVALUATE'],
      HospitalServices: ['listRecordGateways:EVALUATE', 'publishRecordGateway:SUBMIT'],
      'org.hyperledger.fabric': ['GetMetadata:built-in'],
    });
    const grant = metadata.contracts.Permissions?.transactions.find((t) => t.name === 'grant');
    assert.deepEqual(
      grant?.parameters?.map((p) => p.name),
      ['patientId', 'caregiverId', 'category', 'validFrom', 'validTo', 'read', 'write'],
    );
  });

  it('refuses a call dated too far from the clock, before any rule runs, queries included', async () => {
    const shim = new ShimHarness();
    const anyone = await createTestIdentity('anyone', HOSPITAL_A);
    const minute = 60_000;
    for (const [offset, direction] of [
      [-10 * minute, 'behind'],
      [10 * minute, 'ahead of'],
    ] as const) {
      shim.timestampMillis = Date.now() + offset;
      const { response, stub } = await shim.invoke(anyone, 'BreakGlass:getPolicy');
      assert.notEqual(response.status, 200);
      assert.match(
        messageOf(response),
        new RegExp(
          `^INVALID_ARGUMENT\\(txTimestamp\\): the transaction is dated ${new Date(shim.timestampMillis).toISOString()}, (599|600|601) s ${direction} the ledger's clock \\(.+\\); at most 300 s is accepted: check the computer's clock$`,
        ),
      );
      assert.equal(stub.trace.writes.size, 0);
    }
    shim.timestampMillis = Date.now() - 4 * minute; // a slow clock inside the tolerance
    const policy = await shim.ok<{ maxHours: number }>(anyone, 'BreakGlass:getPolicy');
    assert.equal(policy.maxHours, 4);
  });

  it('refuses every call a revoked certificate signs, before the function runs, queries included', async () => {
    const shim = new ShimHarness();
    const adminB = await createTestIdentity('admin.hospital-b', HOSPITAL_B, { role: 'admin' });
    const card = await createTestIdentity('Dr. Leaving', HOSPITAL_B);
    const id = randomId('cg-');
    await shim.ok(
      adminB,
      'Directory:registerUser',
      id,
      'caregiver',
      HOSPITAL_B,
      fingerprintOf(card),
      ecEncryptionKeyPem(),
      'Dr. Leaving',
      'Oncology',
    );
    await shim.ok(card, 'Permissions:listSharedWithMe');
    await shim.ok(adminB, 'Directory:revokeUser', id);
    for (const fn of ['Permissions:listSharedWithMe', 'BreakGlass:getPolicy']) {
      const { response, stub } = await shim.invoke(card, fn);
      assert.notEqual(response.status, 200);
      assert.match(
        messageOf(response),
        /^FORBIDDEN\(revoked-signer\): user cg-[0-9a-f]{32} was revoked/,
      );
      assert.equal(stub.trace.writes.size, 0);
    }
  });

  it('recognises the admin attribute in a real Fabric-CA-style certificate and runs a grant end to end', async () => {
    const shim = new ShimHarness();
    const adminA = await createTestIdentity('admin.hospital-a', HOSPITAL_A, {
      role: 'admin',
      'hf.EnrollmentID': 'admin',
    });
    const adminB = await createTestIdentity('admin.hospital-b', HOSPITAL_B, { role: 'admin' });
    const patientCard = await createTestIdentity('patient card', HOSPITAL_A);
    const doctorCard = await createTestIdentity('Dr. Shim', HOSPITAL_B);
    const patientId = randomId('pat-');
    const caregiverId = randomId('cg-');

    const patient = await shim.ok<DirectoryUser>(
      adminA,
      'Directory:registerUser',
      patientId,
      'patient',
      HOSPITAL_A,
      fingerprintOf(patientCard),
      ecEncryptionKeyPem(),
      '',
      '',
    );
    assert.match(patient.registeredBy, /^x509::.*CN=admin\.hospital-a.*::/);
    await shim.ok(
      adminB,
      'Directory:registerUser',
      caregiverId,
      'caregiver',
      HOSPITAL_B,
      fingerprintOf(doctorCard),
      ecEncryptionKeyPem(),
      'Dr. Shim',
      'RT',
    );

    const to = new Date(START + DAY).toISOString();
    const { response, stub } = await shim.invoke(
      patientCard,
      'Permissions:grant',
      patientId,
      caregiverId,
      'dose',
      new Date(START).toISOString(),
      to,
      'true',
      'false',
    );
    assert.equal(response.status, 200, response.message);
    const entry = JSON.parse(payloadText(response)) as GrantEntry;
    assert.equal(entry.validTo, to);
    assert.equal(stub.trace.event?.name, 'PermissionGranted');
  });

  it("returns the chaincode's reason as the error message, and writes nothing", async () => {
    const shim = new ShimHarness();
    const notAdmin = await createTestIdentity('clerk', HOSPITAL_A, { role: 'clerk' });
    const card = await createTestIdentity('card', HOSPITAL_A);
    const { response, stub } = await shim.invoke(
      notAdmin,
      'Directory:registerUser',
      randomId('pat-'),
      'patient',
      HOSPITAL_A,
      fingerprintOf(card),
      ecEncryptionKeyPem(),
      '',
      '',
    );
    assert.equal(response.status, 500);
    assert.equal(
      response.message,
      'FORBIDDEN(admin-role): registering users needs certificate attribute role=admin; the signer has role=clerk',
    );
    assert.equal(stub.trace.writes.size, 0);
    assert.equal(shim.ledger.state.size, 0);
  });

  it('refuses a wrong number of arguments and unknown functions before any contract code runs', async () => {
    const shim = new ShimHarness();
    const anyone = await createTestIdentity('anyone', HOSPITAL_A);
    const tooFew = await shim.invoke(anyone, 'Directory:getUser');
    assert.equal(tooFew.response.status, 500);
    assert.match(messageOf(tooFew.response), /Expected 1 parameters, but 0 have been supplied/);
    const unknown = await shim.invoke(anyone, 'Permissions:deleteEverything');
    assert.equal(unknown.response.status, 500);
    assert.match(messageOf(unknown.response), /deleteEverything/);
  });
});
