// The one error spine: every failure of the ledger, the record storage, the vault or the
// card becomes an EhrError with a code the renderer can act on and a sentence a clinician
// understands — what went wrong and what did (not) happen. Handlers pass the outcome they
// protect ("your grant was not saved") so the sentence says what the person must know.
import { GatewayError } from '@hyperledger/fabric-gateway';
import { EhrError } from './errors';
import { CardError } from './keystore/errors';
import { isTransientGrpc, LedgerError } from './ledger/errors';
import { toEhrError as cardToEhrError } from './session/card-session';
import { FhirError } from './ehr/errors';
import { PacsError } from './pacs/errors';
import { StorageError } from './storage/errors';
import { VaultError } from './vault/format';

/** What did not happen because of the failure, e.g. "Your grant was not saved." */
export type Outcome = string;

function sentence(...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => Boolean(p))
    .map((p) => p.trim())
    .join(' ');
}

/** The chaincode's detail without its machine suffix "(FORBIDDEN: rule)". */
function ledgerDetail(error: LedgerError): string {
  const text = error.message.replace(
    /\s*\((?:INVALID_ARGUMENT|FORBIDDEN|NOT_FOUND|CONFLICT): [^)]*\)$/,
    '',
  );
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

// The chaincode's rules (chaincode/README.md) in the words of the person refused.
const RULE_SENTENCES: Record<string, string> = {
  'caregiver-read-grant':
    'The patient has not given you read access to this record now (no grant, the grant has ended, or it covers other categories).',
  'caregiver-write-grant':
    'The patient has not given you write access to this category now, so you cannot add records to it.',
  'patient-only': 'Only the patient can change who may see his records.',
  'caregiver-only': 'Only caregivers can do this.',
  'registered-signer':
    'Your card is not registered on the ledger at this hospital. Ask your hospital administrator.',
  'patient-own-records': 'A patient can only see his own records.',
  'patient-or-caregiver': 'Only the patient and his caregivers can do this.',
  'admin-role': 'Only a hospital administrator can do this.',
  'admin-same-hospital': 'An administrator can only manage users of his own hospital.',
  'admin-not-self': 'An administrator cannot revoke himself; another administrator must.',
  'revoked-signer':
    'Your card has been revoked by your hospital, so the ledger refuses everything it signs. Ask your hospital administrator.',
  'break-glass-reviewer':
    "Only an administrator of the caregiver's own hospital can review this emergency access.",
};

export function toUserError(error: unknown, outcome?: Outcome): EhrError {
  if (error instanceof EhrError) return error;
  if (error instanceof LedgerError) return fromLedger(error, outcome);
  if (error instanceof StorageError) return fromStorage(error, outcome);
  if (error instanceof VaultError) return fromVault(error, outcome);
  if (error instanceof PacsError) return fromPacs(error, outcome);
  if (error instanceof FhirError) return fromFhir(error, outcome);
  if (error instanceof CardError) {
    const card = cardToEhrError(error);
    return new EhrError(card.code, sentence(card.message, outcome));
  }
  if (error instanceof GatewayError) {
    const code = isTransientGrpc(error) ? 'UNAVAILABLE' : 'FAILED';
    return fromLedger(new LedgerError(code, error.message), outcome);
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new EhrError('CANCELLED', sentence('Cancelled.', outcome));
  }
  throw error;
}

function fromLedger(error: LedgerError, outcome?: Outcome): EhrError {
  switch (error.code) {
    case 'UNAVAILABLE':
      return new EhrError(
        'LEDGER_UNAVAILABLE',
        sentence("The hospital's ledger cannot be reached.", outcome, 'Try again.'),
      );
    case 'FORBIDDEN':
      return new EhrError(
        'LEDGER_REFUSED',
        sentence((error.subject && RULE_SENTENCES[error.subject]) ?? ledgerDetail(error), outcome),
      );
    case 'INVALID_ARGUMENT':
      return new EhrError('LEDGER_INVALID', sentence(ledgerDetail(error), outcome));
    case 'CONFLICT':
      return new EhrError('LEDGER_CONFLICT', sentence(ledgerDetail(error), outcome));
    case 'NOT_FOUND':
      return new EhrError('LEDGER_NOT_FOUND', sentence(ledgerDetail(error), outcome));
    default:
      return new EhrError(
        'LEDGER_FAILED',
        sentence('The ledger could not complete the request:', ledgerDetail(error), outcome),
      );
  }
}

