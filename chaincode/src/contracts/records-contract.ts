import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { identifyCaller } from '../auth/caller';
import { conflict, forbidden } from '../errors';
import { applyChange } from '../ledger/change';
import { canonicalJson } from '../ledger/canonical-json';
import { buildEvent, EventName } from '../ledger/events';
import { keys } from '../ledger/keys';
import { toIsoTime, txTimeMillis } from '../ledger/tx-time';
import type { RecordMetadata } from '../model/record-metadata';
import type { RecordListing } from '../model/record-listing';
import type { DirectoryUser } from '../model/user';
import { breakGlassInForce, findWriteGrant, readableCategories } from '../policy/caregiver-access';
import {
  readObjectOwner,
  readPatientRecords,
  readRecord,
  type ObjectOwner,
} from '../stores/record-store';
import { parseCategory, type Category } from '../validation/categories';
import { parsePatientId, parseSha256Hex } from '../validation/ids';
import { parseContentType, parseObjectUri, parseSizeBytes } from '../validation/record-fields';

@Info({ title: 'Records', description: 'Metadata of encrypted records stored off-chain' })
export class RecordsContract extends EhrContract {
  constructor() {
    super('Records');
  }

  /**
   * Registers an encrypted object already uploaded to storage. The uploader is whoever signs
   * the transaction: the patient himself, or a caregiver with a write grant in force for the
   * category. Break-glass never allows writing.
   *
   * One stored object is one record, across all patients: adding a pointer that is already
   * registered for this patient with the same metadata by the same uploader returns that
   * record and writes nothing (a client that lost the answer to its first submit can safely
   * send it again); with different metadata, or for another patient, it is refused.
   */
  @Transaction()
  @Returns('string')
  async addRecord(
    ctx: Context,
    patientId: string,
    category: string,
    storagePointer: string,
    sha256: string,
    sizeBytes: string,
    contentType: string,
    keyEnvelopeRef: string,
  ): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const parsedCategory = parseCategory('category', category);
    const pointer = parseObjectUri('storagePointer', storagePointer);
    const hash = parseSha256Hex('sha256', sha256);
    const size = parseSizeBytes('sizeBytes', sizeBytes);
    const type = parseContentType('contentType', contentType);
    const envelopes = parseObjectUri('keyEnvelopeRef', keyEnvelopeRef);
    const now = txTimeMillis(ctx);

    const caller = await identifyCaller(ctx);
    await requireWriteAccess(ctx, caller, patient, parsedCategory, now);

    const owner = await readObjectOwner(ctx, pointer);
    if (owner !== null) {
      // Another patient's object: say only that it is taken, never whose it is.
      if (owner.patientId !== patient) {
        throw conflict(
          'storagePointer',
          `object ${pointer} is already registered to another record`,
        );
      }
      const existing = await readRecord(ctx, patient, owner.recordId);
      const same =
        existing !== null &&
        existing.category === parsedCategory &&
        existing.uploaderId === caller.userId &&
        existing.sha256 === hash &&
        existing.sizeBytes === size &&
        existing.contentType === type &&
        existing.keyEnvelopeRef === envelopes;
      if (same) return canonicalJson(existing);
      throw conflict(
        'storagePointer',
        `object ${pointer} is already registered as record ${owner.recordId} with other metadata`,
      );
    }

    const record: RecordMetadata = {
      recordId: ctx.stub.getTxID(),
      patientId: patient,
      category: parsedCategory,
      uploaderId: caller.userId,
      uploaderRole: caller.role === 'patient' ? 'patient' : 'caregiver',
      storagePointer: pointer,
      sha256: hash,
      sizeBytes: size,
      contentType: type,
      keyEnvelopeRef: envelopes,
      recordedAt: toIsoTime(now),
    };
    await applyChange(
      ctx,
      [
        { key: keys.record(ctx, patient, record.recordId), json: record },
        {
          key: keys.recordByObject(ctx, pointer),
          json: { patientId: patient, recordId: record.recordId } satisfies ObjectOwner,
        },
      ],
      buildEvent(ctx, EventName.recordAdded, patient),
    );
    return canonicalJson(record);
  }

  /**
   * The patient's records the caller may read, oldest first: all of them for the patient;
   * for a caregiver those in categories with a read grant in force, or all of them while his
   * break-glass session is open (flagged per record and on the listing).
   */
  @Transaction(false)
  @Returns('string')
  async listRecords(ctx: Context, patientId: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const now = txTimeMillis(ctx);
    const caller = await identifyCaller(ctx);

    if (caller.role === 'patient' && caller.userId === patient) {
      const records = await readPatientRecords(ctx, patient);
      const result: RecordListing = {
        patientId: patient,
        viewerId: caller.userId,
        breakGlass: null,
        records: records.map((record) => ({ accessBasis: 'patient', record })),
      };
      return canonicalJson(result);
    }
    if (caller.role !== 'caregiver') {
      throw forbidden(
        'patient-or-caregiver',
        `only patient ${patient} or a caregiver he granted may list his records`,
      );
    }
    const granted = await readableCategories(ctx, patient, caller.userId, now);
    const breakGlass = await breakGlassInForce(ctx, patient, caller.userId, now);
    if (granted.size === 0 && !breakGlass) {
      throw forbidden(
        'caregiver-read-grant',
        `caregiver ${caller.userId} has no read permission in force for patient ${patient} at ${toIsoTime(now)}`,
      );
    }
    const visible: RecordListing['records'] = [];
    for (const record of await readPatientRecords(ctx, patient)) {
      if (granted.has(record.category)) visible.push({ accessBasis: 'grant', record });
      else if (breakGlass) visible.push({ accessBasis: 'break-glass', record });
    }
    const result: RecordListing = {
      patientId: patient,
      viewerId: caller.userId,
      breakGlass: breakGlass ? { seq: breakGlass.seq, validTo: breakGlass.validTo } : null,
      records: visible,
    };
    return canonicalJson(result);
  }
}

async function requireWriteAccess(
  ctx: Context,
  caller: DirectoryUser,
  patientId: string,
  category: Category,
  now: number,
): Promise<void> {
  if (caller.role === 'patient') {
    if (caller.userId !== patientId) {
      throw forbidden(
        'patient-own-records',
        `patient ${caller.userId} may only add records of his own`,
      );
    }
    return;
  }
  if (caller.role !== 'caregiver') {
    throw forbidden(
      'patient-or-caregiver',
      `only the patient or a caregiver he granted may add records; ${caller.userId} is an ${caller.role}`,
    );
  }
  if (!(await findWriteGrant(ctx, patientId, caller.userId, category, now))) {
    throw forbidden(
      'caregiver-write-grant',
      `caregiver ${caller.userId} has no write permission in force for ${category} of patient ${patientId} at ${toIsoTime(now)}`,
    );
  }
}
