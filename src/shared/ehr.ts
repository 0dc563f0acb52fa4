// The hospital EHR (HL7 FHIR R4) as the screens and the use cases both see it. No Node, no DOM.

/**
 * The system URI of our ledger pseudonyms. A hospital links its own patient to his pseudonym
 * with a Patient.identifier of this system in its EHR; the link is never on the ledger.
 */
export const PSEUDONYM_IDENTIFIER_SYSTEM = 'urn:action-ehr:pseudonym';

/** Identifies a ledger record (its id, which is also the id of the transaction that added it). */
export const LEDGER_RECORD_IDENTIFIER_SYSTEM = 'urn:action-ehr:ledger-record';

/** Identifies a hospital (its Fabric MSP id), e.g. as the sender of an imported record. */
export const HOSPITAL_IDENTIFIER_SYSTEM = 'urn:action-ehr:hospital';

/**
 * The system of the identifier an import gives every resource: the sending hospital and the
 * resource's id there, so a repeated import finds what it created the first time.
 */
export function originIdentifierSystem(hospital: string): string {
  return `urn:action-ehr:origin:${hospital}`;
}

/** The resource types Add from EHR fetches for a patient. */
export const EHR_RESOURCE_TYPES = [
  'Condition',
  'Procedure',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'DiagnosticReport',
] as const;
export type EhrResourceType = (typeof EHR_RESOURCE_TYPES)[number];

/** mCODE's profile of a radiotherapy course summary (a Procedure). */
export const MCODE_RT_COURSE_SUMMARY =
  'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-course-summary';

/** A patient the hospital's EHR knows, as the screens show him. */
export interface EhrPatient {
  /** The resource id in the EHR (Patient/<fhirId>). */
  fhirId: string;
  /** The hospital's own patient id (the identifier searched for). */
  localPatientId: string;
  name: string;
  birthDate: string | null;
  /** The ledger pseudonym the EHR links him to, or null when it links none. */
  pseudonym: string | null;
}

/** One resource of the patient in the EHR, summarised for picking. */
export interface EhrResourceSummary {
  resourceType: EhrResourceType;
  id: string;
  /** What it is: "Condition", "Radiotherapy course summary", … */
  kind: string;
  /** The code's text or display, when it has one. */
  text: string;
  /** The clinically relevant date, when it has one. */
  date: string | null;
}

export interface EhrSearchResult {
  patient: EhrPatient;
  resources: EhrResourceSummary[];
}

/** What Import into our EHR did. */
export interface ImportIntoEhrResult {
  /** Resources the EHR did not hold before and now does. */
  created: number;
  /** Resources it held already (a repeated import). */
  alreadyThere: number;
  /** The local Patient the resources belong to, e.g. Patient/12. */
  patientReference: string;
  /** The Provenance naming the ledger record, e.g. Provenance/aehr-… */
  provenanceReference: string;
}

/** Pseudonym → the patient's name in this hospital's EHR, for those it links (only). */
export type LocalPatientNames = Record<string, string>;
