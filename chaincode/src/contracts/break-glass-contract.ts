import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { requireCaregiver } from '../auth/caller';
import { loadBreakGlassPolicy, type BreakGlassPolicy } from '../config';
import { conflict, notFound } from '../errors';
import { applyChange } from '../ledger/change';
import { canonicalJson } from '../ledger/canonical-json';
import { buildEvent, EventName } from '../ledger/events';
import { toIsoTime, txTimeMillis } from '../ledger/tx-time';
import type { BreakGlassEntry } from '../model/permission-entry';
import { breakGlassInForce } from '../policy/caregiver-access';
import {
  appendEntryWrites,
  breakGlassPointerWrites,
  readLogLength,
} from '../stores/permission-store';
import { readUser } from '../stores/user-store';
import { parsePatientId } from '../validation/ids';
import { parseBreakGlassReason } from '../validation/break-glass-reason';
import { parseInteger } from '../validation/primitives';

const HOUR_MILLIS = 3_600_000;

@Info({ title: 'BreakGlass', description: 'Time-boxed, audited emergency read access' })
export class BreakGlassContract extends EhrContract {
  /** Fabric constructs contracts without arguments: the policy then comes from the environment. */
  constructor(private readonly policy: BreakGlassPolicy = loadBreakGlassPolicy()) {
    super('BreakGlass');
  }

  /**
   * A caregiver opens emergency read access to all of a patient's records for durationHours
   * (1 to the deployment's maximum), giving a written reason in words
   * (validation/break-glass-reason.ts). The session is appended to the
   * patient's permission history, flagged, and announced by an event the patient's views
   * surface. It cannot be extended: when it ends, a new one needs a new reason.
   */
  @Transaction()
  @Returns('string')
  async open(
    ctx: Context,
    patientId: string,
    reason: string,
    durationHours: string,
  ): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const text = parseBreakGlassReason('reason', reason, this.policy);
    const hours = parseInteger('durationHours', durationHours, 1, this.policy.maxHours);
    const now = txTimeMillis(ctx);

    const caller = await requireCaregiver(ctx, 'open break-glass access');
    const patientUser = await readUser(ctx, patient);
    if (!patientUser || patientUser.role !== 'patient') {
      throw notFound('patientId', `no patient ${patient} in the directory`);
    }
    const open = await breakGlassInForce(ctx, patient, caller.userId, now);
    if (open) {
      throw conflict(
        'patientId',
        `caregiver ${caller.userId} already has break-glass access to ${patient} until ${open.validTo}`,
      );
    }

    const entry: BreakGlassEntry = {
      kind: 'break-glass',
      patientId: patient,
      seq: await readLogLength(ctx, patient),
      caregiverId: caller.userId,
      caregiverMspId: caller.mspId,
      reason: text,
      validFrom: toIsoTime(now),
      validTo: toIsoTime(now + hours * HOUR_MILLIS),
      read: true,
      write: false,
      recordedAt: toIsoTime(now),
      txId: ctx.stub.getTxID(),
      breakGlass: true,
    };
    const writes = [...appendEntryWrites(ctx, entry), ...breakGlassPointerWrites(ctx, entry)];
    await applyChange(ctx, writes, buildEvent(ctx, EventName.breakGlassOpened, patient));
    return canonicalJson(entry);
  }

  /** The deployment's limits, so clients can show them before a caregiver writes a reason. */
  @Transaction(false)
  @Returns('string')
  async getPolicy(_ctx: Context): Promise<string> {
    return canonicalJson({ ...this.policy });
  }
}
