// The hospitals' own systems as the demo story finds them, before any workstation is used:
// - HospitalA's EHR knows the demo patient under its own patient ID, linked to his ledger
//   pseudonym (a Patient.identifier of our pseudonym system, src/shared/ehr.ts), with his
//   diagnosis, his 2024 course summary (mCODE RadiotherapyCourseSummary) and his chemotherapy;
// - HospitalA's PACS holds his 2024 course (CT, structures, plan, dose, 30 treatment records);
// - HospitalB's EHR knows him as its own patient, under its own ID, not linked yet (the
//   import into HospitalB's EHR links him);
// - HospitalB's PACS holds his 2026 re-irradiation plan (reirradiation-2026.ts): a new CT in
//   HospitalB's own frame of reference, structures, a 10 × 3 Gy plan and its dose, and the
//   REG its planning system exported after fusing the 2024 CT.
// Written straight to the servers, as the hospitals' own systems would have: the EHR entries
// are conditional on their identifiers and the course is stored only when the PACS holds none
// of his studies, so seeding again duplicates nothing.
import type * as R4 from 'fhir/r4';
import { DicomWebClient } from '../../src/main/pacs/dicomweb';
import { PSEUDONYM_IDENTIFIER_SYSTEM } from '../../src/shared/ehr';
import { radiotherapyCourseSummary } from './mcode-course-summary';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { course2024Options, reirradiationPlan2026 } from './reirradiation-2026';

/** The demo patient in each hospital's own systems (each hospital numbers him its own way). */
export const DEMO_PATIENT = {
  name: { family: 'Demo', given: ['John'] },
  dicomName: 'DEMO^JOHN',
  birthDate: '1961-04-12',
  hospitalA: { system: 'https://hospitala.example.org/fhir/sid/patient-id', value: 'HA-2024-0042' },
  hospitalB: { system: 'https://hospitalb.example.org/fhir/sid/patient-id', value: 'HB-2026-0107' },
} as const;

/** HospitalA's ids of its own clinical records (what the conditional creates match on). */
const A_RECORD_IDS = 'https://hospitala.example.org/fhir/sid/record-id';
/** PACS STOW-RS batch: large enough to be quick, small enough to keep a request modest. */
const STOW_BATCH = 50;

const FHIR_JSON = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

async function transaction(baseUrl: string, entries: R4.BundleEntry<R4.FhirResource>[]) {
  const res = await fetch(baseUrl, {
    method: 'POST',
    headers: FHIR_JSON,
    body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: entries }),
    signal: AbortSignal.timeout(120_000),
  });
  if (!res.ok) {
    throw new Error(`the EHR at ${baseUrl} refused the seed (${res.status}): ${await res.text()}`);
  }
  await res.body?.cancel();
}

const identifierQuery = (i: { system: string; value: string }) =>
  new URLSearchParams({ identifier: `${i.system}|${i.value}` }).toString();

/** The Patient by his hospital ID, created or reset to exactly these identifiers. */
function patientEntry(
  fullUrl: string,
  local: { system: string; value: string },
  extra: R4.Identifier[],
): R4.BundleEntry<R4.FhirResource> {
  return {
    fullUrl,
    resource: {
      resourceType: 'Patient',
      identifier: [{ use: 'usual', system: local.system, value: local.value }, ...extra],
      name: [
        { use: 'official', family: DEMO_PATIENT.name.family, given: [...DEMO_PATIENT.name.given] },
      ],
      gender: 'male',
      birthDate: DEMO_PATIENT.birthDate,
    },
    request: { method: 'PUT', url: `Patient?${identifierQuery(local)}` },
  };
}

function createOnce(
  resource: R4.FhirResource & { identifier?: R4.Identifier[] },
): R4.BundleEntry<R4.FhirResource> {
  const id = resource.identifier![0]! as { system: string; value: string };
  return {
    resource,
    request: { method: 'POST', url: resource.resourceType, ifNoneExist: identifierQuery(id) },
  };
}

