// Use case: Import into our EHR (receiving hospital). The FHIR resources of an opened shared
// record go to the local FHIR server in ONE transaction Bundle, under the local Patient the
// user confirmed:
// - each resource is a conditional create (ifNoneExist on an identifier naming the sending
//   hospital and the resource's id there), so a repeated import creates nothing twice;
// - references to the sender's patient point at the local Patient; references to resources
//   of the same import point at their new copies; any other reference (a practitioner, an
//   encounter of the other hospital) keeps only its display text, since it means nothing here;
// - the local Patient keeps his own identifiers and gains the sender's patient id as an extra
//   one (and the ledger pseudonym, when the EHR did not link him yet), never overwritten;
// - a Provenance names the ledger record, its transaction id and the sending hospital.
// A transaction is atomic on the server: a failed import leaves nothing half-imported.
import { randomUUID } from 'node:crypto';
import type * as R4 from 'fhir/r4';
import {
  EHR_RESOURCE_TYPES,
  HOSPITAL_IDENTIFIER_SYSTEM,
  LEDGER_RECORD_IDENTIFIER_SYSTEM,
  originIdentifierSystem,
  PSEUDONYM_IDENTIFIER_SYSTEM,
  type ImportIntoEhrResult,
} from '../../shared/ehr';
import type { Settings } from '../../shared/settings';
import { stoppedError, type Operation } from '../app/operations';
import type { SignedInServices } from '../app/signed-in-services';
import type { DirectoryLookup } from '../directory/lookup';
import { FhirError } from '../ehr/errors';
import type { FhirClient } from '../ehr/fhir-client';
import { configuredEhr, findLocalPatient, type EhrResource } from '../ehr/patient-records';
import { EhrError } from '../errors';
import { toUserError } from '../failures';
import { openRecord } from './open';

export interface ImportIntoEhrRequest {
  files: readonly { name: string; bytes: Uint8Array }[];
  /** The ledger pseudonym of the record's patient. */
  patientId: string;
  /** The local patient the user confirmed (the hospital's own patient id). */
  localPatientId: string;
  /** The ledger record (its id is also the id of the transaction that added it). */
  recordId: string;
  /** The sending hospital (its MSP id). */
  senderHospital: string;
}

const OUTCOME = 'Nothing was imported into the EHR.';
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const IMPORTED = new Set<string>(EHR_RESOURCE_TYPES);

/** The system of the sender's patient id, as kept on the local Patient. */
export function senderPatientIdSystem(hospital: string): string {
  return `urn:action-ehr:patient-id:${hospital}`;
}

function looksLikeJson(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.subarray(0, 64))
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return text.trimStart().startsWith('{');
}

/** The record's resources, each checked to be one of the R4 kinds an import takes. */
export function readRecordResources(files: ImportIntoEhrRequest['files']): EhrResource[] {
  const resources: EhrResource[] = [];
  const check = (value: unknown, name: string) => {
    const type = (value as { resourceType?: unknown })?.resourceType;
    if (typeof value !== 'object' || value === null || typeof type !== 'string') {
      throw new FhirError('NOT_FHIR', `${name} holds JSON that is not a FHIR resource.`);
    }
    if (!IMPORTED.has(type)) {
      throw new FhirError(
        'NOT_R4',
        `${name} holds a FHIR ${type}, which is not one of the R4 resources an EHR import takes (${EHR_RESOURCE_TYPES.join(', ')}).`,
      );
    }
    const id = (value as { id?: unknown }).id;
    if (typeof id !== 'string' || !FHIR_ID.test(id)) {
      throw new FhirError('NOT_FHIR', `${name} holds a ${type} without a valid id.`);
    }
    resources.push(value as EhrResource);
  };
  for (const file of files) {
    if (!looksLikeJson(file.bytes)) continue; // DICOM of the same record goes to the PACS
    let parsed: unknown;
    try {
      parsed = JSON.parse(
        Buffer.from(file.bytes)
          .toString('utf8')
          .replace(/^\uFEFF/, ''),
      );
    } catch {
      throw new FhirError('NOT_FHIR', `${file.name} is malformed JSON, so it is not FHIR.`);
    }
    if ((parsed as { resourceType?: unknown })?.resourceType === 'Bundle') {
      const entries = (parsed as { entry?: unknown }).entry;
      if (!Array.isArray(entries)) {
        throw new FhirError('NOT_FHIR', `${file.name} is a FHIR Bundle without entries.`);
      }
      for (const entry of entries) check((entry as { resource?: unknown })?.resource, file.name);
    } else {
      check(parsed, file.name);
    }
  }
  return resources;
}

const key = (type: string, id: string) => `${type}/${id}`;

/** The sender's patient (resource id and identifiers), from the resources' subject. */
function senderPatient(resources: readonly EhrResource[]): {
  refs: Set<string>;
  identifiers: R4.Identifier[];
} {
  const refs = new Set<string>();
  const identifiers = new Map<string, R4.Identifier>();
  for (const r of resources) {
    const subject =
      (r as { subject?: R4.Reference; patient?: R4.Reference }).subject ??
      (r as { patient?: R4.Reference }).patient;
    const match = /(?:^|\/)(Patient\/[A-Za-z0-9\-.]{1,64})$/.exec(subject?.reference ?? '');
    if (match) refs.add(match[1]!);
    const value = subject?.identifier?.value;
    if (value) identifiers.set(value, { value });
  }
  return { refs, identifiers: [...identifiers.values()] };
}

