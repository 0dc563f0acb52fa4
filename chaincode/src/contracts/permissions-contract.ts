import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { identifyCaller, requireCaregiver, requirePatientSelf } from '../auth/caller';
import { conflict, forbidden, invalidArgument, notFound } from '../errors';
import { applyChange } from '../ledger/change';
import { canonicalJson } from '../ledger/canonical-json';
import { buildEvent, EventName } from '../ledger/events';
import { toIsoTime, txTimeMillis } from '../ledger/tx-time';
import {
  isCurrentOrUpcoming,
  type GrantEntry,
  type PermissionEntry,
  type RevokeEntry,
} from '../model/permission-entry';
import {
  appendEntryWrites,
  categoryPointerWrites,
  readCaregiverCategoryEntries,
  readCategoryEntry,
  readHistory,
  readLogLength,
  readPatientBreakGlassEntries,
  readPatientCategoryEntries,
} from '../stores/permission-store';
import { isRevoked } from '../model/user';
import { readUser } from '../stores/user-store';
import { findWriteGrant } from '../policy/caregiver-access';
import { parseCategory } from '../validation/categories';
import { parseCaregiverId, parsePatientId } from '../validation/ids';
import { parseBoolean, parseUtcTime } from '../validation/primitives';

@Info({
  title: 'Permissions',
  description: "A patient's grants and revocations, with full history",
})
export class PermissionsContract extends EhrContract {
  constructor() {
    super('Permissions');
  }

  /**
   * The patient lets a caregiver read and/or write one category during [validFrom, validTo).
   * It replaces whatever entry that caregiver had for that category.
   */
  @Transaction()
  @Returns('string')
  async grant(
    ctx: Context,
    patientId: string,
    caregiverId: string,
    category: string,
    validFrom: string,
    validTo: string,
    read: string,
    write: string,
  ): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const caregiver = parseCaregiverId('caregiverId', caregiverId);
    const parsedCategory = parseCategory('category', category);
    const from = parseUtcTime('validFrom', validFrom);
    const to = parseUtcTime('validTo', validTo);
    const canRead = parseBoolean('read', read);
    const canWrite = parseBoolean('write', write);
    const now = txTimeMillis(ctx);
    if (to <= from) throw invalidArgument('validTo', 'must be later than validFrom');
    if (to <= now)
      throw invalidArgument(
        'validTo',
        `must be in the future (transaction time is ${toIsoTime(now)})`,
      );
    if (!canRead && !canWrite)
      throw invalidArgument('read', 'a grant must give read or write; use revoke to end access');

    await requirePatientSelf(ctx, patient, 'change these permissions');
    const grantee = await readUser(ctx, caregiver);
    if (!grantee || grantee.role !== 'caregiver') {
      throw notFound('caregiverId', `no caregiver ${caregiver} in the directory`);
    }
    if (isRevoked(grantee)) {
      throw conflict(
        'caregiverId',
        `caregiver ${caregiver} was revoked by his hospital at ${grantee.revokedAt ?? '?'}`,
      );
    }

