import { createHash } from 'node:crypto';

/**
 * What events carry instead of the patient's pseudonym: SHA-256 over a fixed label and the
 * pseudonym, lowercase hex. Whoever knows the pseudonym (the patient, caregivers he shared
 * with) computes the tag and recognises the events about him; a listener who does not cannot
 * turn the tag back into the pseudonym (128 random bits) or enumerate patients from the
 * stream. The workstation computes the same (src/main/ledger/patient-tag.ts).
 */
export const PATIENT_TAG_LABEL = 'action-ehr/patient-tag/v1:';

export function patientTag(patientId: string): string {
  return createHash('sha256')
    .update(PATIENT_TAG_LABEL + patientId, 'utf8')
    .digest('hex');
}
