// The hospital EHR (real HAPI FHIR JPA server, R4) with a patient holding his diagnosis,
// course summary, medications, a report and 400 lab values (the searches page):
//   fetch for Add from EHR — the patient found by the hospital's id, his pseudonym link
//     checked, every resource of the six kinds searched (paged), each checked to be his, and
//     bundled per category — against the bare searches of the same kinds straight to the
//     server (every page, the kinds side by side, nothing checked);
//   Import into our EHR — the same resources as one transaction under a local patient
//     (conditional creates on their origin identifiers, the sender's id kept, a Provenance)
//     against a plain transaction creating the same resources, in the same run.
// Lower is better; the median of a few rounds, each import into a patient of its own.
import { randomUUID } from 'node:crypto';
import type * as R4 from 'fhir/r4';
import { Operations } from '../src/main/app/operations';
import { fetchEhrFiles } from '../src/main/records/add-from-ehr';
import { importIntoEhr } from '../src/main/records/import-to-ehr';
import {
  fhirMissing,
  fhirTransaction,
  HOSPITAL_PATIENT_IDS,
  patientHistory,
  startTestFhir,
} from '../test/support/fhir';
import { EHR_RESOURCE_TYPES } from '../src/shared/ehr';
import type { BenchFigure } from './format';

const ROUNDS = 5;
const LAB_VALUES = 400;
const FHIR_JSON = { accept: 'application/fhir+json', 'cache-control': 'no-cache' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function ms(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

async function fhirJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: FHIR_JSON });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Every page of a search, following the server's next links (it caps the page size). */
async function searchAll(url: string): Promise<number> {
  let found = 0;
  for (let next: string | undefined = url; next;) {
    const page: R4.Bundle = await fhirJson<R4.Bundle>(next);
    found += page.entry?.length ?? 0;
    next = page.link?.find((l) => l.relation === 'next')?.url;
  }
  return found;
}

export async function run(): Promise<BenchFigure[]> {
  const missing = fhirMissing();
  if (missing) {
    console.log(`ehr bench skipped: ${missing}`);
    return [];
  }
  const fhir = await startTestFhir();
  try {
    const settings = { ehrUrl: fhir.baseUrl };
    const operations = new Operations(() => {});
    const pseudonym = `pat-bench-${randomUUID()}`;
    const localPatientId = `BENCH-${randomUUID().slice(0, 8)}`;
    await fhirTransaction(
      fhir.baseUrl,
      patientHistory({ localPatientId, pseudonym, extraObservations: LAB_VALUES }),
    );
    const request = { patientId: pseudonym, localPatientId };
    // A first call of each kind warms the server's query plans and our client's R4 check.
    const files = await operations.run(undefined, (op) => fetchEhrFiles(settings, request, op));
    const resources = files.flatMap(
      (f) =>
        (
          JSON.parse(Buffer.from(f.bytes).toString('utf8')) as R4.Bundle<R4.FhirResource>
        ).entry?.map((e) => e.resource!) ?? [],
    );

    const ours: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(
        await ms(() => operations.run(undefined, (op) => fetchEhrFiles(settings, request, op))),
      );
      bare.push(
        await ms(async () => {
          const patients = await fhirJson<R4.Bundle<R4.Patient>>(
            `${fhir.baseUrl}/Patient?identifier=${encodeURIComponent(`${HOSPITAL_PATIENT_IDS}|${localPatientId}`)}`,
          );
          const id = patients.entry?.[0]?.resource?.id;
          const found = await Promise.all(
            EHR_RESOURCE_TYPES.map((type) =>
              searchAll(`${fhir.baseUrl}/${type}?patient=Patient/${id}&_count=100`),
            ),
          );
          if (found.reduce((a, b) => a + b, 0) !== resources.length)
            throw new Error('the bare searches found other resources than ours');
        }),
      );
    }

    const imports: number[] = [];
    const plain: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const target = `BENCH-B-${randomUUID().slice(0, 8)}`;
      await fhirTransaction(
        fhir.baseUrl,
        patientHistory({ localPatientId: target, pseudonym: null }).slice(0, 1),
      );
      imports.push(
        await ms(() =>
          operations.run(undefined, (op) =>
            importIntoEhr(
              settings,
              {
                files,
                patientId: pseudonym,
                localPatientId: target,
                recordId: randomUUID().replace(/-/g, ''),
                // A sender of its own per round: the origin identifiers are new, so every
                // resource is created, as on a first import.
                senderHospital: `BenchHospital${r}MSP`,
              },
              op,
            ),
          ),
        ),
      );
      const subject = { reference: `urn:uuid:${randomUUID()}` };
      plain.push(
        await ms(() =>
          fhirTransaction(fhir.baseUrl, [
            {
              fullUrl: subject.reference,
              resource: {
                resourceType: 'Patient',
                identifier: [{ system: HOSPITAL_PATIENT_IDS, value: `BENCH-C-${r}` }],
              },
              request: { method: 'POST', url: 'Patient' },
            },
            ...resources.map((resource) => ({
              resource: { ...withoutId(resource), subject } as R4.FhirResource,
              request: { method: 'POST' as const, url: resource.resourceType },
            })),
          ]),
        ),
      );
    }
    console.log(`ehr bench: ${resources.length} resources of the patient`);
    return [
      {
        name: 'ehr_fetch_patient_history_for_add_ms_lower_is_better',
        value: median(ours),
        unit: 'ms',
        reference: { name: 'bare_fhir_searches_side_by_side', value: median(bare) },
      },
      {
        name: 'ehr_import_shared_history_ms_lower_is_better',
        value: median(imports),
        unit: 'ms',
        reference: { name: 'plain_fhir_transaction_of_creates', value: median(plain) },
      },
    ];
  } finally {
    await fhir.close();
  }
}

function withoutId(resource: R4.FhirResource): R4.FhirResource {
  const { id: _id, ...rest } = resource;
  return rest as R4.FhirResource;
}
