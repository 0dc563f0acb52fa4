// The hospital PACS, for real: Orthanc with its DICOMweb plugin (one per hospital), a
// synthetic RT course stored in it. Search (QIDO-RS), retrieve (WADO-RS) with progress and
// cancel, Send to our PACS (STOW-RS) twice without duplicates and with the sender's patient ID
// kept, and the failures a clinician can meet: the PACS down, a study already held under
// another patient, an instance the PACS refuses (nothing half-imported). Then, on the real
// Fabric network, Add from PACS: the course becomes one record per category, and opens.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Operations } from '../../src/main/app/operations';
import { EhrError } from '../../src/main/errors';
import { toUserError } from '../../src/main/failures';
import { DicomWebClient } from '../../src/main/pacs/dicomweb';
import { readIdentity } from '../../src/main/pacs/patient-rewrite';
import { searchPacs } from '../../src/main/pacs/search';
import { addFromPacs, retrieveSeriesFiles } from '../../src/main/records/add-from-pacs';
import { sendToPacs } from '../../src/main/records/send-to-pacs';
import type { AddedRecord } from '../../src/shared/ipc/contract';
import type { Category } from '../../src/shared/ledger';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import { dicomParser } from '../../src/shared/rt/parse/dicom-parser';
import { ledgerSkipReason } from '../support/ledger-network';
import { orthancMissing, startTestOrthanc, type TestOrthanc } from '../support/orthanc';
import { startRecordWorld, type RecordWorld } from '../support/record-world';
import { tempDir } from '../support/tmp';
import { minioMissingReason } from '../storage/helpers';

const missing = orthancMissing();
if (missing) console.log(`PACS tests skipped: ${missing}.`);

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

async function instanceCount(pacs: TestOrthanc): Promise<number> {
  const res = await fetch(`${pacs.url}/instances`);
  return ((await res.json()) as string[]).length;
}