/**
 * Rewrites every Reference inside `value`: the sender's patient → the local Patient; a
 * resource of this import → its entry; anything else → its display text only.
 */
function rewriteReferences(
  value: unknown,
  patientRefs: Set<string>,
  localPatient: string,
  entries: Map<string, string>,
  sender: string,
): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => rewriteReferences(v, patientRefs, localPatient, entries, sender));
  }
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = rewriteReferences(v, patientRefs, localPatient, entries, sender);
  }
  if (typeof out.reference === 'string') {
    const ref = /(?:^|\/)([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(out.reference)?.[1];
    if (ref && patientRefs.has(ref)) {
      out.reference = localPatient;
      delete out.identifier; // the sender's patient id is kept on the Patient instead
    } else if (ref && entries.has(ref)) {
      out.reference = entries.get(ref);
    } else {
      out.display ??= `${out.reference} at ${sender}`;
      delete out.reference;
    }
  }
  return out;
}

function ifNoneExist(identifier: R4.Identifier): string {
  return new URLSearchParams({ identifier: `${identifier.system}|${identifier.value}` }).toString();
}

/** A stable Provenance id per ledger record, so a repeated import updates the same one. */
function provenanceId(recordId: string): string {
  return `aehr-${recordId.replace(/[^A-Za-z0-9\-.]/g, '').slice(0, 59)}`;
}

function withIdentifiers(patient: R4.Patient, extra: R4.Identifier[]): R4.Patient | null {
  const have = patient.identifier ?? [];
  const missing = extra.filter(
    (e) => !have.some((h) => h.system === e.system && h.value === e.value),
  );
  if (missing.length === 0) return null;
  return { ...patient, identifier: [...have, ...missing] };
}

export function buildImportTransaction(
  resources: readonly EhrResource[],
  local: R4.Patient & { id: string },
  request: Omit<ImportIntoEhrRequest, 'files'>,
  now = new Date(),
): R4.Bundle<R4.FhirResource> {
  const sender = request.senderHospital;
  const origin = originIdentifierSystem(sender);
  const patient = senderPatient(resources);
  const fullUrls = new Map(
    resources.map((r) => [key(r.resourceType, r.id!), `urn:uuid:${randomUUID()}`]),
  );
  const localPatientRef = `Patient/${local.id}`;
  const entries: R4.BundleEntry<R4.FhirResource>[] = resources.map((resource) => {
    const originId: R4.Identifier = {
      system: origin,
      value: key(resource.resourceType, resource.id!),
    };
    const { id: _id, meta, ...rest } = resource as EhrResource & { identifier?: R4.Identifier[] };
    const copy = rewriteReferences(
      rest,
      patient.refs,
      localPatientRef,
      fullUrls,
      sender,
    ) as EhrResource & {
      identifier?: R4.Identifier[];
    };
    const identifiers = (copy.identifier ?? []).filter(
      (i) => !(i.system === origin && i.value === originId.value),
    );
    copy.identifier = [...identifiers, originId];
    if (meta?.profile) copy.meta = { profile: meta.profile };
    return {
      fullUrl: fullUrls.get(key(resource.resourceType, resource.id!)),
      resource: copy,
      request: { method: 'POST', url: resource.resourceType, ifNoneExist: ifNoneExist(originId) },
    };
  });
  const extra: R4.Identifier[] = patient.identifiers.map((i) => ({
    use: 'secondary',
    system: senderPatientIdSystem(sender),
    value: i.value,
    assigner: {
      identifier: { system: HOSPITAL_IDENTIFIER_SYSTEM, value: sender },
      display: sender,
    },
  }));
  if (!(local.identifier ?? []).some((i) => i.system === PSEUDONYM_IDENTIFIER_SYSTEM)) {
    extra.push({ use: 'secondary', system: PSEUDONYM_IDENTIFIER_SYSTEM, value: request.patientId });
  }
  const updated = withIdentifiers(local, extra);
  if (updated) {
    const version = local.meta?.versionId;
    entries.push({
      fullUrl: `${localPatientRef}`,
      resource: updated,
      request: {
        method: 'PUT',
        url: localPatientRef,
        // Someone else's change to the patient meanwhile makes the whole import fail, not lost.
        ...(version ? { ifMatch: `W/"${version}"` } : {}),
      },
    });
  }
  const provenance: R4.Provenance = {
    resourceType: 'Provenance',
    id: provenanceId(request.recordId),
    target: resources.map((r) => ({ reference: fullUrls.get(key(r.resourceType, r.id!)) })),
    recorded: now.toISOString(),
    activity: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' },
      ],
      text: 'Imported from a record shared on the ACTION-EHR ledger',
    },
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
              code: 'author',
            },
          ],
        },
        who: {
          identifier: { system: HOSPITAL_IDENTIFIER_SYSTEM, value: sender },
          display: `Sending hospital ${sender}`,
        },
      },
    ],
    entity: [
      {
        role: 'source',
        what: {
          identifier: { system: LEDGER_RECORD_IDENTIFIER_SYSTEM, value: request.recordId },
          display: `Ledger record ${request.recordId} (transaction ${request.recordId}) from ${sender}`,
        },
      },
    ],
  };
  entries.push({
    fullUrl: `Provenance/${provenance.id}`,
    resource: provenance,
    request: { method: 'PUT', url: `Provenance/${provenance.id}` },
  });
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

