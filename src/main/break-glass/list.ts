// Use cases: the break-glass sessions each role reads — the caregiver his own in force (the
// banner), the administrator his hospital's caregivers' sessions (the review list), the
// patient those on him he has not yet acknowledged (the notice at sign-in).
import type { BreakGlassSessionView, BreakGlassView } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { withOutcome } from '../failures';
import { requirePatient } from '../permissions/grant';
import { requireCaregiver } from './open';
import { breakGlassView, sessionView } from './views';

export function listMyBreakGlass(services: SignedInServices): Promise<BreakGlassView[]> {
  requireCaregiver(services);
  return withOutcome('Your emergency-access sessions could not be read.', async () =>
    (await services.ledger.listMyBreakGlass()).map(breakGlassView),
  );
}

export function requireAdmin(services: SignedInServices): void {
  if (services.user.role !== 'admin') {
    throw new EhrError('NOT_ALLOWED', 'Only a hospital administrator reviews emergency access.');
  }
}

export function listBreakGlassForReview(
  services: SignedInServices,
  directory: DirectoryLookup,
): Promise<BreakGlassSessionView[]> {
  requireAdmin(services);
  return withOutcome('The emergency-access sessions could not be read.', async () => {
    const sessions = await services.ledger.listBreakGlassForReview();
    return Promise.all(sessions.map((s) => sessionView(s, directory)));
  });
}

export function listBreakGlassNotices(
  services: SignedInServices,
  directory: DirectoryLookup,
): Promise<BreakGlassSessionView[]> {
  requirePatient(services);
  return withOutcome('The emergency-access notices could not be read.', async () => {
    const sessions = await services.ledger.listBreakGlassForPatient(services.user.id);
    const unseen = sessions.filter((s) => s.acknowledgement === null);
    return Promise.all(unseen.map((s) => sessionView(s, directory)));
  });
}
