// Use case: an administrator of the caregiver's hospital marks a break-glass session
// reviewed, with his comment, on the ledger (once). The patient then sees the review.
import type { BreakGlassSessionView } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { toUserError } from '../failures';
import { LedgerError } from '../ledger/errors';
import { requireAdmin } from './list';
import { sessionView } from './views';

const NOT_SAVED = 'The review was not saved.';

export async function reviewBreakGlass(
  services: SignedInServices,
  directory: DirectoryLookup,
  request: { patientId: string; seq: number; comment: string },
): Promise<BreakGlassSessionView> {
  requireAdmin(services);
  try {
    await services.ledger.reviewBreakGlass(request.patientId, request.seq, request.comment);
  } catch (error) {
    if (
      error instanceof LedgerError &&
      error.code === 'INVALID_ARGUMENT' &&
      error.subject === 'comment'
    ) {
      const detail = error.message.replace(/\s*\(INVALID_ARGUMENT: [^)]*\)$/, '');
      const message = `The comment ${detail}. ${NOT_SAVED}`;
      throw new EhrError('INVALID_ARGUMENT', message, { comment: message });
    }
    throw toUserError(error, NOT_SAVED);
  }
  // Saved: a failure from here on must not say otherwise.
  const saved = 'The review is saved on the ledger; refresh the list to see it.';
  try {
    const sessions = await services.ledger.listBreakGlassForReview();
    const reviewed = sessions.find(
      (s) => s.entry.patientId === request.patientId && s.entry.seq === request.seq,
    );
    if (!reviewed) throw new EhrError('LEDGER_NOT_FOUND', saved);
    return await sessionView(reviewed, directory);
  } catch (error) {
    throw toUserError(error, saved);
  }
}
