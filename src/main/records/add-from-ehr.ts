// Use case: Add from EHR. The patient's clinical history — Condition, Procedure (the
// radiotherapy course summary, as mCODE's RadiotherapyCourseSummary describes it),
// MedicationRequest, MedicationStatement, Observation, DiagnosticReport — is fetched from the
// hospital's FHIR R4 server, bundled as one FHIR collection Bundle per category (category by
// resource type, as when FHIR files are added from disk), and shared through the add-records
// path. The patient is found by the hospital's own patient id and must be linked in the EHR to
// the ledger pseudonym the records go under. A failed fetch registers nothing.
import type * as R4 from 'fhir/r4';
import type { EhrResourceType, EhrSearchResult } from '../../shared/ehr';
import type { AddedRecord } from '../../shared/ipc/contract';
import type { Category } from '../../shared/ledger';
import type { Settings } from '../../shared/settings';
import { stoppedError, type Operation } from '../app/operations';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import {
  configuredEhr,
  fetchPatientResources,
  findLinkedPatient,
  findLocalPatient,
  summarise,
  type EhrResource,
  type LinkedPatient,
} from '../ehr/patient-records';
import { EhrError } from '../errors';
import { toUserError } from '../failures';
import { addRecords } from './add';
import type { BundleFile } from './bundle';
import { fhirCategoryOf } from './classify';

export interface AddFromEhrRequest {
  /** The ledger pseudonym the records go under. */
  patientId: string;
  /** The hospital's own patient id, as its EHR holds it. */
  localPatientId: string;
  /** Which kinds to share; all six when left out. */
  resourceTypes?: EhrResourceType[];
}

const OUTCOME = 'Nothing was added.';

/** Search the EHR: the patient by the hospital's id, and what it holds of him to share. */
export async function searchEhr(
  settings: Pick<Settings, 'ehrUrl'>,
  query: { localPatientId: string },
  signal?: AbortSignal,
): Promise<EhrSearchResult> {
  const localPatientId = query.localPatientId.trim();
  if (!localPatientId) {
    throw new EhrError('INVALID_ARGUMENT', 'Give the patient’s hospital ID to search the EHR.');
  }
  const ehr = configuredEhr(settings);
  try {
    const linked = await findLocalPatient(ehr, localPatientId, signal);
    const resources = await fetchPatientResources(ehr, linked.patient.fhirId, undefined, signal);
    return { patient: linked.patient, resources: resources.map(summarise) };
  } catch (error) {
    throw toUserError(error, 'The search found nothing.');
  }
}

/**
 * The resource as it is shared: without what only the sending server means (version,
 * last-updated time), its patient reference carrying the hospital's patient identifier, so
 * the receiving hospital can keep the sender's patient id beside its own.
 */
function forSharing(resource: EhrResource, linked: LinkedPatient): EhrResource {
  const shared = structuredClone(resource) as EhrResource & {
    subject?: R4.Reference;
    patient?: R4.Reference;
  };
  if (shared.meta) {
    const { versionId: _v, lastUpdated: _l, source: _s, ...kept } = shared.meta;
    if (Object.keys(kept).length > 0) shared.meta = kept;
    else delete shared.meta;
  }
  const patientRef: R4.Reference = {
    reference: `Patient/${linked.patient.fhirId}`,
    identifier: {
      ...(linked.localIdentifier.system ? { system: linked.localIdentifier.system } : {}),
      value: linked.patient.localPatientId,
    },
  };
  if (shared.subject) shared.subject = patientRef;
  else if (shared.patient) shared.patient = patientRef;
  return shared;
}

/** One collection Bundle per category, as the files the add-records path shares. */
export function bundleByCategory(
  baseUrl: string,
  resources: readonly EhrResource[],
  now = new Date(),
): BundleFile[] {
  const groups = new Map<Category, EhrResource[]>();
  for (const resource of resources) {
    const category = fhirCategoryOf(resource.resourceType);
    if (!category) continue; // every type fetched has one (classify.ts); nothing else is asked
    groups.set(category, [...(groups.get(category) ?? []), resource]);
  }
  return [...groups].map(([category, members]) => {
    const bundle: R4.Bundle<EhrResource> = {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: now.toISOString(),
      entry: members.map((resource) => ({
        fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
        resource,
      })),
    };
    return { name: `ehr-${category}.json`, bytes: Buffer.from(JSON.stringify(bundle, null, 1)) };
  });
}

/** Fetches the linked patient's resources and bundles them per category. */
export async function fetchEhrFiles(
  settings: Pick<Settings, 'ehrUrl'>,
  request: AddFromEhrRequest,
  op: Operation,
): Promise<BundleFile[]> {
  const ehr = configuredEhr(settings);
  op.report('download', 0, null);
  const linked = await findLinkedPatient(
    ehr,
    request.localPatientId.trim(),
    request.patientId,
    op.signal,
  );
  const resources = await fetchPatientResources(
    ehr,
    linked.patient.fhirId,
    request.resourceTypes,
    op.signal,
  );
  if (resources.length === 0) {
    throw new EhrError(
      'INVALID_ARGUMENT',
      `The hospital EHR holds none of the picked kinds of records for patient ${linked.patient.localPatientId}. ${OUTCOME}`,
    );
  }
  const files = bundleByCategory(
    ehr.baseUrl,
    resources.map((r) => forSharing(r, linked)),
  );
  const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
  op.report('download', bytes, bytes);
  return files;
}

export async function addFromEhr(
  services: SignedInServices,
  directory: DirectoryLookup,
  settings: Pick<Settings, 'ehrUrl'>,
  request: AddFromEhrRequest,
  op: Operation,
): Promise<AddedRecord[]> {
  if (request.resourceTypes?.length === 0) {
    throw new EhrError('INVALID_ARGUMENT', `Pick at least one kind of record. ${OUTCOME}`);
  }
  let files: BundleFile[];
  try {
    files = await fetchEhrFiles(settings, request, op);
  } catch (error) {
    if (op.signal.aborted) throw stoppedError(op, 'download', OUTCOME);
    const user = toUserError(error, OUTCOME);
    throw user.message.endsWith(OUTCOME)
      ? user
      : new EhrError(user.code, `${user.message} ${OUTCOME}`, user.fields);
  }
  return addRecords(services, directory, { patientId: request.patientId, files }, op);
}
