// The hospital EHR, for real: HAPI FHIR's JPA server (R4), one for this file. The FHIR client
// (R4 check, search with paging, transactions) and the failures a clinician can meet: the EHR
// down or too slow, an address that is not the FHIR base (an HTML page), a server of another
// FHIR release, malformed JSON, a refusal with the server's OperationOutcome.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError } from '../../src/main/ehr/errors';
import { FhirClient } from '../../src/main/ehr/fhir-client';
import { toUserError } from '../../src/main/failures';
import {
  fhirMissing,
  fhirTransaction,
  patientHistory,
  startTestFhir,
  type TestFhir,
} from '../support/fhir';

const missing = fhirMissing();
if (missing) console.log(`EHR tests skipped: ${missing}.`);

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

describe.skipIf(Boolean(missing))('the hospital EHR over FHIR R4 (real HAPI FHIR)', () => {
  let ehr: TestFhir;
  const localPatientId = `HA-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ehr = await startTestFhir();
    await fhirTransaction(
      ehr.baseUrl,
      patientHistory({ localPatientId, pseudonym: null, extraObservations: 25 }),
    );
  }, 15 * 60_000);

  afterAll(async () => {
    await ehr?.close();
  });

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
