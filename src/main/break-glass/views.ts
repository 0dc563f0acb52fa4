// From the ledger's break-glass sessions to what the screens show: ids named through the
// directory, and whether the session is still in force.
import type { BreakGlassSessionView, BreakGlassView } from '../../shared/ipc/contract';
import type { BreakGlassEntry, BreakGlassSession } from '../../shared/ledger';
import type { DirectoryLookup } from '../directory/lookup';

export function breakGlassView(entry: BreakGlassEntry): BreakGlassView {
  return {
    patientId: entry.patientId,
    seq: entry.seq,
    reason: entry.reason,
    validFrom: entry.validFrom,
    validTo: entry.validTo,
  };
}

export async function sessionView(
  session: BreakGlassSession,
  directory: DirectoryLookup,
  now = Date.now(),
): Promise<BreakGlassSessionView> {
  const { entry, review } = session;
  return {
    ...breakGlassView(entry),
    caregiver: await directory.person(entry.caregiverId),
    inForce: Date.parse(entry.validFrom) <= now && now < Date.parse(entry.validTo),
    openings: session.openings.map((o) => ({
      accessId: o.accessId,
      recordId: o.recordId,
      category: o.category,
      accessedAt: o.accessedAt,
    })),
    review: review && {
      reviewedAt: review.reviewedAt,
      comment: review.comment,
      reviewerMspId: review.reviewerMspId,
      reviewer: review.reviewerId ? (await directory.person(review.reviewerId)).displayName : null,
    },
    acknowledgedAt: session.acknowledgement?.acknowledgedAt ?? null,
  };
}
