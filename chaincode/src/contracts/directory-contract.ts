import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { ADMIN_ATTRIBUTE, requireAdminOf } from '../auth/caller';
import { certificateFingerprint } from '../auth/certificate-fingerprint';
import { conflict, forbidden, invalidArgument, notFound } from '../errors';
import { applyChange, type StateWrite } from '../ledger/change';
import { canonicalJson } from '../ledger/canonical-json';
import { buildEvent, EventName } from '../ledger/events';
import { KeyType, keys } from '../ledger/keys';
import { exists, readRange, readText } from '../ledger/state';
import { toIsoTime, txTimeIso, txTimeMillis } from '../ledger/tx-time';
import { isCurrentOrUpcoming, type RevokeEntry } from '../model/permission-entry';
import { isRevoked, type DirectoryUser } from '../model/user';
import { mayReadPatientEntry } from '../policy/directory-access';
import {
  appendEntryWrites,
  categoryPointerWrites,
  readCaregiverCategoryEntries,
  readLogLength,
} from '../stores/permission-store';
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
      status: 'active',
    };
    const writes = [
      { key: keys.user(ctx, user.userId), json: user },
      { key: keys.userByCertificate(ctx, fingerprint), text: user.userId },
      { key: keys.userByHospital(ctx, user.mspId, user.userId), text: user.userId },
      ...(user.role === 'caregiver'
        ? [{ key: keys.caregiverByHospital(ctx, user.mspId, user.userId), text: user.userId }]
        : []),
    ];
    await applyChange(ctx, writes, buildEvent(ctx, EventName.userRegistered, null));
    return canonicalJson(user);
  }

  /**
   * An administrator revokes a user of his own hospital (not himself): the entry is marked
   * revoked, his certificate is refused before every later call (EhrContract), and each grant
   * a patient gave him that is in force or upcoming ends now with an entry in that patient's
   * history (kind 'revoke', cause 'caregiver-revoked'), so the patient sees why his access
   * ended. The CA revocation of the certificate is the workstation's step before this one.
   */
  @Transaction()
  @Returns('string')
  async revokeUser(ctx: Context, userId: string): Promise<string> {
    const id = parseAnyUserId('userId', userId);
    const now = txTimeMillis(ctx);
    const user = await readUser(ctx, id);
    // The same refusal whether the id exists or not, for anyone not an admin: a patient's
    // pseudonym must not be probed through this call.
    const role = ctx.clientIdentity.getAttributeValue(ADMIN_ATTRIBUTE.name);
    if (role !== ADMIN_ATTRIBUTE.value || !user) {
      requireAdminOf(ctx, ctx.clientIdentity.getMSPID(), 'revoke');
      throw notFound('userId', `no user ${id} in the directory`);
    }
    requireAdminOf(ctx, user.mspId, 'revoke');
    if (certificateFingerprint(ctx.clientIdentity.getIDBytes()) === user.certFingerprint) {
      throw forbidden(
        'admin-not-self',
        `an administrator cannot revoke himself; another administrator of ${user.mspId} must`,
      );
    }
    if (isRevoked(user)) {
      throw conflict('userId', `user ${id} was already revoked at ${user.revokedAt ?? '?'}`);
    }
    const revoked: DirectoryUser = {
      ...user,
      status: 'revoked',
      revokedAt: toIsoTime(now),
      revokedBy: ctx.clientIdentity.getID(),
    };
    const writes: StateWrite[] = [
      { key: keys.user(ctx, id), json: revoked },
      { key: keys.revokedCertificate(ctx, user.certFingerprint), text: id },
      ...(user.role === 'caregiver' ? await endGrantsOf(ctx, id, now) : []),
    ];
    await applyChange(ctx, writes, buildEvent(ctx, EventName.userRevoked, null));
    return canonicalJson(revoked);
  }

  /** Every user of the administrator's own hospital, by id (patients as pseudonyms only). */
  @Transaction(false)
  @Returns('string')
  async listUsers(ctx: Context, mspId: string): Promise<string> {
    const hospital = parseMspId('mspId', mspId);
    requireAdminOf(ctx, hospital, 'list');
    const index = await readRange(ctx, KeyType.userByHospital, [hospital]);
    const users: DirectoryUser[] = [];
    for (const entry of index) {
      const user = await readUser(ctx, entry.attributes[1] ?? '');
      if (user) users.push(user);
    }
    return canonicalJson(users);
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
      // A revoked caregiver is no one a patient can share with.
      if (user && !isRevoked(user)) caregivers.push(user);
    }
    return canonicalJson(caregivers);
  }
}

/**
 * The revoke entries that end, now, every grant in force or upcoming the caregiver holds,
 * numbered after each patient's log (a transaction does not read its own writes, so the
 * sequence is counted here).
 */
async function endGrantsOf(ctx: Context, caregiverId: string, now: number): Promise<StateWrite[]> {
  const nowIso = toIsoTime(now);
  const nextSeq = new Map<string, number>();
  const writes: StateWrite[] = [];
  for (const current of await readCaregiverCategoryEntries(ctx, caregiverId)) {
    if (current.kind !== 'grant' || !isCurrentOrUpcoming(current, now)) continue;
    const seq = nextSeq.get(current.patientId) ?? (await readLogLength(ctx, current.patientId));
    nextSeq.set(current.patientId, seq + 1);
    const entry: RevokeEntry = {
      kind: 'revoke',
      patientId: current.patientId,
      seq,
      caregiverId,
      category: current.category,
      validFrom: Date.parse(current.validFrom) < now ? current.validFrom : nowIso,
      validTo: nowIso,
      read: current.read,
      write: current.write,
      revokesSeq: current.seq,
      recordedAt: nowIso,
      txId: ctx.stub.getTxID(),
      breakGlass: false,
      cause: 'caregiver-revoked',
    };
    writes.push(...appendEntryWrites(ctx, entry), ...categoryPointerWrites(ctx, entry));
  }
  // appendEntryWrites wrote each patient's length once per entry; the last one stands.
  return writes;
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
