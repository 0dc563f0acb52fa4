// The hospital EHR, for real: HAPI FHIR's JPA server (R4), one for this file. The FHIR client
// (R4 check, search with paging, transactions) and the failures a clinician can meet: the EHR
// down or too slow, an address that is not the FHIR base (an HTML page), a server of another
// FHIR release, malformed JSON, a refusal with the server's OperationOutcome.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Operations } from '../../src/main/app/operations';
import { EhrError } from '../../src/main/errors';
import { FhirError } from '../../src/main/ehr/errors';
import { FhirClient } from '../../src/main/ehr/fhir-client';
import { toUserError } from '../../src/main/failures';
import { addFromEhr, searchEhr } from '../../src/main/records/add-from-ehr';
import { importIntoEhr, senderPatientIdSystem } from '../../src/main/records/import-to-ehr';
import { localPatientNames } from '../../src/main/ehr/local-names';
import {
  LEDGER_RECORD_IDENTIFIER_SYSTEM,
  originIdentifierSystem,
  PSEUDONYM_IDENTIFIER_SYSTEM,
} from '../../src/shared/ehr';
import type * as R4 from 'fhir/r4';
import type { AddedRecord } from '../../src/shared/ipc/contract';
import type { ImportIntoEhrResult } from '../../src/shared/ehr';
import { ledgerSkipReason } from '../support/ledger-network';
import { startRecordWorld, type RecordWorld } from '../support/record-world';
import { minioMissingReason } from '../storage/helpers';
import {
  fhirCount,
  HOSPITAL_PATIENT_IDS,
  fhirMissing,
  fhirTransaction,
  patientHistory,
  startTestFhir,
  type TestFhir,
} from '../support/fhir';

const missing = fhirMissing();
if (missing) console.log(`EHR tests skipped: ${missing}.`);

const operations = new Operations(() => {});
const run = <T>(work: Parameters<Operations['run']>[1]) =>
  operations.run(undefined, work) as Promise<T>;

async function rejection(promise: Promise<unknown>): Promise<EhrError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof EhrError)) throw new Error(`expected an EhrError, got ${String(error)}`);
  return error;
}

async function fhirFailure(promise: Promise<unknown>): Promise<FhirError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof FhirError)) throw new Error(`expected a FhirError, got ${String(error)}`);
  return error;
}