function fromStorage(error: StorageError, outcome?: Outcome): EhrError {
  switch (error.code) {
    case 'UNREACHABLE':
    case 'TIMEOUT':
    case 'SERVER_ERROR':
      return new EhrError(
        'STORAGE_UNAVAILABLE',
        sentence('The record storage cannot be reached.', outcome, 'Try again.'),
      );
    case 'ACCESS_DENIED':
    case 'CLOCK_SKEW':
      return new EhrError('STORAGE_DENIED', sentence(error.message, outcome));
    case 'NOT_FOUND':
      return new EhrError(
        'RECORD_MISSING',
        sentence('The stored record is no longer in the record storage.', outcome),
      );
    case 'INVALID_SETTINGS':
    case 'BUCKET_MISSING':
      return new EhrError('NOT_CONFIGURED', sentence(error.message, outcome));
    case 'ABORTED':
      return new EhrError('CANCELLED', sentence('Cancelled.', outcome));
    default:
      return new EhrError('STORAGE_FAILED', sentence(error.message, outcome));
  }
}

function fromPacs(error: PacsError, outcome?: Outcome): EhrError {
  switch (error.code) {
    case 'UNREACHABLE':
      return new EhrError(
        'PACS_UNAVAILABLE',
        sentence(
          'The hospital PACS cannot be reached.',
          outcome,
          'Try again, or ask your hospital IT.',
        ),
      );
    case 'TIMEOUT':
      return new EhrError(
        'PACS_UNAVAILABLE',
        sentence('The hospital PACS did not answer in time.', outcome, 'Try again.'),
      );
    case 'REFUSED':
    case 'INSTANCE_FAILED':
      return new EhrError('PACS_REFUSED', sentence(error.message, outcome));
    case 'PATIENT_CONFLICT':
      return new EhrError('PACS_PATIENT_CONFLICT', sentence(error.message, outcome));
    case 'ABORTED':
      return new EhrError('CANCELLED', sentence('Cancelled.', outcome));
    default:
      return new EhrError(
        'PACS_FAILED',
        sentence('The hospital PACS could not complete the request:', error.message, outcome),
      );
  }
}

function fromFhir(error: FhirError, outcome?: Outcome): EhrError {
  switch (error.code) {
    case 'UNREACHABLE':
      return new EhrError(
        'EHR_UNAVAILABLE',
        sentence(
          'The hospital EHR cannot be reached.',
          outcome,
          'Try again, or ask your hospital IT.',
        ),
      );
    case 'TIMEOUT':
      return new EhrError(
        'EHR_UNAVAILABLE',
        sentence('The hospital EHR did not answer in time.', outcome, 'Try again.'),
      );
    case 'REFUSED':
      return new EhrError('EHR_REFUSED', sentence(error.message, outcome));
    case 'NOT_FHIR':
    case 'NOT_R4':
      return new EhrError('EHR_NOT_R4', sentence(error.message, outcome));
    case 'ABORTED':
      return new EhrError('CANCELLED', sentence('Cancelled.', outcome));
    default:
      return new EhrError(
        'EHR_FAILED',
        sentence('The hospital EHR could not complete the request:', error.message, outcome),
      );
  }
}

function fromVault(error: VaultError, outcome?: Outcome): EhrError {
  if (error.code === 'VAULT_BAD_ENVELOPE' && /not shared with the key/.test(error.message)) {
    return new EhrError(
      'RECORD_NOT_SHARED',
      sentence('This record is not (or no longer) shared with your card.', outcome),
    );
  }
  if (error.code === 'VAULT_BAD_KEY') return new EhrError('INTERNAL', error.message);
  return new EhrError(
    'RECORD_ALTERED',
    sentence(
      'The stored record does not match what the ledger says was stored: it was altered or damaged, so nothing of it is shown.',
      `(${error.message})`,
      outcome,
    ),
  );
}

/** Runs a use case and turns any known failure into the spine's error. */
export async function withOutcome<T>(outcome: Outcome, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toUserError(error, outcome);
  }
}
