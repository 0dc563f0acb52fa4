import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { EhrContract } from './ehr-contract';
import { requireCaregiver, requirePatientSelf } from '../auth/caller';
import { certificateFingerprint } from '../auth/certificate-fingerprint';
import { requireAnyAdmin } from '../auth/hospital-admin';
import { loadBreakGlassPolicy, type BreakGlassPolicy } from '../config';
import { conflict, forbidden, notFound } from '../errors';
import { applyChange } from '../ledger/change';
import { canonicalJson } from '../ledger/canonical-json';
import { buildEvent, EventName } from '../ledger/events';
import { KeyType, keys } from '../ledger/keys';
import { toIsoTime, txTimeMillis } from '../ledger/tx-time';
import type {
  BreakGlassAcknowledgement,
  BreakGlassReview,
  BreakGlassSession,
} from '../model/break-glass-session';
import { isInForce, type BreakGlassEntry } from '../model/permission-entry';
import { breakGlassInForce } from '../policy/caregiver-access';
import {
  appendEntryWrites,
  breakGlassPointerWrites,
  readHistory,
  readLogLength,
} from '../stores/permission-store';
import {
  readAcknowledgement,
  readBreakGlassEntry,
  readIndexedEntries,
  readReview,
  readSession,
  sessionIndexWrites,
} from '../stores/break-glass-store';
import { readUser, readUserByCertificate } from '../stores/user-store';
import { parsePatientId } from '../validation/ids';
import { parseBreakGlassReason } from '../validation/break-glass-reason';
import { parseInteger } from '../validation/primitives';
import { parseReviewComment } from '../validation/review-comment';

/** Permission-log sequence numbers are non-negative safe integers. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

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
    const writes = [
      ...appendEntryWrites(ctx, entry),
      ...breakGlassPointerWrites(ctx, entry),
      ...sessionIndexWrites(ctx, entry),
    ];
    await applyChange(ctx, writes, buildEvent(ctx, EventName.breakGlassOpened, patient));
    return canonicalJson(entry);
  }

  /**
   * An administrator of the caregiver's hospital marks a session reviewed, once, saying what
   * he found. The patient sees the review and its comment in his history. A session may be
   * reviewed while still open; openings after the review stay listed with their times.
   */
  @Transaction()
  @Returns('string')
  async review(ctx: Context, patientId: string, seq: string, comment: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const number = parseInteger('seq', seq, 0, MAX_SEQ);
    const text = parseReviewComment('comment', comment);
    const now = txTimeMillis(ctx);

    const adminMspId = requireAnyAdmin(ctx, 'review break-glass sessions');
    const entry = await requireSession(ctx, patient, number);
    if (entry.caregiverMspId !== adminMspId) {
      throw forbidden(
        'break-glass-reviewer',
        `only an administrator of ${entry.caregiverMspId}, the caregiver's hospital, may review this session; the signer is of ${adminMspId}`,
      );
    }
    const previous = await readReview(ctx, patient, number);
    if (previous) {
      throw conflict(
        'seq',
        `break-glass session ${number} of patient ${patient} was already reviewed at ${previous.reviewedAt}`,
      );
    }
    const reviewer = await readUserByCertificate(
      ctx,
      certificateFingerprint(ctx.clientIdentity.getIDBytes()),
    );
    const review: BreakGlassReview = {
      patientId: patient,
      seq: number,
      reviewerMspId: adminMspId,
      reviewerId: reviewer && reviewer.mspId === adminMspId ? reviewer.userId : null,
      reviewedBy: ctx.clientIdentity.getID(),
      comment: text,
      reviewedAt: toIsoTime(now),
      txId: ctx.stub.getTxID(),
    };
    await applyChange(
      ctx,
      [{ key: keys.breakGlassReview(ctx, patient, number), json: review }],
      buildEvent(ctx, EventName.breakGlassReviewed, patient),
    );
    return canonicalJson(review);
  }

  /**
   * The patient has seen the notice of a session. Kept on the ledger so the notice shows on
   * his next sign-in at any kiosk until he has seen it, and never again after.
   */
  @Transaction()
  @Returns('string')
  async acknowledge(ctx: Context, patientId: string, seq: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    const number = parseInteger('seq', seq, 0, MAX_SEQ);
    const now = txTimeMillis(ctx);

    await requirePatientSelf(ctx, patient, 'acknowledge his break-glass notices');
    await requireSession(ctx, patient, number);
    const previous = await readAcknowledgement(ctx, patient, number);
    if (previous) {
      throw conflict(
        'seq',
        `break-glass session ${number} was already acknowledged at ${previous.acknowledgedAt}`,
      );
    }
    const acknowledgement: BreakGlassAcknowledgement = {
      patientId: patient,
      seq: number,
      acknowledgedAt: toIsoTime(now),
      txId: ctx.stub.getTxID(),
    };
    await applyChange(
      ctx,
      [{ key: keys.breakGlassAcknowledgement(ctx, patient, number), json: acknowledgement }],
      buildEvent(ctx, EventName.breakGlassAcknowledged, patient),
    );
    return canonicalJson(acknowledgement);
  }

  /** For an administrator: his hospital's caregivers' sessions, newest first. */
  @Transaction(false)
  @Returns('string')
  async listForReview(ctx: Context): Promise<string> {
    const mspId = requireAnyAdmin(ctx, "list their hospital's break-glass sessions");
    const entries = await readIndexedEntries(ctx, KeyType.breakGlassByHospital, [mspId], 1);
    return canonicalJson(await sessionsNewestFirst(ctx, entries));
  }

  /** For the patient: every session on him, newest first, with review and acknowledgement. */
  @Transaction(false)
  @Returns('string')
  async listForPatient(ctx: Context, patientId: string): Promise<string> {
    const patient = parsePatientId('patientId', patientId);
    await requirePatientSelf(ctx, patient, 'list the break-glass sessions on him');
    const entries = (await readHistory(ctx, patient)).filter(
      (e): e is BreakGlassEntry => e.kind === 'break-glass',
    );
    return canonicalJson(await sessionsNewestFirst(ctx, entries));
  }

  /** For a caregiver: his sessions in force now (what his workstation's banner shows). */
  @Transaction(false)
  @Returns('string')
  async listMine(ctx: Context): Promise<string> {
    const caller = await requireCaregiver(ctx, 'list their break-glass sessions');
    const now = txTimeMillis(ctx);
    const entries = await readIndexedEntries(
      ctx,
      KeyType.breakGlassByCaregiver,
      [caller.userId],
      1,
    );
    return canonicalJson(entries.filter((e) => isInForce(e, now)));
  }

  /** The deployment's limits, so clients can show them before a caregiver writes a reason. */
  @Transaction(false)
  @Returns('string')
  async getPolicy(_ctx: Context): Promise<string> {
    return canonicalJson({ ...this.policy });
  }
}

async function requireSession(
  ctx: Context,
  patientId: string,
  seq: number,
): Promise<BreakGlassEntry> {
  const entry = await readBreakGlassEntry(ctx, patientId, seq);
  if (!entry) throw notFound('seq', `patient ${patientId} has no break-glass session ${seq}`);
  return entry;
}

async function sessionsNewestFirst(
  ctx: Context,
  entries: BreakGlassEntry[],
): Promise<BreakGlassSession[]> {
  const sessions: BreakGlassSession[] = [];
  for (const entry of entries) sessions.push(await readSession(ctx, entry));
  return sessions.sort(
    (a, b) =>
      b.entry.validFrom.localeCompare(a.entry.validFrom) ||
      b.entry.txId.localeCompare(a.entry.txId),
  );
}
