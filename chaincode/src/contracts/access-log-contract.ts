import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { requireCaregiver, requirePatientSelf } from '../auth/caller';
import { forbidden, notFound } from '../errors';
import { applyChange } from '../ledger/change';
import { canonicalJson } from '../ledger/canonical-json';
import { buildEvent, EventName } from '../ledger/events';
import { keys } from '../ledger/keys';
import { toIsoTime, txTimeMillis } from '../ledger/tx-time';
import type { AccessEntry } from '../model/access-entry';
import { findReadBasis } from '../policy/caregiver-access';
import { openingWrite } from '../stores/break-glass-store';
import { readDisclosures, readRecord } from '../stores/record-store';
import { parsePatientId, parseTxDerivedId } from '../validation/ids';

@Info({ title: 'AccessLog', description: "Accounting of disclosures: caregivers' downloads" })
export class AccessLogContract extends EhrContract {
  constructor() {
    super('AccessLog');
  }

  /**
   * A caregiver submits this before downloading a record. It is refused unless he may read
   * the record now, and on success returns the entry and the record's metadata (pointer and
   * hash to verify the download against). The patient's accounting of disclosures then
   * shows who downloaded what, when, and on what basis.
   */
  @Transaction()
  @Returns('string')
  async recordDownload(ctx: Context, patientId: string, recordId: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const id = parseTxDerivedId('recordId', recordId);
    const now = txTimeMillis(ctx);

    const caller = await requireCaregiver(
      ctx,
      'log downloads (a patient reading his own records is no disclosure)',
    );
    const record = await readRecord(ctx, patient, id);
    if (!record) throw notFound('recordId', `patient ${patient} has no record ${id}`);
    const access = await findReadBasis(ctx, patient, caller.userId, record.category, now);
    if (!access) {
      throw forbidden(
        'caregiver-read-grant',
        `caregiver ${caller.userId} has no read permission in force for ${record.category} of patient ${patient} at ${toIsoTime(now)}`,
      );
    }

    const entry: AccessEntry = {
      accessId: ctx.stub.getTxID(),
      patientId: patient,
      recordId: record.recordId,
      category: record.category,
      caregiverId: caller.userId,
      caregiverMspId: caller.mspId,
      accessedAt: toIsoTime(now),
      basis: access.basis,
      permissionSeq: access.entry.seq,
      breakGlass: access.basis === 'break-glass',
    };
    await applyChange(
      ctx,
      [
        { key: keys.disclosure(ctx, patient, entry.accessId), json: entry },
        // Under break-glass the opening is also listed under its session, for the review.
        ...(entry.breakGlass ? [openingWrite(ctx, entry)] : []),
      ],
      buildEvent(ctx, EventName.recordDownloaded, patient),
    );
    return canonicalJson({ entry, record });
  }

  /** The patient's accounting of disclosures, oldest first. */
  @Transaction(false)
  @Returns('string')
  async listDisclosures(ctx: Context, patientId: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    await requirePatientSelf(ctx, patient, 'read this accounting of disclosures');
    return canonicalJson(await readDisclosures(ctx, patient));
  }
}