    const previous = await readCategoryEntry(ctx, patient, caregiver, parsedCategory);
    const entry: GrantEntry = {
      kind: 'grant',
      patientId: patient,
      seq: await readLogLength(ctx, patient),
      caregiverId: caregiver,
      category: parsedCategory,
      validFrom: toIsoTime(from),
      validTo: toIsoTime(to),
      read: canRead,
      write: canWrite,
      supersedesSeq: previous ? previous.seq : null,
      recordedAt: toIsoTime(now),
      txId: ctx.stub.getTxID(),
      breakGlass: false,
    };
    const writes = [...appendEntryWrites(ctx, entry), ...categoryPointerWrites(ctx, entry)];
    await applyChange(ctx, writes, buildEvent(ctx, EventName.permissionGranted, patient));
    return canonicalJson(entry);
  }

  /**
   * The patient ends a caregiver's access to one category now: a new entry with the same
   * rights whose window ends at the transaction time. A grant that had not started yet ends
   * before it begins.
   */
  @Transaction()
  @Returns('string')
  async revoke(
    ctx: Context,
    patientId: string,
    caregiverId: string,
    category: string,
  ): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const caregiver = parseCaregiverId('caregiverId', caregiverId);
    const parsedCategory = parseCategory('category', category);
    const now = txTimeMillis(ctx);

    await requirePatientSelf(ctx, patient, 'change these permissions');
    const current = await readCategoryEntry(ctx, patient, caregiver, parsedCategory);
    if (!current || current.kind !== 'grant' || !isCurrentOrUpcoming(current, now)) {
      throw conflict(
        'category',
        `caregiver ${caregiver} has no current or upcoming ${parsedCategory} permission to revoke`,
      );
    }
    const nowIso = toIsoTime(now);
    const entry: RevokeEntry = {
      kind: 'revoke',
      patientId: patient,
      seq: await readLogLength(ctx, patient),
      caregiverId: caregiver,
      category: parsedCategory,
      validFrom: Date.parse(current.validFrom) < now ? current.validFrom : nowIso,
      validTo: nowIso,
      read: current.read,
      write: current.write,
      revokesSeq: current.seq,
      recordedAt: nowIso,
      txId: ctx.stub.getTxID(),
      breakGlass: false,
    };
    const writes = [...appendEntryWrites(ctx, entry), ...categoryPointerWrites(ctx, entry)];
    await applyChange(ctx, writes, buildEvent(ctx, EventName.permissionRevoked, patient));
    return canonicalJson(entry);
  }

  /**
   * The patient's permissions in force now or later, including open break-glass sessions,
   * in history order.
   */
  @Transaction(false)
  @Returns('string')
  async listCurrent(ctx: Context, patientId: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    await requirePatientSelf(ctx, patient, 'list these permissions');
    const now = txTimeMillis(ctx);
    const entries: PermissionEntry[] = [
      ...(await readPatientCategoryEntries(ctx, patient)),
      ...(await readPatientBreakGlassEntries(ctx, patient)),
    ];
    const current = entries
      .filter((entry) => isCurrentOrUpcoming(entry, now))
      .sort((a, b) => a.seq - b.seq);
    return canonicalJson(current);
  }

  /** Every grant, revoke and break-glass entry of the patient, oldest first. */
  @Transaction(false)
  @Returns('string')
  async getHistory(ctx: Context, patientId: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    await requirePatientSelf(ctx, patient, 'read this permission history');
    return canonicalJson(await readHistory(ctx, patient));
  }

  /**
   * For the calling caregiver: the grants in force now or later that patients gave him,
   * ordered by patient then category.
   */
  @Transaction(false)
  @Returns('string')
  async listSharedWithMe(ctx: Context): Promise<string> {
    const caller = await requireCaregiver(ctx, 'list what patients shared with them');
    const now = txTimeMillis(ctx);
    const entries = await readCaregiverCategoryEntries(ctx, caller.userId);
    return canonicalJson(
      entries.filter((entry) => entry.kind === 'grant' && isCurrentOrUpcoming(entry, now)),
    );
  }

  /**
   * Who may read a category of the patient's now or later: what a record added to it must
   * be encrypted for. For the patient, and for a caregiver he lets write that category now
   * (the one who adds), so records a caregiver adds open for the patient's other readers
   * without the patient re-sharing them. Only ids and windows; keys come from the (public)
   * staff directory.
   */
  @Transaction(false)
  @Returns('string')
  async listReaders(ctx: Context, patientId: string, category: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const parsedCategory = parseCategory('category', category);
    const now = txTimeMillis(ctx);
    const caller = await identifyCaller(ctx);
    const self = caller.role === 'patient' && caller.userId === patient;
    if (!self) {
      const writer =
        caller.role === 'caregiver' &&
        (await findWriteGrant(ctx, patient, caller.userId, parsedCategory, now));
      if (!writer) {
        throw forbidden(
          'readers-for-writer',
          `only patient ${patient} or a caregiver he lets write ${parsedCategory} now may list who reads it`,
        );
      }
    }
    const readers = (await readPatientCategoryEntries(ctx, patient))
      .filter(
        (entry): entry is GrantEntry =>
          entry.kind === 'grant' &&
          entry.category === parsedCategory &&
          entry.read &&
          isCurrentOrUpcoming(entry, now),
      )
      .map((entry) => ({
        caregiverId: entry.caregiverId,
        validFrom: entry.validFrom,
        validTo: entry.validTo,
      }));
    return canonicalJson(readers);
  }
}