/**
 * A repeat import is matched on the resources' origin identifiers alone (conditional
 * create), so a record imported once under the wrong patient and again under the right one
 * would be answered "already there" while it stays with the wrong one. The record's
 * Provenance (one per ledger record) names what the first import created: if that belongs
 * to another local patient, the import is refused before anything is sent.
 */
async function refuseIfImportedUnderAnother(
  ehr: FhirClient,
  recordId: string,
  localPatientFhirId: string,
  signal: AbortSignal,
): Promise<void> {
  const earlier = await ehr
    .read<R4.Provenance>('Provenance', provenanceId(recordId), signal)
    .catch((error: unknown) => {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) return null;
      throw error;
    });
  const target = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(
    earlier?.target?.[0]?.reference ?? '',
  );
  if (!target) return;
  const imported = (await ehr.read(
    target[1] as EhrResource['resourceType'],
    target[2]!,
    signal,
  )) as {
    subject?: R4.Reference;
    patient?: R4.Reference;
  };
  const subject = (imported.subject ?? imported.patient)?.reference ?? '';
  if (subject && subject !== `Patient/${localPatientFhirId}`) {
    throw new EhrError(
      'EHR_PATIENT_MISMATCH',
      `This record was already imported into the EHR under another patient (${subject}); it is not moved to this one. ${OUTCOME}`,
    );
  }
}

export async function importIntoEhr(
  settings: Pick<Settings, 'ehrUrl'>,
  request: ImportIntoEhrRequest,
  op: Operation,
): Promise<ImportIntoEhrResult> {
  const localPatientId = request.localPatientId.trim();
  if (!localPatientId) {
    throw new EhrError(
      'INVALID_ARGUMENT',
      `Confirm the local patient’s hospital ID first. ${OUTCOME}`,
    );
  }
  try {
    const resources = readRecordResources(request.files);
    if (resources.length === 0) {
      throw new EhrError('FILES_REFUSED', `The record holds no FHIR resources. ${OUTCOME}`);
    }
    const ehr = configuredEhr(settings);
    const linked = await findLocalPatient(ehr, localPatientId, op.signal);
    if (linked.patient.pseudonym !== null && linked.patient.pseudonym !== request.patientId) {
      throw new EhrError(
        'EHR_PATIENT_MISMATCH',
        `The hospital EHR links patient ${localPatientId} to another pseudonym (${linked.patient.pseudonym}), not to this record’s patient. ${OUTCOME}`,
      );
    }
    await refuseIfImportedUnderAnother(ehr, request.recordId, linked.patient.fhirId, op.signal);
    const bundle = buildImportTransaction(
      resources,
      { ...linked.resource, id: linked.patient.fhirId },
      { ...request, localPatientId },
    );
    op.report('upload', 0, resources.length, 'items');
    const answer = await ehr.transaction(bundle, op.signal);
    const statuses = (answer.entry ?? [])
      .slice(0, resources.length)
      .map((e) => e.response?.status ?? '');
    op.report('upload', resources.length, resources.length, 'items');
    return {
      created: statuses.filter((s) => s.startsWith('201')).length,
      alreadyThere: statuses.filter((s) => s.startsWith('200')).length,
      patientReference: `Patient/${linked.patient.fhirId}`,
      provenanceReference: `Provenance/${provenanceId(request.recordId)}`,
    };
  } catch (error) {
    if (op.signal.aborted) throw stoppedError(op, 'upload', OUTCOME);
    const user = toUserError(error, OUTCOME);
    throw user.message.endsWith(OUTCOME)
      ? user
      : new EhrError(user.code, `${user.message} ${OUTCOME}`, user.fields);
  }
}

/**
 * Import into our EHR from the record itself: opened here (verified, decrypted in memory; the
 * download is on the ledger like any other), then imported under the confirmed local patient.
 */
export async function importRecordIntoEhr(
  services: SignedInServices,
  directory: DirectoryLookup,
  settings: Pick<Settings, 'ehrUrl'>,
  request: { patientId: string; recordId: string; localPatientId: string },
  op: Operation,
): Promise<ImportIntoEhrResult> {
  configuredEhr(settings);
  const opened = await openRecord(services, directory, request, op);
  return importIntoEhr(
    settings,
    {
      files: opened.files,
      patientId: request.patientId,
      localPatientId: request.localPatientId,
      recordId: opened.record.recordId,
      senderHospital: opened.record.uploader.mspId ?? 'unknown',
    },
    op,
  );
}
