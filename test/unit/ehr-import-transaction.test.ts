// What Import into our EHR sends, decided before anything is posted: every resource a
// conditional create on its origin identifier; references rewritten so nothing dangles; the
// local Patient only gains identifiers; one Provenance per ledger record. And the record's
// files read defensively: malformed JSON and kinds R4 import does not take are named.
import { describe, expect, it } from 'vitest';
import type * as R4 from 'fhir/r4';
import { FhirError } from '../../src/main/ehr/errors';
import type { EhrResource } from '../../src/main/ehr/patient-records';
import {
  buildImportTransaction,
  readRecordResources,
  senderPatientIdSystem,
} from '../../src/main/records/import-to-ehr';
import { PSEUDONYM_IDENTIFIER_SYSTEM } from '../../src/shared/ehr';

const PATIENT = `pat-${'a'.repeat(32)}`;
const RECORD = 'b'.repeat(64);
const subject = { reference: 'Patient/7', identifier: { system: 'urn:oid:1.2', value: 'HA-42' } };
const observation: EhrResource = {
  resourceType: 'Observation',
  id: 'obs1',
  meta: { versionId: '3', lastUpdated: '2024-03-01T00:00:00Z' },
  status: 'final',
  code: { text: 'Hemoglobin' },
  subject,
  performer: [{ reference: 'Practitioner/99', display: 'Dr Arden' }],
};
const report: EhrResource = {
  resourceType: 'DiagnosticReport',
  id: 'rep1',
  status: 'final',
  code: { text: 'Full blood count' },
  subject,
  result: [{ reference: 'Observation/obs1' }, { reference: 'Observation/elsewhere' }],
};
const local: R4.Patient & { id: string } = {
  resourceType: 'Patient',
  id: '12',
  meta: { versionId: '2' },
  identifier: [{ system: 'urn:oid:9.9', value: 'HB-7' }],
};
const request = {
  patientId: PATIENT,
  localPatientId: 'HB-7',
  recordId: RECORD,
  senderHospital: 'HospitalAMSP',
};

describe('the import transaction', () => {
  const bundle = buildImportTransaction([observation, report], local, request);
  const entries = bundle.entry!;
  const [obs, rep, patient, provenance] = entries as [
    R4.BundleEntry<R4.Observation>,
    R4.BundleEntry<R4.DiagnosticReport>,
    R4.BundleEntry<R4.Patient>,
    R4.BundleEntry<R4.Provenance>,
  ];

  it('creates each resource only if its origin identifier is not there yet', () => {
    expect(bundle.type).toBe('transaction');
    expect(obs.request).toEqual({
      method: 'POST',
      url: 'Observation',
      ifNoneExist: new URLSearchParams({
        identifier: 'urn:action-ehr:origin:HospitalAMSP|Observation/obs1',
      }).toString(),
    });
    expect(obs.resource!.identifier).toEqual([
      { system: 'urn:action-ehr:origin:HospitalAMSP', value: 'Observation/obs1' },
    ]);
    expect(obs.resource!.id).toBeUndefined();
    expect(obs.resource!.meta).toBeUndefined();
  });

  it('points references at the local patient, at this import, or keeps only their display', () => {
    expect(obs.resource!.subject).toEqual({ reference: 'Patient/12' });
    expect(obs.resource!.performer).toEqual([{ display: 'Dr Arden' }]);
    expect(rep.resource!.result).toEqual([
      { reference: obs.fullUrl },
      { display: 'Observation/elsewhere at HospitalAMSP' },
    ]);
    expect(obs.fullUrl).toMatch(/^urn:uuid:/);
  });

  it('adds the sender’s patient id and the pseudonym to the local patient, keeping his own', () => {
    expect(patient.request).toEqual({ method: 'PUT', url: 'Patient/12', ifMatch: 'W/"2"' });
    expect(patient.resource!.identifier).toEqual([
      { system: 'urn:oid:9.9', value: 'HB-7' },
      expect.objectContaining({ system: senderPatientIdSystem('HospitalAMSP'), value: 'HA-42' }),
      expect.objectContaining({ system: PSEUDONYM_IDENTIFIER_SYSTEM, value: PATIENT }),
    ]);
    const already = buildImportTransaction(
      [observation],
      { ...local, identifier: patient.resource!.identifier },
      request,
    );
    expect(already.entry!.map((e) => e.request!.url)).toEqual([
      'Observation',
      `Provenance/aehr-${RECORD.slice(0, 59)}`,
    ]);
  });

  it('names the ledger record, its transaction and the sending hospital in one Provenance', () => {
    expect(provenance.request).toEqual({
      method: 'PUT',
      url: `Provenance/aehr-${RECORD.slice(0, 59)}`,
    });
    expect(provenance.resource!.target).toEqual([
      { reference: obs.fullUrl },
      { reference: rep.fullUrl },
    ]);
    expect(provenance.resource!.entity![0]!.what!.display).toContain(`transaction ${RECORD}`);
    expect(provenance.resource!.agent![0]!.who!.identifier!.value).toBe('HospitalAMSP');
  });
});

describe('reading a record’s FHIR files', () => {
  const file = (name: string, text: string) => ({ name, bytes: Buffer.from(text) });
  const failure = (files: { name: string; bytes: Uint8Array }[]) => {
    try {
      readRecordResources(files);
    } catch (error) {
      if (error instanceof FhirError) return error;
      throw error;
    }
    throw new Error('expected a FhirError');
  };

  it('reads collection Bundles and single resources, and skips DICOM', () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: report }] };
    const dicom = { name: 'ct.dcm', bytes: new Uint8Array(200) };
    const read = readRecordResources([
      file('b.json', JSON.stringify(bundle)),
      file('o.json', JSON.stringify(observation)),
      dicom,
    ]);
    expect(read.map((r) => r.resourceType)).toEqual(['DiagnosticReport', 'Observation']);
  });

  it('names malformed JSON, JSON that is no resource, and a kind R4 import does not take', () => {
    expect(failure([file('a.json', '{"resourceType":')]).message).toMatch(
      /a\.json is malformed JSON/,
    );
    expect(failure([file('b.json', '{"hello":1}')]).code).toBe('NOT_FHIR');
    const r5 = failure([file('c.json', '{"resourceType":"MedicationUsage","id":"1"}')]);
    expect(r5.code).toBe('NOT_R4');
    expect(r5.message).toMatch(/c\.json holds a FHIR MedicationUsage/);
    expect(
      failure([file('d.json', '{"resourceType":"Condition","id":"no spaces allowed"}')]).message,
    ).toMatch(/without a valid id/);
  });
});
