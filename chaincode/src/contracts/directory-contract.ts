import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { requireAdminOf } from '../auth/caller';
import { conflict, forbidden, invalidArgument, notFound } from '../errors';
import { applyChange } from '../ledger/change';
import { canonicalJson } from '../ledger/canonical-json';
import { buildEvent, EventName } from '../ledger/events';
import { KeyType, keys } from '../ledger/keys';
import { exists, readRange, readText } from '../ledger/state';
import { txTimeIso, txTimeMillis } from '../ledger/tx-time';
import type { DirectoryUser } from '../model/user';
import { mayReadPatientEntry } from '../policy/directory-access';
import { readUser } from '../stores/user-store';
import {
  parseAnyUserId,
  parseMspId,
  parseRole,
  parseSha256Hex,
  parseUserId,
  USER_ID_PREFIX,
} from '../validation/ids';
import { parseDisplayText, requireString } from '../validation/primitives';
import { parseEncryptionPublicKey } from '../validation/public-key';

const MAX_DISPLAY_NAME = 120;
const MAX_DEPARTMENT = 120;

@Info({
  title: 'Directory',
  description: 'Users of each hospital: role, certificate, encryption key',
})
export class DirectoryContract extends EhrContract {
  constructor() {
    super('Directory');
  }

  /**
   * An administrator registers a user of his own hospital. Patients are registered under a
   * pseudonym with no name or department; caregivers and admins need both.
   */
  @Transaction()
  @Returns('string')
  async registerUser(
    ctx: Context,
    userId: string,
    role: string,
    mspId: string,
    certFingerprint: string,
    encryptionPublicKeyPem: string,
    displayName: string,
    department: string,
  ): Promise<string> {
    const parsedRole = parseRole('role', role);
    const parsedUserId = parseUserId('userId', userId, parsedRole);
    const parsedMspId = parseMspId('mspId', mspId);
    const fingerprint = parseSha256Hex('certFingerprint', certFingerprint);
    const encryptionKey = parseEncryptionPublicKey(
      'encryptionPublicKeyPem',
      encryptionPublicKeyPem,
    );
    const names = parseNames(parsedRole, displayName, department);

    requireAdminOf(ctx, parsedMspId);

    if (await exists(ctx, keys.user(ctx, parsedUserId))) {
      throw conflict('userId', `user ${parsedUserId} is already registered`);
    }
    const certificateOwner = await readText(ctx, keys.userByCertificate(ctx, fingerprint));
    if (certificateOwner !== null) {
      throw conflict(
        'certFingerprint',
        `this certificate is already registered to user ${certificateOwner}`,
      );
    }

    const user: DirectoryUser = {
      userId: parsedUserId,
      role: parsedRole,
      mspId: parsedMspId,
      certFingerprint: fingerprint,
      encryptionPublicKey: encryptionKey.pem,
      encryptionKeyType: encryptionKey.type,
      encryptionKeyBits: encryptionKey.bits,
      displayName: names.displayName,
      department: names.department,
      registeredAt: txTimeIso(ctx),
      registeredBy: ctx.clientIdentity.getID(),
      txId: ctx.stub.getTxID(),
    };
    const writes = [
      { key: keys.user(ctx, user.userId), json: user },
      { key: keys.userByCertificate(ctx, fingerprint), text: user.userId },
      ...(user.role === 'caregiver'
        ? [{ key: keys.caregiverByHospital(ctx, user.mspId, user.userId), text: user.userId }]
        : []),
    ];
    await applyChange(ctx, writes, buildEvent(ctx, EventName.userRegistered, null));
    return canonicalJson(user);
  }

  /**
   * One user by id, e.g. to fetch a caregiver's or patient's public encryption key.
   * Caregivers and admins are answered to every channel member; a patient only to those
   * policy/directory-access.ts names, and to anyone else it is refused the same whether the
   * pseudonym exists or not.
   */
  @Transaction(false)
  @Returns('string')
  async getUser(ctx: Context, userId: string): Promise<string> {
    const id = parseAnyUserId('userId', userId);
    const user = await readUser(ctx, id);
    if (id.startsWith(USER_ID_PREFIX.patient)) {
      if (!user || !(await mayReadPatientEntry(ctx, user, txTimeMillis(ctx)))) {
        throw forbidden(
          'patient-directory-entry',
          `the directory entry of patient ${id} is only for the patient, administrators of his hospital and caregivers he has granted`,
        );
      }
    }
    if (!user) throw notFound('userId', `no user ${id} in the directory`);
    return canonicalJson(user);
  }

  /**
   * Caregivers patients can share with, ordered by hospital then id. An empty mspId lists
   * every hospital's caregivers; otherwise only that hospital's.
   */
  @Transaction(false)
  @Returns('string')
  async listCaregivers(ctx: Context, mspId: string): Promise<string> {
    const filter = requireString('mspId', mspId) === '' ? [] : [parseMspId('mspId', mspId)];
    const index = await readRange(ctx, KeyType.caregiverByHospital, filter);
    const caregivers: DirectoryUser[] = [];
    for (const entry of index) {
      const user = await readUser(ctx, entry.attributes[1] ?? '');
      if (user) caregivers.push(user);
    }
    return canonicalJson(caregivers);
  }
}

function parseNames(
  role: DirectoryUser['role'],
  displayName: unknown,
  department: unknown,
): { displayName: string | null; department: string | null } {
  if (role === 'patient') {
    // A patient's name on the ledger would link the pseudonym to the person.
    if (requireString('displayName', displayName) !== '') {
      throw invalidArgument('displayName', 'must be empty for patients: no names go on the ledger');
    }
    if (requireString('department', department) !== '') {
      throw invalidArgument('department', 'must be empty for patients');
    }
    return { displayName: null, department: null };
  }
  return {
    displayName: parseDisplayText('displayName', displayName, MAX_DISPLAY_NAME),
    department: parseDisplayText('department', department, MAX_DEPARTMENT),
  };
}
