// Use case: the administrator revokes a user of his hospital.
//
// Order, so that a failure leaves the safe half and a retry finishes: the ledger's directory
// first (from its commit on, the chaincode refuses everything the user's certificate signs
// and his grants end in the patients' histories), then the hospital CA (the certificate is
// revoked and the identity can never enrol again). Both steps are idempotent for a retry: a
// directory that says "already revoked" counts as done, and the CA revokes by name again.
import type { RevokeUserResult } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import { toUserError } from '../failures';
import { revokeAtFabricCa } from '../keystore/fabric-ca';
import { LedgerError } from '../ledger/errors';
import { registrarOf, requireAdmin, type AdminDeps } from './admin-deps';
import { caFailure } from './ca-failures';
import { adminUserView } from './user-view';

const NOTHING = 'Nothing was revoked.';

export async function revokeUser(
  deps: Pick<AdminDeps, 'services' | 'ca'>,
  request: { userId: string },
): Promise<RevokeUserResult> {
  const { services } = deps;
  requireAdmin(services);
  if (request.userId === services.user.id) {
    throw new EhrError(
      'NOT_ALLOWED',
      `You cannot revoke yourself. Another administrator of your hospital must. ${NOTHING}`,
    );
  }
  const user = await services.ledger.getUser(request.userId).catch((error: unknown) => {
    throw toUserError(error, NOTHING);
  });
  if (user.mspId !== services.user.mspId) {
    throw new EhrError(
      'NOT_ALLOWED',
      `${user.displayName ?? user.userId} is a user of ${user.mspId}; only its administrators can revoke him. ${NOTHING}`,
    );
  }
  if (user.certFingerprint === services.card.identity.certificateFingerprint) {
    throw new EhrError('NOT_ALLOWED', `That is your own card. ${NOTHING}`);
  }

  let revoked = user;
  if (user.status !== 'revoked') {
    try {
      revoked = (await services.ledger.revokeUser(request.userId)).value;
    } catch (error) {
      const alreadyDone = error instanceof LedgerError && error.code === 'CONFLICT';
      if (!alreadyDone) throw toUserError(error, NOTHING);
      revoked = await services.ledger.getUser(request.userId);
    }
  }
  try {
    const { revokedCertificates } = await revokeAtFabricCa(
      deps.ca,
      registrarOf(services),
      request.userId,
      'cessationofoperation',
    );
    return { user: adminUserView(revoked), certificatesRevoked: revokedCertificates };
  } catch (error) {
    const outcome =
      'The ledger already refuses everything his card signs, but the hospital CA has not revoked his certificate yet. Revoke him again to finish.';
    const failure = caFailure(error, outcome);
    if (failure) {
      throw new EhrError(
        failure.code === 'CA_UNAVAILABLE' ? 'CA_UNAVAILABLE' : 'ENROLMENT_INCOMPLETE',
        failure.message,
      );
    }
    throw error;
  }
}
