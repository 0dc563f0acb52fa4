// How the chaincode's events name a patient: an opaque tag instead of his pseudonym, so a
// listener cannot list patients from the event stream. Whoever knows the pseudonym (the
// patient, a caregiver he shared with) computes the same tag and recognises the events about
// him. Must match chaincode/src/ledger/patient-tag.ts (chaincode/README.md, "Events").
import { createHash } from 'node:crypto';

const LABEL = 'action-ehr/patient-tag/v1:';

export function patientTag(patientId: string): string {
  return createHash('sha256')
    .update(LABEL + patientId, 'utf8')
    .digest('hex');
}
