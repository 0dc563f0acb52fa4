// Error shapes that cross the IPC boundary. Every failure a person can meet is one of
// these codes with a sentence they can act on; nothing raw (stack traces, native error
// objects) ever reaches the renderer.

export const ERROR_CODES = [
  'INVALID_ARGUMENT', // the call's arguments do not match the channel's schema
  'UNKNOWN_CHANNEL', // no such channel in the contract
  'UNTRUSTED_SENDER', // the call came from a frame that is not the workstation's own UI
  'INVALID_SETTING', // one or more settings failed their checks; nothing was saved
  'KIOSK_LOCKED', // the action is not available on a clinic kiosk
  'STORAGE_FAILURE', // the local database could not be read or written
  'CARD_UNAVAILABLE', // no smart-card library configured, or it cannot be started
  'CARD_NOT_PRESENT', // no card in the reader
  'CARD_WRONG_PIN',
  'CARD_PIN_LOCKED',
  'CARD_REMOVED',
  'CARD_NOT_PROVISIONED', // the card holds no ACTION-EHR keys or certificate
  'CARD_FAILED', // the card could not complete the operation
  'NOT_SIGNED_IN', // the action needs a signed-in card
  'NOT_ALLOWED', // the signed-in role does not do this (e.g. a patient opening the admin list)
  'NOT_CONFIGURED', // a connection setting the action needs is missing
  'LEDGER_UNAVAILABLE', // the hospital's peer (or the ordering service) did not answer
  'LEDGER_REFUSED', // the ledger's policy said no (no grant, expired, wrong category, …)
  'LEDGER_INVALID', // the ledger refused the request as malformed
  'LEDGER_CONFLICT', // the request clashes with what the ledger holds
  'LEDGER_NOT_FOUND', // the user, patient or record is not on the ledger
  'LEDGER_FAILED', // the ledger could not complete it, or its outcome is unknown
  'STORAGE_UNAVAILABLE', // the record storage did not answer
  'STORAGE_DENIED', // the record storage refused this workstation
  'STORAGE_FAILED', // any other storage failure
  'RECORD_MISSING', // the stored record (or its keys) is gone from storage
  'RECORD_ALTERED', // the stored bytes do not match the ledger's hash or fail their check
  'RECORD_NOT_SHARED', // no key on this card opens the record (e.g. after a revoke)
  'FILES_REFUSED', // picked files that cannot be added (unknown kind, unreadable)
  'CA_UNAVAILABLE', // the hospital's Fabric CA did not answer (or is not trusted)
  'CA_REFUSED', // the hospital's Fabric CA said no (rights, attributes, authentication)
  'ENROLMENT_ID_TAKEN', // the CA already has an identity with this enrolment id
  'CARD_HOLDS_KEYS', // the card to enrol already holds ACTION-EHR keys: confirm wiping it
  'CARD_WRONG_SO_PIN', // the card's security officer PIN is wrong (or locked)
  'ENROLMENT_INCOMPLETE', // a failed enrolment could not be undone entirely (what is left is named)
  'PACS_UNAVAILABLE', // the hospital PACS did not answer (down, or too slow)
  'PACS_REFUSED', // the PACS refused the request, or an instance it was sent
  'PACS_FAILED', // the PACS failed, or answered something that is not DICOMweb
  'PACS_PATIENT_CONFLICT', // the study is in the PACS under another patient
  'EHR_UNAVAILABLE', // the hospital EHR (FHIR server) did not answer (down, or too slow)
  'EHR_REFUSED', // the EHR refused the request (its OperationOutcome says why)
  'EHR_FAILED', // the EHR failed with a server error
  'EHR_NOT_R4', // the EHR, or a record, is not FHIR R4 JSON (an HTML page, malformed, R5)
  'EHR_PATIENT_MISMATCH', // no such patient in the EHR, or linked to another pseudonym
  'CANCELLED', // the person cancelled the operation
  'INVALID_CONSTRAINT', // a dose constraint that cannot be evaluated; the saved table is unchanged
  'REGISTRATION_FAILED', // an automatic registration could not be computed; nothing was accepted
  'EXPORT_FAILED', // a report could not be written where the person chose; nothing was left there
  'INTERNAL', // a bug: logged in full in the main process, summarised here
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface IpcError {
  code: ErrorCode;
  message: string;
  /** Per-field messages when the error concerns a form (e.g. settings). */
  fields?: Record<string, string>;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
