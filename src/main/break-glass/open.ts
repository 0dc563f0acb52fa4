// Use case: a caregiver opens emergency (break-glass) read access to a patient who has not
// shared with him — a reason in words and a duration within the hospital network's limit.
// The chaincode decides both (its rules are the only ones), and says which one failed; the
// session is then on the patient's permission history, flagged, and nothing else changes.
import type { BreakGlassPolicy, BreakGlassView } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { SignedInServices } from '../app/signed-in-services';
import { toUserError, withOutcome } from '../failures';
import { LedgerError } from '../ledger/errors';
import { breakGlassView } from './views';

const NOT_OPENED = 'Emergency access was not opened.';

export function requireCaregiver(services: SignedInServices): void {
  const { role } = services.user;
  if (role !== 'oncologist' && role !== 'physicist') {
    throw new EhrError('NOT_ALLOWED', 'Only caregivers can open emergency access.');
  }
}

export function getBreakGlassPolicy(services: SignedInServices): Promise<BreakGlassPolicy> {
  return withOutcome('The emergency-access rules could not be read.', () =>
    services.ledger.getPolicy(),
  );
}

/** The chaincode's word on the reason or the duration, as a sentence about the form. */
function formRefusal(error: LedgerError): EhrError | null {
  if (error.code === 'NOT_FOUND' && error.subject === 'patientId') {
    const message = `There is no patient with this pseudonym in the directory. ${NOT_OPENED}`;
    return new EhrError('LEDGER_NOT_FOUND', message, { patientId: message });
  }
  if (error.code !== 'INVALID_ARGUMENT') return null;
  const detail = error.message.replace(/\s*\(INVALID_ARGUMENT: [^)]*\)$/, '');
  if (error.subject === 'reason') {
    const message = `The reason ${detail}. ${NOT_OPENED}`;
    return new EhrError('INVALID_ARGUMENT', message, { reason: message });
  }
  if (error.subject === 'durationHours') {
    const message = `The duration in hours ${detail}. ${NOT_OPENED}`;
    return new EhrError('INVALID_ARGUMENT', message, { durationHours: message });
  }
  return null;
}

export async function openBreakGlass(
  services: SignedInServices,
  request: { patientId: string; reason: string; durationHours: number },
): Promise<BreakGlassView> {
  requireCaregiver(services);
  try {
    const { value } = await services.ledger.openBreakGlass(
      request.patientId,
      request.reason,
      request.durationHours,
    );
    return breakGlassView(value);
  } catch (error) {
    if (error instanceof LedgerError) {
      const refusal = formRefusal(error);
      if (refusal) throw refusal;
    }
    throw toUserError(error, NOT_OPENED);
  }
}
