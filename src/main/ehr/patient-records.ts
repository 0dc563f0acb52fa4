// The patient's clinical history in the hospital EHR: find the Patient by the hospital's own
// patient id, check the EHR links him to the ledger pseudonym (a Patient.identifier of our
// pseudonym system), and fetch his resources of the kinds Add from EHR shares.
import type * as R4 from 'fhir/r4';
import {
  EHR_RESOURCE_TYPES,
  MCODE_RT_COURSE_SUMMARY,
  PSEUDONYM_IDENTIFIER_SYSTEM,
  type EhrPatient,
  type EhrResourceSummary,
  type EhrResourceType,
} from '../../shared/ehr';
import type { Settings } from '../../shared/settings';
import { EhrError } from '../errors';
import { FhirError } from './errors';
import { FhirClient } from './fhir-client';

let current: { url: string; client: FhirClient } | undefined;

/**
 * The client for the configured EHR; NOT_CONFIGURED when none is set. One client while the
 * setting stays the same, so the server's R4 check (its metadata) is asked once, not on
 * every search or every Shared-with-me view.
 */
export function configuredEhr(settings: Pick<Settings, 'ehrUrl'>): FhirClient {
  if (!settings.ehrUrl) {
    throw new EhrError(
      'NOT_CONFIGURED',
      'No hospital EHR is set up on this workstation (Settings, Hospital EHR).',
    );
  }
  if (current?.url !== settings.ehrUrl) {
    current = { url: settings.ehrUrl, client: new FhirClient({ baseUrl: settings.ehrUrl }) };
  }
  return current.client;
}

export type EhrResource = Extract<R4.FhirResource, { resourceType: EhrResourceType }>;

export interface LinkedPatient {
  patient: EhrPatient;
  /** The hospital's identifier that was searched for, as the EHR holds it. */
  localIdentifier: R4.Identifier;
  resource: R4.Patient;
}