describe.skipIf(Boolean(missing))('the hospital PACS over DICOMweb (real Orthanc)', () => {
  let sending: TestOrthanc;
  let receiving: TestOrthanc;
  let refusing: TestOrthanc;
  const lua = tempDir('orthanc-lua');
  const course = synthesizeCourse({
    slices: 12,
    deliveredFractions: 3,
    patientId: 'HA-0042',
    patientName: 'DOE^JOHN',
  });

  beforeAll(async () => {
    // A hospital policy that refuses one kind of instance: the plan.
    const script = join(lua.path, 'refuse-plans.lua');
    writeFileSync(
      script,
      "function ReceivedInstanceFilter(dicom, origin, info)\n  return dicom.Modality ~= 'RTPLAN'\nend\n",
    );
    [sending, receiving, refusing] = await Promise.all([
      startTestOrthanc('HospitalAPACS'),
      startTestOrthanc('HospitalBPACS'),
      startTestOrthanc('StrictPACS', { luaScripts: [script] }),
    ]);
    const stored = await new DicomWebClient({ baseUrl: sending.dicomWebUrl }).store(
      course.files.map((f) => f.bytes),
    );
    expect(stored.failed).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([sending?.close(), receiving?.close(), refusing?.close()]);
    lua.cleanup();
  });

  it('finds the course by patient ID, name, date and modality, with its RT series', async () => {
    const settings = { pacsUrl: sending.dicomWebUrl };
    const [study] = await searchPacs(settings, { patientId: 'HA-0042' });
    expect(study).toMatchObject({
      studyInstanceUid: course.studyInstanceUid,
      patientName: 'DOE^JOHN',
    });
    expect(study!.series.map((s) => s.modality).sort()).toEqual(
      ['CT', 'RTDOSE', 'RTPLAN', 'RTRECORD', 'RTSTRUCT'].sort(),
    );
    expect(study!.series.find((s) => s.modality === 'CT')!.instanceCount).toBe(12);
    expect(await searchPacs(settings, { patientName: 'DOE*' })).toHaveLength(1);
    expect(await searchPacs(settings, { modality: 'RTDOSE' })).toHaveLength(1);
    expect(await searchPacs(settings, { studyDate: `${study!.studyDate}-` })).toHaveLength(1);
    expect(await searchPacs(settings, { patientId: 'NOBODY' })).toEqual([]);
    const badDate = await rejection(searchPacs(settings, { studyDate: '2024-01-01' }));
    expect(badDate.code).toBe('INVALID_ARGUMENT');
    const unset = await rejection(searchPacs({ pacsUrl: null }, { patientId: 'HA-0042' }));
    expect(unset.code).toBe('NOT_CONFIGURED');
  });

  it('retrieves a series over WADO-RS with byte progress, identical to what was stored', async () => {
    const [study] = await searchPacs({ pacsUrl: sending.dicomWebUrl }, { patientId: 'HA-0042' });
    const ct = study!.series.find((s) => s.modality === 'CT')!;
    let bytes = 0;
    const ops = new Operations((p) => (bytes = Math.max(bytes, p.done)));
    const files = await ops.run('retrieve', (op) =>
      retrieveSeriesFiles({ pacsUrl: sending.dicomWebUrl }, [ct], op),
    );
    expect(files).toHaveLength(12);
    const original = new Map(
      course.files.map((f) => [readIdentity(f.bytes).sopInstanceUid, Buffer.from(f.bytes)]),
    );
    for (const f of files) {
      const uid = readIdentity(f.bytes).sopInstanceUid;
      expect(Buffer.compare(Buffer.from(f.bytes), original.get(uid)!)).toBe(0);
    }
    expect(bytes).toBeGreaterThan(files.reduce((n, f) => n + f.bytes.length, 0));

    const cancelled = new Operations(() => {});
    const stopped = cancelled.run('stop-me', async (op) => {
      queueMicrotask(() => cancelled.cancel('stop-me'));
      return retrieveSeriesFiles({ pacsUrl: sending.dicomWebUrl }, [ct], op);
    });
    await expect(stopped).rejects.toMatchObject({ code: 'ABORTED' });

    const unknown = await rejection(
      run((op) =>
        addFromPacs(
          {} as never,
          {} as never,
          { pacsUrl: sending.dicomWebUrl },
          {
            patientId: 'pat-x',
            series: [{ studyInstanceUid: ct.studyInstanceUid, seriesInstanceUid: '1.2.3.4' }],
          },
          op,
        ),
      ),
    );
    expect(unknown.code).toBe('PACS_REFUSED');
    expect(unknown.message).toBe(
      'The PACS does not hold that study or series (any more). Nothing was added.',
    );
  });

  it('says the PACS is too slow when it accepts a connection and never answers', async () => {
    const silent = createServer(() => {}); // accepts, reads, never answers
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    try {
      const client = new DicomWebClient({
        baseUrl: `http://127.0.0.1:${port}/dicom-web`,
        timeoutMs: 300,
      });
      const error = await client.searchStudies({ patientId: 'HA-0042' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT' });
      const shown = toUserError(error, 'The search found nothing.');
      expect(shown.code).toBe('PACS_UNAVAILABLE');
      expect(shown.message).toBe(
        'The hospital PACS did not answer in time. The search found nothing. Try again.',
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  const request = (files = course.files) => ({
    files,
    localPatientId: 'HB-7',
    localPatientName: 'DOE^JOHN^^^LOCAL',
    senderIssuer: 'HospitalAMSP',
  });

  it('sends the course to the receiving PACS under the local patient, twice without duplicates', async () => {
    const settings = { pacsUrl: receiving.dicomWebUrl };
    const first = await run<Awaited<ReturnType<typeof sendToPacs>>>((op) =>
      sendToPacs(settings, request(), op),
    );
    expect(first).toMatchObject({ stored: course.files.length, alreadyThere: 0 });
    const again = await run<Awaited<ReturnType<typeof sendToPacs>>>((op) =>
      sendToPacs(settings, request(), op),
    );
    expect(again).toMatchObject({ stored: 0, alreadyThere: course.files.length });
    expect(await instanceCount(receiving)).toBe(course.files.length);

    const [study] = await searchPacs(settings, { patientId: 'HB-7' });
    expect(study).toMatchObject({
      studyInstanceUid: course.studyInstanceUid,
      patientName: 'DOE^JOHN^^^LOCAL',
    });
    // Every UID kept; the sender's patient ID in Other Patient IDs Sequence.
    const plan = study!.series.find((s) => s.modality === 'RTPLAN')!;
    const [file] = await retrieveSeriesFiles(settings, [plan], {
      signal: new AbortController().signal,
      report: () => {},
    });
    const ds = dicomParser.parseDicom(file!.bytes);
    expect(ds.string('x00080018')).toBe(course.planUid);
    expect(ds.string('x00100020')).toBe('HB-7');
    const other = ds.elements.x00101002!.items![0]!.dataSet!;
    expect(other.string('x00100020')).toBe('HA-0042');
    expect(other.string('x00100021')).toBe('HospitalAMSP');
  });

  it('refuses a study the PACS holds under another patient, storing nothing', async () => {
    const before = await instanceCount(receiving);
    const conflict = await rejection(
      run((op) =>
        sendToPacs(
          { pacsUrl: receiving.dicomWebUrl },
          { ...request(), localPatientId: 'HB-8' },
          op,
        ),
      ),
    );
    expect(conflict.code).toBe('PACS_PATIENT_CONFLICT');
    expect(conflict.message).toMatch(/under another patient \(ID HB-7\)/);
    expect(conflict.message).toMatch(/Nothing was imported/);
    expect(await instanceCount(receiving)).toBe(before);
  });

  it('removes what it stored when the PACS refuses an instance: nothing half-imported', async () => {
    const refused = await rejection(
      run((op) => sendToPacs({ pacsUrl: refusing.dicomWebUrl }, request(), op)),
    );
    expect(refused.code).toBe('PACS_REFUSED');
    expect(refused.message).toMatch(/refused 1 instance \(RP\.dcm\)/);
    expect(await instanceCount(refusing)).toBe(0);
  });

  it('says the PACS cannot be reached when it is down, and refuses files that are not DICOM', async () => {
    const down = await startTestOrthanc('GonePACS');
    const url = down.dicomWebUrl;
    await down.close();
    const unreachable = await rejection(run((op) => sendToPacs({ pacsUrl: url }, request(), op)));
    expect(unreachable.code).toBe('PACS_UNAVAILABLE');
    expect(unreachable.message).toMatch(/cannot be reached.*Nothing was imported/);
    const search = await rejection(searchPacs({ pacsUrl: url }, { patientId: 'HA-0042' }));
    expect(search.code).toBe('PACS_UNAVAILABLE');
    const notDicom = await rejection(
      run((op) =>
        sendToPacs(
          { pacsUrl: receiving.dicomWebUrl },
          request([{ name: 'notes.json', bytes: Buffer.from('{}') }]),
          op,
        ),
      ),
    );
    expect(notDicom.code).toBe('FILES_REFUSED');
  });
});

const worldSkip = missing ?? ledgerSkipReason() ?? minioMissingReason();
const COURSE_CATEGORIES: Category[] = ['imaging', 'radiotherapy-plan', 'dose', 'treatment-record'];

describe.skipIf(Boolean(worldSkip))(
  'Add from PACS and Send to our PACS on the real network',
  () => {
    let world: RecordWorld;
    let pacsA: TestOrthanc;
    let pacsB: TestOrthanc;
    const course = synthesizeCourse({ slices: 8, deliveredFractions: 2, patientId: 'HA-0042' });
    let added: AddedRecord[] = [];

    beforeAll(async () => {
      [world, pacsA, pacsB] = await Promise.all([
        startRecordWorld(),
        startTestOrthanc('HospitalAPACS'),
        startTestOrthanc('HospitalBPACS'),
      ]);
      await new DicomWebClient({ baseUrl: pacsA.dicomWebUrl }).store(
        course.files.map((f) => f.bytes),
      );
      const [A, B] = world.workstations;
      await A.call('saveSettings', { values: { pacsUrl: pacsA.dicomWebUrl } });
      await B.call('saveSettings', { values: { pacsUrl: pacsB.dicomWebUrl } });
    }, 300_000);

    afterAll(async () => {
      await Promise.all([world?.stop(), pacsA?.close(), pacsB?.close()]);
    });

    it('shares the picked series as one record per category; a failed retrieve registers nothing', async () => {
      const { patient, oncologistA } = world.people;
      const [A] = world.workstations;
      await A.signInAs(patient);
      await A.call('grantAccess', {
        caregiverId: oncologistA.id,
        categories: COURSE_CATEGORIES,
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validTo: new Date(Date.now() + 86_400_000).toISOString(),
        read: true,
        write: true,
      });
      await A.signOut();

      await A.signInAs(oncologistA);
      const [study] = await A.call('searchPacs', { patientId: 'HA-0042' });
      const picked = study!.series.map((s) => ({
        studyInstanceUid: s.studyInstanceUid,
        seriesInstanceUid: s.seriesInstanceUid,
      }));

      const { services, directory } = A.app.workspace.current();
      const gone = { pacsUrl: 'http://127.0.0.1:9/dicom-web' };
      const refused = await rejection(
        run((op) =>
          addFromPacs(services, directory, gone, { patientId: patient.id, series: picked }, op),
        ),
      );
      expect(refused.code).toBe('PACS_UNAVAILABLE');
      expect(refused.message).toMatch(/Nothing was added/);
      expect((await A.call('listRecords', { patientId: patient.id })).records).toHaveLength(0);

      added = await A.call('addFromPacs', { patientId: patient.id, series: picked });
      expect(added.map((a) => a.record.category).sort()).toEqual([...COURSE_CATEGORIES].sort());
      const imaging = added.find((a) => a.record.category === 'imaging')!;
      expect(imaging.files).toHaveLength(8);

      const opened = await A.call('openRecord', {
        patientId: patient.id,
        recordId: imaging.record.recordId,
      });
      const uids = opened.files.map((f) => readIdentity(f.bytes).sopInstanceUid).sort();
      const ctUids = course.files
        .filter((f) => f.name.startsWith('CT_'))
        .map((f) => readIdentity(f.bytes).sopInstanceUid)
        .sort();
      expect(uids).toEqual(ctUids);
      await A.signOut();
    }, 120_000);

    it('refuses to share a category without a write grant', async () => {
      const { patient, physicistB } = world.people;
      const B = world.workstations[1];
      await B.signInAs(physicistB);
      const [study] = await searchPacs({ pacsUrl: pacsA.dicomWebUrl }, { patientId: 'HA-0042' });
      const { services, directory } = B.app.workspace.current();
      const series = study!.series.map((s) => ({
        studyInstanceUid: s.studyInstanceUid,
        seriesInstanceUid: s.seriesInstanceUid,
      }));
      const refused = await rejection(
        run((op) =>
          addFromPacs(
            services,
            directory,
            { pacsUrl: pacsA.dicomWebUrl },
            { patientId: patient.id, series },
            op,
          ),
        ),
      );
      expect(refused.code).toBe('LEDGER_REFUSED');
      expect(refused.message).toMatch(/Nothing was added/);
      await B.signOut();
    }, 120_000);

    it('imports the shared imaging into the receiving PACS under the local patient, twice', async () => {
      const { patient, oncologistB } = world.people;
      const [A, B] = world.workstations;
      await A.signInAs(patient);
      await A.call('grantAccess', {
        caregiverId: oncologistB.id,
        categories: ['imaging'],
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validTo: new Date(Date.now() + 86_400_000).toISOString(),
        read: true,
        write: false,
      });
      await A.signOut();
      await B.signInAs(oncologistB);
      const imaging = added.find((a) => a.record.category === 'imaging')!.record;
      const send = {
        patientId: patient.id,
        recordId: imaging.recordId,
        localPatientId: 'HB-7',
        localPatientName: 'DOE^JOHN',
      };
      expect(await B.call('sendToPacs', send)).toMatchObject({ stored: 8, alreadyThere: 0 });
      expect(await B.call('sendToPacs', send)).toMatchObject({ stored: 0, alreadyThere: 8 });
      expect(await instanceCount(pacsB)).toBe(8);
      const [study] = await B.call('searchPacs', { patientId: 'HB-7' });
      expect(study!.studyInstanceUid).toBe(course.studyInstanceUid);
      const [file] = await retrieveSeriesFiles({ pacsUrl: pacsB.dicomWebUrl }, study!.series, {
        signal: new AbortController().signal,
        report: () => {},
      });
      const other = dicomParser.parseDicom(file!.bytes).elements.x00101002!.items![0]!.dataSet!;
      expect(other.string('x00100020')).toBe('HA-0042');
      expect(other.string('x00100021')).toBe('HospitalAMSP');
      await B.signOut();
    }, 120_000);
  },
);