/** A loopback HTTP server answering every request with `answer` (or never, when null). */
async function fakeServer(
  answer: { status: number; type: string; body: string } | null,
): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    if (!answer) return; // holds the connection open: a server that stopped answering
    res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`, server };
}

// ONE HAPI server for this file (a minute and a GB each), started by the first block that
// needs it and shared by both.
let sharedFhir: Promise<TestFhir> | undefined;
const fhirServer = () => (sharedFhir ??= startTestFhir());
afterAll(async () => {
  await (await sharedFhir?.catch(() => undefined))?.close();
});

describe.skipIf(Boolean(missing))('the hospital EHR over FHIR R4 (real HAPI FHIR)', () => {
  let ehr: TestFhir;
  const localPatientId = `HA-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ehr = await fhirServer();
    await fhirTransaction(
      ehr.baseUrl,
      patientHistory({ localPatientId, pseudonym: null, extraObservations: 25 }),
    );
  }, 15 * 60_000);

  describe('the FHIR client', () => {
    it('checks the server is FHIR R4, and searches across pages', async () => {
      const client = new FhirClient({ baseUrl: ehr.baseUrl });
      expect((await client.capabilities()).fhirVersion).toMatch(/^4\.0\./);
      const [patient] = await client.search('Patient', { identifier: localPatientId });
      expect(patient?.id).toBeTruthy();
      // 26 observations, 10 a page: the client follows the server's next links.
      const observations = await client.search('Observation', {
        patient: `Patient/${patient!.id}`,
        _count: '10',
      });
      expect(observations).toHaveLength(26);
      expect(new Set(observations.map((o) => o.id)).size).toBe(26);
    });

    it('posts a transaction Bundle to the base and gets FHIR JSON back, not a web page', async () => {
      const client = new FhirClient({ baseUrl: `${ehr.baseUrl}/` });
      const answer = await client.transaction({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: {
              resourceType: 'Patient',
              identifier: [{ system: 'urn:test', value: localPatientId }],
            },
            request: {
              method: 'POST',
              url: 'Patient',
              ifNoneExist: `identifier=urn:test|${localPatientId}`,
            },
          },
        ],
      });
      expect(answer.entry?.[0]?.response?.status).toMatch(/^201/);
    });

    it('names an address that is not the FHIR base: the web container answers HTML there', async () => {
      const root = ehr.baseUrl.replace(/\/fhir$/, '');
      const client = new FhirClient({ baseUrl: root });
      const error = await fhirFailure(client.capabilities());
      expect(error.code).toBe('NOT_FHIR');
      expect(error.message).toMatch(/not FHIR JSON|not a FHIR resource/);
      expect(error.message).toMatch(/\/fhir/);
      expect(toUserError(error, 'Nothing was added.').code).toBe('EHR_NOT_R4');
    });

    it('surfaces the server’s OperationOutcome when it refuses', async () => {
      const client = new FhirClient({ baseUrl: ehr.baseUrl });
      const error = await fhirFailure(
        client.transaction({
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            {
              resource: {
                resourceType: 'Observation',
                status: 'final',
                code: { text: 'x' },
                subject: { reference: 'Patient/does-not-exist' },
              },
              request: { method: 'POST', url: 'Observation' },
            },
          ],
        }),
      );
      expect(error.code).toBe('REFUSED');
      expect(error.message).toMatch(/Patient\/does-not-exist/);
      expect(toUserError(error).code).toBe('EHR_REFUSED');
    });

    it('says so when the EHR is down or stops answering', async () => {
      const down = new FhirClient({ baseUrl: 'http://127.0.0.1:9/fhir' });
      const refused = await fhirFailure(down.capabilities());
      expect(refused.code).toBe('UNREACHABLE');
      const user = toUserError(refused, 'Nothing was added.');
      expect(user.code).toBe('EHR_UNAVAILABLE');
      expect(user.message).toMatch(/EHR cannot be reached\. Nothing was added\./);

      const silent = await fakeServer(null);
      try {
        const slow = new FhirClient({ baseUrl: silent.url, timeoutMs: 300 });
        const timedOut = await fhirFailure(slow.capabilities());
        expect(timedOut.code).toBe('TIMEOUT');
        expect(toUserError(timedOut).message).toMatch(/did not answer in time/);
      } finally {
        silent.server.closeAllConnections();
        silent.server.close();
      }
    });

    it('refuses a server of another FHIR release, and malformed JSON', async () => {
      const r5 = await fakeServer({
        status: 200,
        type: 'application/fhir+json',
        body: JSON.stringify({ resourceType: 'CapabilityStatement', fhirVersion: '5.0.0' }),
      });
      const broken = await fakeServer({
        status: 200,
        type: 'application/fhir+json',
        body: '{"resourceType":',
      });
      try {
        const notR4 = await fhirFailure(new FhirClient({ baseUrl: r5.url }).capabilities());
        expect(notR4.code).toBe('NOT_R4');
        expect(notR4.message).toMatch(/speaks FHIR 5\.0\.0.*R4 \(4\.0\.x\) only/);
        const malformed = await fhirFailure(new FhirClient({ baseUrl: broken.url }).capabilities());
        expect(malformed.code).toBe('NOT_FHIR');
        expect(malformed.message).toMatch(/malformed JSON/);
      } finally {
        r5.server.close();
        broken.server.close();
      }
    });
  });
});

const worldSkip = missing ?? ledgerSkipReason() ?? minioMissingReason();