export function displayName(patient: R4.Patient): string {
  const name = patient.name?.find((n) => n.use === 'official') ?? patient.name?.[0];
  if (!name) return '';
  if (name.text) return name.text;
  return [...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

/**
 * Whether the identifier is the hospital's own patient id `value`: not one of ours (the
 * pseudonym, or another hospital's patient id an import kept), which may hold the same text.
 */
export function isHospitalId(identifier: R4.Identifier, value: string): boolean {
  return identifier.value === value && !identifier.system?.startsWith('urn:action-ehr:');
}

/** The Patient whose identifier is `localPatientId`; exactly one, or a clear refusal. */
export async function findLocalPatient(
  ehr: FhirClient,
  localPatientId: string,
  signal?: AbortSignal,
): Promise<LinkedPatient> {
  const found = (
    await ehr.search<R4.Patient>('Patient', { identifier: localPatientId }, signal)
  ).filter((p) => p.identifier?.some((i) => isHospitalId(i, localPatientId)));
  if (found.length === 0) {
    throw new EhrError(
      'EHR_PATIENT_MISMATCH',
      `The hospital EHR has no patient with the ID ${localPatientId}.`,
    );
  }
  if (found.length > 1) {
    throw new EhrError(
      'EHR_PATIENT_MISMATCH',
      `The hospital EHR has ${found.length} patients with the ID ${localPatientId}; ask your EHR administrator to merge them.`,
    );
  }
  const resource = found[0]!;
  if (!resource.id) throw new FhirError('NOT_FHIR', 'The EHR answered a Patient without an id.');
  const pseudonyms = (resource.identifier ?? []).filter(
    (i) => i.system === PSEUDONYM_IDENTIFIER_SYSTEM && i.value,
  );
  return {
    resource,
    localIdentifier: resource.identifier!.find((i) => isHospitalId(i, localPatientId))!,
    patient: {
      fhirId: resource.id,
      localPatientId,
      name: displayName(resource),
      birthDate: resource.birthDate ?? null,
      pseudonym: pseudonyms.length === 1 ? pseudonyms[0]!.value! : null,
    },
  };
}

/** The linked patient, refused unless the EHR links him to exactly this pseudonym. */
export async function findLinkedPatient(
  ehr: FhirClient,
  localPatientId: string,
  pseudonym: string,
  signal?: AbortSignal,
): Promise<LinkedPatient> {
  const linked = await findLocalPatient(ehr, localPatientId, signal);
  if (linked.patient.pseudonym === null) {
    throw new EhrError(
      'EHR_PATIENT_MISMATCH',
      `The hospital EHR does not link patient ${localPatientId} to a ledger pseudonym, so his records cannot be shared under ${pseudonym}.`,
    );
  }
  if (linked.patient.pseudonym !== pseudonym) {
    throw new EhrError(
      'EHR_PATIENT_MISMATCH',
      `The hospital EHR links patient ${localPatientId} to another pseudonym (${linked.patient.pseudonym}), not to ${pseudonym}.`,
    );
  }
  return linked;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function subjectOf(resource: EhrResource): string | undefined {
  const r = resource as { subject?: R4.Reference; patient?: R4.Reference };
  return (r.subject ?? r.patient)?.reference;
}

/** Every resource of the patient of the kinds asked for, each checked to be his. */
export async function fetchPatientResources(
  ehr: FhirClient,
  patientFhirId: string,
  types: readonly EhrResourceType[] = EHR_RESOURCE_TYPES,
  signal?: AbortSignal,
): Promise<EhrResource[]> {
  // One search per kind, side by side: the wait is the slowest kind, not their sum.
  const perType = await Promise.all(
    types.map((type) =>
      ehr.search<EhrResource>(type, { patient: `Patient/${patientFhirId}`, _count: '100' }, signal),
    ),
  );
  return perType.flatMap((found, i) => found.map((r) => checkedAsHis(r, types[i]!, patientFhirId)));
}

function checkedAsHis(resource: EhrResource, type: string, patientFhirId: string): EhrResource {
  if (!resource.id || !FHIR_ID.test(resource.id)) {
    throw new FhirError('NOT_FHIR', `The EHR answered a ${type} without a valid id.`);
  }
  const subject = subjectOf(resource);
  if (subject !== `Patient/${patientFhirId}` && !subject?.endsWith(`/Patient/${patientFhirId}`)) {
    throw new FhirError(
      'NOT_FHIR',
      `The EHR answered ${type}/${resource.id} for patient ${patientFhirId}, but it belongs to ${subject ?? 'nobody'}.`,
    );
  }
  return resource;
}

function isCourseSummary(resource: EhrResource): boolean {
  return (
    resource.resourceType === 'Procedure' &&
    (resource.meta?.profile ?? []).some((p) => p.split('|')[0] === MCODE_RT_COURSE_SUMMARY)
  );
}

function codeText(concept: R4.CodeableConcept | undefined): string {
  return concept?.text ?? concept?.coding?.find((c) => c.display)?.display ?? '';
}

function dateOf(resource: EhrResource): string | null {
  switch (resource.resourceType) {
    case 'Condition':
      return resource.onsetDateTime ?? resource.recordedDate ?? null;
    case 'Procedure':
      return resource.performedPeriod?.start ?? resource.performedDateTime ?? null;
    case 'MedicationRequest':
      return resource.authoredOn ?? null;
    case 'MedicationStatement':
      return resource.effectivePeriod?.start ?? resource.effectiveDateTime ?? null;
    case 'Observation':
      return resource.effectiveDateTime ?? resource.effectivePeriod?.start ?? null;
    case 'DiagnosticReport':
      return resource.effectiveDateTime ?? resource.issued ?? null;
  }
}

function textOf(resource: EhrResource): string {
  switch (resource.resourceType) {
    case 'MedicationRequest':
    case 'MedicationStatement':
      return (
        codeText(resource.medicationCodeableConcept) ||
        (resource.medicationReference?.display ?? '')
      );
    default:
      return codeText(resource.code);
  }
}

export function summarise(resource: EhrResource): EhrResourceSummary {
  return {
    resourceType: resource.resourceType,
    id: resource.id ?? '',
    kind: isCourseSummary(resource) ? 'Radiotherapy course summary' : resource.resourceType,
    text: textOf(resource),
    date: dateOf(resource),
  };
}
