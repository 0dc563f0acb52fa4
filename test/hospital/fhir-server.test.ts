// The hospital EHR as the local network runs it: HAPI FHIR's JPA server built from Maven
// Central, started on loopback with its own H2 file. It must speak FHIR R4 when
// asked, and stop when told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cachedFhirServerJar,
  fhirServerAnswers,
  startFhirServer,
  type FhirServer,
} from '../../scripts/hospital/fhir-server';
import { reservePortBlock, type PortBlock } from '../support/port-blocks';
import { tempDir } from '../support/tmp';

const jar = cachedFhirServerJar();
const FHIR_JSON = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

describe.skipIf(!jar)('hospital FHIR server (HAPI FHIR JPA, R4)', () => {
  let server: FhirServer;
  let ports: PortBlock;
  const data = tempDir('fhir-server');

  beforeAll(async () => {
    ports = await reservePortBlock([70]);
    server = await startFhirServer({ port: ports.base + 70, dataDir: data.path });
  }, 15 * 60_000);

  afterAll(async () => {
    await server?.stop();
    ports?.release();
    data.cleanup();
  });

  it('answers its CapabilityStatement as FHIR R4 on loopback', async () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
    const res = await fetch(`${server.baseUrl}/metadata`, { headers: FHIR_JSON });
    const body = (await res.json()) as { resourceType: string; fhirVersion: string };
    expect(body.resourceType).toBe('CapabilityStatement');
    expect(body.fhirVersion).toMatch(/^4\.0\./);
  });

  it('stops when told, and then no longer answers', async () => {
    await server.stop();
    expect(await fhirServerAnswers(server.baseUrl)).toBe(false);
  });
});
