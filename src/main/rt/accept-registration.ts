// Use case: the physicist accepts a registration he reviewed on screen (automatic, perhaps
// nudged by hand). The main process stamps who accepted it and when from the signed-in
// card's session, not from the renderer, so every summation result that names it
// ("accepted by … at …") says what the session really was.
import { EhrError } from '../errors';
import type { SessionSource } from '../session/session';
import type { AcceptedRegistration } from '../../shared/rt/registration/accepted';
import { requireRigid, type RigidTransform } from '../../shared/rt/registration/rigid';

export interface AcceptRegistrationDeps {
  session: SessionSource;
  now?: () => Date;
}

const CAREGIVERS = new Set(['physicist', 'oncologist']);

export function acceptRegistration(
  deps: AcceptRegistrationDeps,
  request: { transform: RigidTransform; method: string; adjusted: boolean },
): AcceptedRegistration {
  const session = deps.session.current();
  if (session.state !== 'signed-in')
    throw new EhrError('NOT_SIGNED_IN', 'Sign in with your card to accept a registration.');
  if (!CAREGIVERS.has(session.user.role))
    throw new EhrError('NOT_ALLOWED', 'Only a physicist or an oncologist accepts registrations.');
  requireRigid(request.transform.matrix);
  return {
    transform: request.transform,
    origin: {
      kind: 'automatic',
      method: request.method,
      acceptedBy: session.user.displayName,
      acceptedAt: (deps.now ?? (() => new Date()))().toISOString(),
      adjusted: request.adjusted,
    },
  };
}
