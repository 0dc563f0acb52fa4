// Use case: the patient's access history — every grant, revoke and break-glass from his
// permission log, and every download from the accounting of disclosures, newest first.
import type { HistoryItem } from '../../shared/ipc/contract';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { withOutcome } from '../failures';
import { requirePatient } from '../permissions/grant';
import type { BreakGlassReview } from '../../shared/ledger';

function reviewOf(review: BreakGlassReview | null | undefined): HistoryItem['review'] {
  return review
    ? {
        reviewedAt: review.reviewedAt,
        comment: review.comment,
        reviewerMspId: review.reviewerMspId,
      }
    : null;
}

export async function getAccessHistory(
  services: SignedInServices,
  directory: DirectoryLookup,
): Promise<HistoryItem[]> {
  requirePatient(services);
  return withOutcome('Your access history could not be read.', async () => {
    const [log, disclosures, sessions] = await Promise.all([
      services.ledger.getHistory(services.user.id),
      services.ledger.listDisclosures(services.user.id),
      services.ledger.listBreakGlassForPatient(services.user.id),
    ]);
    const reviews = new Map(sessions.map((s) => [s.entry.seq, s.review]));
    const items: HistoryItem[] = await Promise.all([
      ...log.map(async (e): Promise<HistoryItem> => ({
        id: `${e.txId}:${e.seq}`,
        kind: e.kind,
        at: e.recordedAt,
        caregiver: await directory.person(e.caregiverId),
        category: e.kind === 'break-glass' ? null : e.category,
        validFrom: e.validFrom,
        validTo: e.validTo,
        read: e.read,
        write: e.write,
        reason: e.kind === 'break-glass' ? e.reason : null,
        recordId: null,
        breakGlass: e.breakGlass,
        review: reviewOf(e.kind === 'break-glass' ? reviews.get(e.seq) : null),
        caregiverRevoked: e.kind === 'revoke' && e.cause === 'caregiver-revoked',
      })),
      ...disclosures.map(async (d): Promise<HistoryItem> => ({
        id: d.accessId,
        kind: 'download',
        at: d.accessedAt,
        caregiver: await directory.person(d.caregiverId),
        category: d.category,
        validFrom: null,
        validTo: null,
        read: null,
        write: null,
        reason: null,
        recordId: d.recordId,
        breakGlass: d.breakGlass,
        review: null,
        caregiverRevoked: false,
      })),
    ]);
    return items.sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id));
  });
}
