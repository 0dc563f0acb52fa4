import { randomBytes } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import type { EhrContract } from '../../src/contracts/ehr-contract';
import { AccessLogContract } from '../../src/contracts/access-log-contract';
import { BreakGlassContract } from '../../src/contracts/break-glass-contract';
import { DirectoryContract } from '../../src/contracts/directory-contract';
import { PermissionsContract } from '../../src/contracts/permissions-contract';
import { RecordsContract } from '../../src/contracts/records-contract';
import type { BreakGlassPolicy, ClockPolicy } from '../../src/config';
import type { Category } from '../../src/validation/categories';
import type { GrantEntry, PermissionEntry } from '../../src/model/permission-entry';
import type { RecordMetadata } from '../../src/model/record-metadata';
import type { DirectoryUser } from '../../src/model/user';
import { createTestIdentity, ecEncryptionKeyPem, fingerprintOf } from './certificates';
import type { TestIdentity } from './ledger-test-double';
import { TestNetwork } from './test-network';

export const HOSPITAL_A = 'HospitalAMSP';
export const HOSPITAL_B = 'HospitalBMSP';

export interface RegisteredUser {
  id: string;
  identity: TestIdentity;
  user: DirectoryUser;
}

export const randomId = (prefix: 'pat-' | 'cg-' | 'adm-'): string =>
  prefix + randomBytes(16).toString('hex');

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * Two hospitals with an administrator each, the five contracts, and shortcuts for the steps
 * most tests take before the one they are about.
 */
export class World {
  readonly net = new TestNetwork();
  readonly directory = new DirectoryContract();
  readonly permissions = new PermissionsContract();
  readonly records = new RecordsContract();
  readonly accessLog = new AccessLogContract();
  readonly breakGlass: BreakGlassContract;

  private constructor(
    readonly adminA: TestIdentity,
    readonly adminB: TestIdentity,
    policy: BreakGlassPolicy,
  ) {
    this.breakGlass = new BreakGlassContract(policy);
  }

  static async create(policy: Partial<BreakGlassPolicy> = {}): Promise<World> {
    return new World(
      await createTestIdentity('admin.hospital-a', HOSPITAL_A, { role: 'admin' }),
      await createTestIdentity('admin.hospital-b', HOSPITAL_B, { role: 'admin' }),
      { maxHours: 4, minReasonLength: 20, maxReasonLength: 1000, minReasonWords: 3, ...policy },
    );
  }

  /**
   * A call as fabric-contract-api routes it: the contract's beforeTransaction first (clock,
   * revoked signer), then the function.
   */
  guarded(
    contract: EhrContract,
    call: (ctx: Context) => Promise<string>,
  ): (ctx: Context) => Promise<string> {
    // The test network's clock stands in for the chaincode process's (EhrContract#clock).
    (contract as unknown as { clock: ClockPolicy }).clock = {
      toleranceMillis: 300_000,
      nowMillis: () => this.net.nowMillis,
    };
    return async (ctx) => {
      await contract.beforeTransaction(ctx);
      return call(ctx);
    };
  }

  /** The hospital's admin revokes a user, as Directory:revokeUser. */
  revokeUser(user: RegisteredUser, admin = this.adminOf(user.user.mspId)): Promise<DirectoryUser> {
    return this.net.submit<DirectoryUser>(
      admin,
      this.guarded(this.directory, (ctx) => this.directory.revokeUser(ctx, user.id)),
    );
  }

  adminOf(mspId: string): TestIdentity {
    return mspId === HOSPITAL_A ? this.adminA : this.adminB;
  }

  async registerPatient(mspId = HOSPITAL_A, id = randomId('pat-')): Promise<RegisteredUser> {
    const identity = await createTestIdentity(`patient-card-${id.slice(4, 12)}`, mspId);
    const user = await this.net.submit<DirectoryUser>(this.adminOf(mspId), (ctx) =>
      this.directory.registerUser(
        ctx,
        id,
        'patient',
        mspId,
        fingerprintOf(identity),
        ecEncryptionKeyPem(),
        '',
        '',
      ),
    );
    return { id, identity, user };
  }

  async registerCaregiver(
    mspId = HOSPITAL_B,
    displayName = 'Dr. Ada Example',
    department = 'Radiation Oncology',
  ): Promise<RegisteredUser> {
    const id = randomId('cg-');
    const identity = await createTestIdentity(displayName, mspId);
    const user = await this.net.submit<DirectoryUser>(this.adminOf(mspId), (ctx) =>
      this.directory.registerUser(
        ctx,
        id,
        'caregiver',
        mspId,
        fingerprintOf(identity),
        ecEncryptionKeyPem(),
        displayName,
        department,
      ),
    );
    return { id, identity, user };
  }

  grant(
    patient: RegisteredUser,
    caregiver: RegisteredUser,
    options: {
      category?: Category;
      from?: string;
      to?: string;
      read?: boolean;
      write?: boolean;
    } = {},
  ): Promise<GrantEntry> {
    return this.net.submit<GrantEntry>(patient.identity, (ctx) =>
      this.permissions.grant(
        ctx,
        patient.id,
        caregiver.id,
        options.category ?? 'dose',
        options.from ?? this.net.at(0),
        options.to ?? this.net.at(7 * DAY),
        String(options.read ?? true),
        String(options.write ?? false),
      ),
    );
  }

  revoke(
    patient: RegisteredUser,
    caregiver: RegisteredUser,
    category: Category = 'dose',
  ): Promise<PermissionEntry> {
    return this.net.submit<PermissionEntry>(patient.identity, (ctx) =>
      this.permissions.revoke(ctx, patient.id, caregiver.id, category),
    );
  }

  addRecord(
    uploader: RegisteredUser,
    patient: RegisteredUser,
    category: Category = 'dose',
  ): Promise<RecordMetadata> {
    const object = randomBytes(8).toString('hex');
    return this.net.submit<RecordMetadata>(uploader.identity, (ctx) =>
      this.records.addRecord(
        ctx,
        patient.id,
        category,
        `s3://ehr-hospital-a/objects/${object}`,
        randomBytes(32).toString('hex'),
        '1048576',
        'application/dicom',
        `s3://ehr-hospital-a/envelopes/${object}.json`,
      ),
    );
  }

  openBreakGlass(
    caregiver: RegisteredUser,
    patient: RegisteredUser,
    hours = 2,
  ): Promise<PermissionEntry> {
    return this.net.submit<PermissionEntry>(caregiver.identity, (ctx) =>
      this.breakGlass.open(
        ctx,
        patient.id,
        'Unconscious patient in emergency department, prior RT dose needed',
        String(hours),
      ),
    );
  }
}