/** HospitalA's EHR: the patient linked to `pseudonym`, his diagnosis, course and medication. */
export async function seedHospitalAEhr(baseUrl: string, pseudonym: string): Promise<void> {
  const patient = 'urn:uuid:5f0c1c52-6a5e-4b43-9a51-0d4b0c2a0042';
  const subject = { reference: patient, display: 'John Demo' };
  const recordId = (value: string) => [{ system: A_RECORD_IDS, value }];
  await transaction(baseUrl, [
    patientEntry(patient, DEMO_PATIENT.hospitalA, [
      { use: 'secondary', system: PSEUDONYM_IDENTIFIER_SYSTEM, value: pseudonym },
    ]),
    createOnce({
      resourceType: 'Condition',
      identifier: recordId('dx-0042-1'),
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' },
        ],
      },
      verificationStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
            code: 'confirmed',
          },
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
      onsetDateTime: '2023-11-20',
      recordedDate: '2023-12-04',
    }),
    createOnce({
      ...radiotherapyCourseSummary({
        subject,
        start: '2024-01-08',
        end: '2024-02-16',
        sessions: 30,
        text: '2024 course: 60 Gy in 30 fractions, right upper lobe',
        identifier: recordId('rt-course-2024'),
        bodySite: [
          {
            coding: [
              { system: 'http://snomed.info/sct', code: '45653009', display: 'Upper lobe of lung' },
            ],
          },
        ],
      }),
      category: {
        coding: [
          { system: 'http://snomed.info/sct', code: '108290001', display: 'Radiation oncology' },
        ],
      },
    }),
    createOnce({
      resourceType: 'MedicationRequest',
      identifier: recordId('rx-0042-1'),
      status: 'completed',
      intent: 'order',
      medicationCodeableConcept: {
        coding: [
          {
            system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
            code: '2555',
            display: 'cisplatin',
          },
        ],
        text: 'Cisplatin 50 mg/m2, days 1, 8, 29 and 36 (concurrent with radiotherapy)',
      },
      subject,
      authoredOn: '2024-01-05',
    }),
  ]);
}

/** HospitalB's EHR: the patient under HospitalB's own ID, not linked to any pseudonym yet. */
export async function seedHospitalBEhr(baseUrl: string): Promise<void> {
  await transaction(baseUrl, [
    patientEntry('urn:uuid:5f0c1c52-6a5e-4b43-9a51-0d4b0c2b0107', DEMO_PATIENT.hospitalB, []),
  ]);
}

/**
 * HospitalA's PACS: the 2024 course under HospitalA's patient ID (STOW-RS), unless the PACS
 * holds a study of his already. Returns whether it stored one.
 */
export async function seedHospitalAPacs(
  dicomWebUrl: string,
  log: (line: string) => void,
): Promise<boolean> {
  const pacs = new DicomWebClient({ baseUrl: dicomWebUrl, timeoutMs: 120_000 });
  const patientId = DEMO_PATIENT.hospitalA.value;
  if ((await pacs.searchStudies({ patientId })).length > 0) return false;
  log('demo: synthesising the 2024 course (200-slice 512×512 CT, plan, dose, 30 fractions)');
  const course = synthesizeCourse(
    course2024Options({ matrix: 512, slices: 200, patientId, patientName: DEMO_PATIENT.dicomName }),
  );
  await storeAll(pacs, course.files, "HospitalA's PACS");
  log(`demo: HospitalA’s PACS holds the 2024 course (${course.files.length} instances)`);
  return true;
}

/**
 * HospitalB's PACS: the 2026 re-irradiation plan under HospitalB's patient ID, with the REG
 * from the 2024 frame into HospitalB's, unless the PACS holds that study already (it may
 * also hold the imported 2024 course under the same patient ID). Returns its study UID.
 */
export async function seedHospitalBPacs(
  dicomWebUrl: string,
  log: (line: string) => void,
): Promise<string> {
  const pacs = new DicomWebClient({ baseUrl: dicomWebUrl, timeoutMs: 120_000 });
  log('demo: synthesising the 2026 re-irradiation plan (120-slice 256×256 CT, REG, 10 × 3 Gy)');
  const plan = reirradiationPlan2026({
    matrix: 256,
    slices: 120,
    patientId: DEMO_PATIENT.hospitalB.value,
    patientName: DEMO_PATIENT.dicomName,
  });
  const studyInstanceUid = plan.course.studyInstanceUid;
  if ((await pacs.searchStudies({ studyInstanceUid })).length > 0) return studyInstanceUid;
  await storeAll(pacs, plan.files, "HospitalB's PACS");
  log(`demo: HospitalB’s PACS holds the 2026 re-irradiation plan (${plan.files.length} instances)`);
  return studyInstanceUid;
}

async function storeAll(
  pacs: DicomWebClient,
  files: readonly { bytes: Uint8Array }[],
  where: string,
): Promise<void> {
  for (let i = 0; i < files.length; i += STOW_BATCH) {
    const outcome = await pacs.store(files.slice(i, i + STOW_BATCH).map((f) => f.bytes));
    if (outcome.failed.length > 0) {
      throw new Error(`${where} refused ${outcome.failed.length} instances of the course`);
    }
  }
}
