// A real hospital EHR (HAPI FHIR JPA, R4) for a test file, on a port block reserved for it
// (port-blocks.ts), with a throwaway H2 folder, bounded in time so nothing outlives the run.
// Start-up takes about a minute and a GB: start one per test file, in beforeAll, and share it.
import type * as R4 from 'fhir/r4';
import {
  cachedFhirServerJar,
  startFhirServer,
  type FhirServer,
} from '../../scripts/hospital/fhir-server';
import { PSEUDONYM_IDENTIFIER_SYSTEM } from '../../src/shared/ehr';
import { radiotherapyCourseSummary } from '../../scripts/demo/mcode-course-summary';
import { startOnOwnPorts } from './port-blocks';

export interface TestFhir extends FhirServer {
  /** Stops the server, frees its port and deletes its database. */
  close(): Promise<void>;
}

/** Why EHR tests cannot run here, or undefined when they can. */
export function fhirMissing(): string | undefined {
  return cachedFhirServerJar()
    ? undefined
    : 'the HAPI FHIR server is not built (npm run setup builds it)';
}

/**
 * Starts a server for this test file. ACTION_EHR_TEST_FHIR_URL names one already running
 * instead (while working on these tests: start-up is the slow part); tests keep their data
 * apart by patient ids of their own, so a used server is fine.
 */
export async function startTestFhir(): Promise<TestFhir> {
  const running = process.env.ACTION_EHR_TEST_FHIR_URL;
  if (running) {
    const url = new URL(running);
    return {
      baseUrl: running,
      port: Number(url.port),
      pid: 0,
      stop: async () => {},
      close: async () => {},
    };
  }
  return startOnOwnPorts([0], 'fhir', (base, folder) =>
    startFhirServer({ port: base, dataDir: folder, lifetimeMs: 30 * 60_000 }),
  );
}

const FHIR_JSON = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

/** POSTs a transaction straight to the server (test set-up, not the workstation's path). */
export async function fhirTransaction(
  baseUrl: string,
  entries: R4.BundleEntry<R4.FhirResource>[],
): Promise<R4.Bundle> {
  const res = await fetch(baseUrl, {
    method: 'POST',
    headers: FHIR_JSON,
    body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: entries }),
  });
  const body = (await res.json()) as R4.Bundle;
  if (!res.ok) throw new Error(`set-up transaction failed: ${JSON.stringify(body)}`);
  return body;
}

/** How many resources of a type the server holds (optionally matching a search). */
export async function fhirCount(
  baseUrl: string,
  type: string,
  params: Record<string, string> = {},
): Promise<number> {
  const query = new URLSearchParams({ ...params, _summary: 'count' });
  // no-cache: HAPI otherwise answers a repeated search from its cache for a minute.
  const res = await fetch(`${baseUrl}/${type}?${query.toString()}`, {
    headers: { ...FHIR_JSON, 'cache-control': 'no-cache' },
  });
  return ((await res.json()) as R4.Bundle).total ?? 0;
}

export const HOSPITAL_PATIENT_IDS = 'urn:oid:1.2.3.4.5.1';

/**
 * A patient's clinical history as a hospital EHR holds it: the Patient (his hospital ID and
 * his ledger pseudonym), a diagnosis, an mCODE radiotherapy course summary, medications, a
 * lab value and a report. `extraObservations` adds lab values, to make searches page.
 */
export function patientHistory(opts: {
  localPatientId: string;
  pseudonym: string | null;
  family?: string;
  extraObservations?: number;
}): R4.BundleEntry<R4.FhirResource>[] {
  const p = 'urn:uuid:00000000-0000-4000-8000-000000000001';
  const subject = { reference: p };
  const post = (type: string) => ({ method: 'POST' as const, url: type });
  const identifier = [{ system: HOSPITAL_PATIENT_IDS, value: opts.localPatientId }];
  if (opts.pseudonym)
    identifier.push({ system: PSEUDONYM_IDENTIFIER_SYSTEM, value: opts.pseudonym });
  const entries: R4.BundleEntry<R4.FhirResource>[] = [
    {
      fullUrl: p,
      resource: {
        resourceType: 'Patient',
        identifier,
        name: [{ use: 'official', family: opts.family ?? 'Doe', given: ['John'] }],
        birthDate: '1961-04-12',
      },
      request: post('Patient'),
    },
    {
      resource: {
        resourceType: 'Condition',
        identifier: [{ system: 'urn:oid:1.2.3.4.5.2', value: `dx-${opts.localPatientId}` }],
        clinicalStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
          ],
        },
        code: {
          coding: [
            {
              system: 'http://snomed.info/sct',
              code: '254637007',
              display: 'Non-small cell lung cancer',
            },
          ],
          text: 'Non-small cell lung cancer, right upper lobe',
        },
        subject,
        onsetDateTime: '2024-02-01',
      },
      request: post('Condition'),
    },
    {
      resource: radiotherapyCourseSummary({
        subject,
        start: '2024-03-04',
        end: '2024-04-12',
        sessions: 30,
      }),
      request: post('Procedure'),
    },
    {
      resource: {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: { text: 'Cisplatin 75 mg/m2' },
        subject,
        authoredOn: '2024-03-01',
      },
      request: post('MedicationRequest'),
    },
    {
      resource: {
        resourceType: 'MedicationStatement',
        status: 'active',
        medicationCodeableConcept: { text: 'Ondansetron 8 mg' },
        subject,
        effectiveDateTime: '2024-03-05',
      },
      request: post('MedicationStatement'),
    },
    {
      fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000010',
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' }] },
        subject,
        effectiveDateTime: '2024-03-01',
        valueQuantity: {
          value: 13.2,
          unit: 'g/dL',
          system: 'http://unitsofmeasure.org',
          code: 'g/dL',
        },
      },
      request: post('Observation'),
    },
    {
      resource: {
        resourceType: 'DiagnosticReport',
        status: 'final',
        code: { text: 'Full blood count' },
        subject,
        effectiveDateTime: '2024-03-01',
        result: [{ reference: 'urn:uuid:00000000-0000-4000-8000-000000000010' }],
      },
      request: post('DiagnosticReport'),
    },
  ];
  for (let i = 0; i < (opts.extraObservations ?? 0); i++) {
    entries.push({
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '6690-2', display: 'Leukocytes' }] },
        subject,
        effectiveDateTime: `2024-03-${String((i % 28) + 1).padStart(2, '0')}`,
        valueQuantity: { value: 5 + i / 10, unit: '10*3/uL' },
      },
      request: post('Observation'),
    });
  }
  return entries;
}