describe.skipIf(Boolean(worldSkip))(
  'Add from EHR and Import into our EHR on the real network',
  () => {
    let world: RecordWorld;
    let ehrA: TestFhir;
    let ehrB: TestFhir;
    const localA = `HA-${randomUUID().slice(0, 8)}`;
    const localB = `HB-${randomUUID().slice(0, 8)}`;
    let added: AddedRecord[] = [];

    beforeAll(async () => {
      // One HAPI server plays both hospitals' EHRs (one per file: start-up is the slow part);
      // each hospital's patients are its own, by their ids.
      [world, ehrA] = await Promise.all([startRecordWorld(), fhirServer()]);
      ehrB = ehrA;
      const { patient } = world.people;
      await fhirTransaction(
        ehrA.baseUrl,
        patientHistory({ localPatientId: localA, pseudonym: patient.id }),
      );
      const [A, B] = world.workstations;
      await A.call('saveSettings', { values: { ehrUrl: ehrA.baseUrl } });
      await B.call('saveSettings', { values: { ehrUrl: ehrB.baseUrl } });
    }, 15 * 60_000);

    afterAll(async () => {
      await world?.stop();
    });

    it('finds the patient by his hospital ID, linked to his pseudonym, with what the EHR holds', async () => {
      const found = await searchEhr({ ehrUrl: ehrA.baseUrl }, { localPatientId: localA });
      expect(found.patient).toMatchObject({
        localPatientId: localA,
        name: 'John Doe',
        pseudonym: world.people.patient.id,
      });
      expect(found.resources.map((r) => r.kind).sort()).toEqual(
        [
          'Condition',
          'DiagnosticReport',
          'MedicationRequest',
          'MedicationStatement',
          'Observation',
          'Radiotherapy course summary',
        ].sort(),
      );
      const nobody = await rejection(
        searchEhr({ ehrUrl: ehrA.baseUrl }, { localPatientId: 'NOBODY' }),
      );
      expect(nobody.code).toBe('EHR_PATIENT_MISMATCH');
    });

    it('names the patients the hospital links to their pseudonyms, and nobody else, on the caregiver’s screen', async () => {
      const { patient, oncologistA } = world.people;
      const unknown = `pat-${'0'.repeat(32)}`;
      const A = world.workstations[0];
      await A.signInAs(oncologistA);
      try {
        expect(await A.call('localPatientNames', { patientIds: [patient.id, unknown] })).toEqual({
          [patient.id]: 'John Doe',
        });
      } finally {
        await A.signOut();
      }
      // No EHR set up, or one that does not answer: pseudonyms only, never an error.
      expect(await localPatientNames({ ehrUrl: null }, [patient.id])).toEqual({});
      expect(await localPatientNames({ ehrUrl: 'http://127.0.0.1:9/fhir' }, [patient.id])).toEqual(
        {},
      );
    });

    it('shares the history as one record per category; a failure registers nothing', async () => {
      const { patient, oncologistA } = world.people;
      const [A] = world.workstations;
      await A.signInAs(patient);
      await A.call('grantAccess', {
        caregiverId: oncologistA.id,
        categories: ['clinical-note', 'medication', 'lab'],
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validTo: new Date(Date.now() + 86_400_000).toISOString(),
        read: true,
        write: true,
      });
      await A.signOut();
      await A.signInAs(oncologistA);
      const { services, directory } = A.app.workspace.current();
      const request = { patientId: patient.id, localPatientId: localA };

      const down = await rejection(
        run((op) =>
          addFromEhr(services, directory, { ehrUrl: 'http://127.0.0.1:9/fhir' }, request, op),
        ),
      );
      expect(down.code).toBe('EHR_UNAVAILABLE');
      expect(down.message).toMatch(/EHR cannot be reached.*Nothing was added/);

      const broken = await fakeServer({
        status: 200,
        type: 'application/fhir+json',
        body: '{"resourceType":',
      });
      try {
        const malformed = await rejection(
          run((op) => addFromEhr(services, directory, { ehrUrl: broken.url }, request, op)),
        );
        expect(malformed.code).toBe('EHR_NOT_R4');
        expect(malformed.message).toMatch(/malformed JSON.*Nothing was added/);
      } finally {
        broken.server.close();
      }

      const otherPseudonym = await rejection(
        run((op) =>
          addFromEhr(
            services,
            directory,
            { ehrUrl: ehrA.baseUrl },
            {
              patientId: world.people.patient.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
              localPatientId: localA,
            },
            op,
          ),
        ),
      );
      expect(otherPseudonym.code).toBe('EHR_PATIENT_MISMATCH');
      expect((await A.call('listRecords', { patientId: patient.id })).records).toHaveLength(0);

      added = await run((op) =>
        addFromEhr(services, directory, { ehrUrl: ehrA.baseUrl }, request, op),
      );
      expect(added.map((a) => a.record.category).sort()).toEqual([
        'clinical-note',
        'lab',
        'medication',
      ]);
      const notes = added.find((a) => a.record.category === 'clinical-note')!;
      const opened = await A.call('openRecord', {
        patientId: patient.id,
        recordId: notes.record.recordId,
      });
      const bundle = JSON.parse(Buffer.from(opened.files[0]!.bytes).toString('utf8')) as {
        type: string;
        entry: { resource: { resourceType: string; subject: { identifier: { value: string } } } }[];
      };
      expect(bundle.type).toBe('collection');
      expect(bundle.entry.map((e) => e.resource.resourceType).sort()).toEqual(
        ['Condition', 'DiagnosticReport', 'Procedure'].sort(),
      );
      expect(bundle.entry[0]!.resource.subject.identifier.value).toBe(localA);
      await A.signOut();
    }, 180_000);

    it('imports the shared records into the receiving EHR under the local patient, twice', async () => {
      const { patient, oncologistB } = world.people;
      const [A, B] = world.workstations;
      await A.signInAs(patient);
      await A.call('grantAccess', {
        caregiverId: oncologistB.id,
        categories: ['clinical-note', 'medication', 'lab'],
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validTo: new Date(Date.now() + 86_400_000).toISOString(),
        read: true,
        write: false,
      });
      await A.signOut();
      // HospitalB knows the patient under its own ID, not yet linked to his pseudonym.
      const seeded = await fhirTransaction(ehrB.baseUrl, [
        {
          resource: {
            resourceType: 'Patient',
            identifier: [{ system: HOSPITAL_PATIENT_IDS, value: localB }],
            name: [{ family: 'Doe', given: ['John'] }],
          },
          request: { method: 'POST', url: 'Patient' },
        },
      ]);
      const localRef = /Patient\/[^/]+/.exec(seeded.entry![0]!.response!.location!)![0];
      const count = (type: string) => fhirCount(ehrB.baseUrl, type, { patient: localRef });

      await B.signInAs(oncologistB);
      const notes = added.find((a) => a.record.category === 'clinical-note')!.record;
      const lab = added.find((a) => a.record.category === 'lab')!.record;
      const settings = { ehrUrl: ehrB.baseUrl };

      // A failure inside the transaction leaves nothing: the EHR already holds two copies of
      // the course summary under its origin identifier, so its conditional create is refused.
      const sender = new FhirClient({ baseUrl: ehrA.baseUrl });
      const [senderPatient] = await sender.search<R4.Patient>('Patient', { identifier: localA });
      const [procedure] = await sender.search<R4.Procedure>('Procedure', {
        patient: `Patient/${senderPatient!.id}`,
      });
      const origin = {
        system: originIdentifierSystem('HospitalAMSP'),
        value: `Procedure/${procedure!.id}`,
      };
      const twins = await fhirTransaction(
        ehrB.baseUrl,
        [1, 2].map(() => ({
          resource: {
            resourceType: 'Procedure' as const,
            status: 'completed' as const,
            identifier: [origin],
            subject: { reference: localRef },
          },
          request: { method: 'POST' as const, url: 'Procedure' },
        })),
      );
      const openedNotes = await B.call('openRecord', {
        patientId: patient.id,
        recordId: notes.recordId,
      });
      const request = {
        files: openedNotes.files,
        patientId: patient.id,
        localPatientId: localB,
        recordId: notes.recordId,
        senderHospital: 'HospitalAMSP',
      };
      const provenances = () =>
        fhirCount(ehrB.baseUrl, 'Provenance', { _id: `aehr-${notes.recordId.slice(0, 59)}` });
      const refused = await rejection(run((op) => importIntoEhr(settings, request, op)));
      expect(refused.code).toBe('EHR_REFUSED');
      expect(refused.message).toMatch(/Nothing was imported into the EHR\.$/);
      expect(await count('Condition')).toBe(0);
      expect(await count('DiagnosticReport')).toBe(0);
      expect(await provenances()).toBe(0);
      for (const twin of twins.entry!) {
        const at = /Procedure\/[^/]+/.exec(twin.response!.location!)![0];
        const res = await fetch(`${ehrB.baseUrl}/${at}`, { method: 'DELETE' });
        expect(res.ok).toBe(true);
      }
      expect(await count('Procedure')).toBe(0);

      // Malformed JSON, a kind R4 does not have, the EHR down, a patient linked to someone
      // else: each named, nothing imported.
      const bad = (name: string, text: string) => ({
        ...request,
        files: [{ name, bytes: Buffer.from(text) }],
      });
      const malformed = await rejection(
        run((op) => importIntoEhr(settings, bad('notes.json', '{"resourceType":'), op)),
      );
      expect(malformed.code).toBe('EHR_NOT_R4');
      expect(malformed.message).toMatch(/notes\.json is malformed JSON.*Nothing was imported/);
      const r5 = await rejection(
        run((op) =>
          importIntoEhr(
            settings,
            bad('r5.json', '{"resourceType":"MedicationUsage","id":"1"}'),
            op,
          ),
        ),
      );
      expect(r5.code).toBe('EHR_NOT_R4');
      expect(r5.message).toMatch(/MedicationUsage/);
      const down = await rejection(
        run((op) => importIntoEhr({ ehrUrl: 'http://127.0.0.1:9/fhir' }, request, op)),
      );
      expect(down.code).toBe('EHR_UNAVAILABLE');
      expect(down.message).toMatch(/EHR cannot be reached.*Nothing was imported/);
      const mismatch = await rejection(
        run((op) =>
          importIntoEhr(
            settings,
            { ...request, patientId: 'pat-' + '0'.repeat(32), localPatientId: localA },
            op,
          ),
        ),
      );
      expect(mismatch.code).toBe('EHR_PATIENT_MISMATCH');
      expect(await count('Condition')).toBe(0);

      const first = await run<ImportIntoEhrResult>((op) => importIntoEhr(settings, request, op));
      expect(first).toMatchObject({ created: 3, alreadyThere: 0, patientReference: localRef });
      const again = await run<ImportIntoEhrResult>((op) => importIntoEhr(settings, request, op));
      expect(again).toMatchObject({ created: 0, alreadyThere: 3 });
      expect(await count('Condition')).toBe(1);
      expect(await count('Procedure')).toBe(1);
      expect(await count('DiagnosticReport')).toBe(1);
      expect(await provenances()).toBe(1);
      // The same record confirmed for another local patient is refused, not "already there"
      // under the first one; nothing moves.
      const otherB = `HB-OTHER-${randomUUID().slice(0, 8)}`;
      await fhirTransaction(
        ehrB.baseUrl,
        patientHistory({ localPatientId: otherB, pseudonym: null }).slice(0, 1),
      );
      const elsewhere = await rejection(
        run((op) => importIntoEhr(settings, { ...request, localPatientId: otherB }, op)),
      );
      expect(elsewhere.code).toBe('EHR_PATIENT_MISMATCH');
      const fromSender = { identifier: `${originIdentifierSystem('HospitalAMSP')}|` };
      expect(await fhirCount(ehrB.baseUrl, 'Condition', fromSender)).toBe(1);
      expect(elsewhere.message).toMatch(
        new RegExp(
          `already imported into the EHR under another patient \\(${localRef}\\).*Nothing was imported`,
        ),
      );
      expect(await count('Condition')).toBe(1);

      // The local patient keeps his own ID and gains the sender's, and the pseudonym link.
      const receiving = new FhirClient({ baseUrl: ehrB.baseUrl });
      const local = await receiving.read<R4.Patient>('Patient', localRef.split('/')[1]!);
      expect(local.identifier).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ system: HOSPITAL_PATIENT_IDS, value: localB }),
          expect.objectContaining({
            system: senderPatientIdSystem('HospitalAMSP'),
            value: localA,
          }),
          expect.objectContaining({ system: PSEUDONYM_IDENTIFIER_SYSTEM, value: patient.id }),
        ]),
      );
      expect(local.identifier).toHaveLength(3);
      const provenance = await receiving.read<R4.Provenance>(
        'Provenance',
        first.provenanceReference.split('/')[1]!,
      );
      expect(provenance.entity?.[0]?.what?.identifier).toEqual({
        system: LEDGER_RECORD_IDENTIFIER_SYSTEM,
        value: notes.recordId,
      });
      expect(provenance.entity?.[0]?.what?.display).toContain(`transaction ${notes.recordId}`);
      expect(provenance.agent?.[0]?.who?.identifier?.value).toBe('HospitalAMSP');
      expect(provenance.target).toHaveLength(3);
      expect(provenance.target!.map((t) => t.reference?.split('/')[0]).sort()).toEqual([
        'Condition',
        'DiagnosticReport',
        'Procedure',
      ]);

      // From the record itself, as the screen does it: the lab record, twice.
      const viaChannel = { patientId: patient.id, recordId: lab.recordId, localPatientId: localB };
      expect(await B.call('importIntoEhr', viaChannel)).toMatchObject({
        created: 1,
        alreadyThere: 0,
      });
      expect(await B.call('importIntoEhr', viaChannel)).toMatchObject({
        created: 0,
        alreadyThere: 1,
      });
      expect(await count('Observation')).toBe(1);
      // The sender's patient id kept on the local patient never makes him that hospital's
      // patient: a search by it still finds the sender's patient only.
      const sendersOwn = await searchEhr(settings, { localPatientId: localA });
      expect(sendersOwn.patient.fhirId).toBe(senderPatient!.id);
      await B.signOut();
    }, 240_000);
  },
);
