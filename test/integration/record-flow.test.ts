// The record flow on the real network, through the workstations' own dispatchers (the
// same handler table the UI calls): HospitalA's oncologist adds a course for a patient with
// his write grant; the patient grants HospitalB's oncologist read access; HospitalB opens
// it (the download is on the ledger first); the patient sees that download and revokes;
// the next open is refused. And every refusal leaves nothing shown and nothing half-done.
import { ListObjectsV2Command, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import type { Category } from '../../src/shared/ledger';
import type {
  OperationProgress,
  RecordView,
  SharedPatientView,
} from '../../src/shared/ipc/contract';
import { ViewCache } from '../../src/main/cache/view-cache';
import { ledgerSkipReason, type OrgIndex } from '../support/ledger-network';
import {
  CallFailed,
  failure,
  startRecordWorld,
  type RecordWorld,
  type Workstation,
} from '../support/record-world';
import { minioMissingReason } from '../storage/helpers';
import { startFaultProxy } from '../storage/fault-proxy';
import { freePort } from '../support/fabric-ca-server';

const skip = ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`Record flow tests skipped: ${skip}.`);

const COURSE_CATEGORIES: Category[] = ['imaging', 'radiotherapy-plan', 'dose', 'treatment-record'];
const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
/** A read-only grant that began a minute ago. */
const readGrant = (caregiverId: string, categories: Category[], validTo: string) => ({
  caregiverId,
  categories,
  validFrom: new Date(Date.now() - 60_000).toISOString(),
  validTo,
  read: true,
  write: false,
});

let current: RecordWorld | null = null;
const worldRef = () => current!;

describe.skipIf(Boolean(skip))('the record flow on the real network', () => {
  let world: RecordWorld;
  let A: Workstation;
  let B: Workstation;
  const course = synthesizeCourse({ slices: 12, deliveredFractions: 3 });
  let records: RecordView[] = [];
  const recordOf = (category: Category) => records.find((r) => r.category === category)!;

  const readObject = async (key: string) =>
    Buffer.from(
      await (
        await world.s3.raw.send(new GetObjectCommand({ Bucket: world.s3.bucket, Key: key }))
      ).Body!.transformToByteArray(),
    );
  const writeObject = (key: string, body: Buffer | string) =>
    world.s3.raw.send(new PutObjectCommand({ Bucket: world.s3.bucket, Key: key, Body: body }));

  const objectCount = async () =>
    (await world.s3.raw.send(new ListObjectsV2Command({ Bucket: world.s3.bucket }))).KeyCount ?? 0;

  /** A new workstation of `stationAt` whose requests to `storageOf`'s storage pass a fault proxy. */
  const behindFaultProxy = async (
    storageOf: OrgIndex,
    stationAt: OrgIndex,
    decide: Parameters<typeof startFaultProxy>[1],
  ) => {
    const proxy = await startFaultProxy(world.s3.settings.endpoint, decide);
    const detour = await world.detourStorage(storageOf, proxy.endpoint);
    const station = await world.openWorkstation(stationAt);
    return {
      proxy,
      station,
      async close() {
        await detour.restore();
        await proxy.close();
      },
    };
  };

  /** The progress events of one named operation, as its bar receives them. */
  const progressOf = (station: Workstation, operationId: string) => {
    const events: OperationProgress[] = [];
    const listen = (p: OperationProgress) => {
      if (p.operationId === operationId) events.push(p);
    };
    station.app.events.on('operationProgress', listen);
    return { events, stop: () => station.app.events.off('operationProgress', listen) };
  };

  beforeAll(async () => {
    world = await startRecordWorld();
    current = world;
    [A, B] = world.workstations;
  }, 300_000);

  afterAll(async () => {
    await world?.stop();
  });

  it('refuses an oncologist without a write grant before anything is stored', async () => {
    const { patient, oncologistA } = world.people;
    await A.signInAs(oncologistA);
    const refused = await failure(
      A.call('addRecords', { patientId: patient.id, files: course.files }),
    );
    expect(refused.error.code).toBe('LEDGER_REFUSED');
    expect(refused.error.message).toMatch(/write access.*Nothing was added/);
    expect(await objectCount()).toBe(0);
    await A.signOut();
  });

  it('lets the patient grant write, and the oncologist add the course as one record per category', async () => {
    const { patient, oncologistA } = world.people;
    await A.signInAs(patient);
    const caregivers = (await A.call('listCaregivers')).items;
    expect(caregivers.map((c) => c.displayName)).toEqual(
      expect.arrayContaining(['Dr Anna Arden', 'Dr Ben Brandt', 'Clara Chen']),
    );
    const granted = await A.call('grantAccess', {
      caregiverId: oncologistA.id,
      categories: COURSE_CATEGORIES,
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validTo: days(30),
      read: true,
      write: true,
    });
    expect(granted.granted.map((g) => g.category)).toEqual(COURSE_CATEGORIES);
    expect(granted.granted[0]!.caregiver).toMatchObject({
      displayName: 'Dr Anna Arden',
      mspId: 'HospitalAMSP',
    });
    await A.signOut();

    await A.signInAs(oncologistA);
    const added = await A.call('addRecords', { patientId: patient.id, files: course.files });
    expect(added.map((a) => a.record.category).sort()).toEqual([...COURSE_CATEGORIES].sort());
    const where = Object.fromEntries(
      added.flatMap((a) => a.files.map((f) => [f.name, a.record.category])),
    );
    expect(where['CT_0001.dcm']).toBe('imaging');
    expect(where['RS.dcm']).toBe('radiotherapy-plan');
    expect(where['RP.dcm']).toBe('radiotherapy-plan');
    expect(where['RD.dcm']).toBe('dose');
    expect(Object.values(where).filter((c) => c === 'treatment-record')).toHaveLength(
      course.sessions.length,
    );
    expect(Object.keys(where)).toHaveLength(course.files.length);
    await A.signOut();

    await A.signInAs(patient);
    records = (await A.call('listRecords')).records;
    expect(records).toHaveLength(4);
    expect(records[0]!.uploader).toMatchObject({
      displayName: 'Dr Anna Arden',
      mspId: 'HospitalAMSP',
    });
    // The patient opens his own record on his own card; that is not a disclosure.
    const own = await A.call('openRecord', {
      patientId: patient.id,
      recordId: recordOf('dose').recordId,
    });
    expect(own.files.map((f) => f.name)).toEqual(['RD.dcm']);
    await A.signOut();
  });

  it('leaves nothing stored and nothing registered when an add is cancelled mid-upload', async () => {
    const { patient, oncologistA } = world.people;
    const storedBefore = await objectCount();
    // Every record's bytes wait in a proxy until the add was cancelled, and never reach
    // storage (as a connection closed mid-upload); the key envelopes, which go up beside
    // them, pass.
    let cancelled: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (cancelled = resolve));
    const isRecordPut = (method: string | undefined, path: string | undefined) =>
      method === 'PUT' && /\/records\/[0-9a-f]{32}(\?|$)/.test(path ?? '');
    const { proxy, station, close } = await behindFaultProxy(0, 0, async (req) => {
      if (!isRecordPut(req.method, req.url)) return { kind: 'pass' };
      await stopped;
      return { kind: 'status', status: 503, code: 'SlowDown' };
    });
    try {
      await station.signInAs(oncologistA);
      const adding = failure(
        station.call('addRecords', {
          patientId: patient.id,
          files: course.files,
          operationId: 'add-cancelled-1',
        }),
      );
      await expect
        .poll(() => proxy.seen.some((r) => isRecordPut(r.method, r.path)), { timeout: 20_000 })
        .toBe(true);
      expect(await station.call('cancelOperation', { operationId: 'add-cancelled-1' })).toEqual({
        cancelled: true,
      });
      cancelled();
      const refused = await adding;
      expect(refused.error.code).toBe('CANCELLED');
      expect(refused.error.message).toMatch(/upload was cancelled.*Nothing was added/);
      await station.signOut();
    } finally {
      cancelled();
      await close();
    }
    expect(await objectCount()).toBe(storedBefore);
    await A.signInAs(patient);
    expect((await A.call('listRecords')).records).toHaveLength(records.length);
    await A.signOut();
  }, 120_000);

  it('refuses HospitalB’s oncologist before the patient grants him anything', async () => {
    const { patient, oncologistB } = world.people;
    await B.signInAs(oncologistB);
    expect((await B.call('listSharedWithMe')).items).toEqual([]);
    const refused = await failure(
      B.call('openRecord', { patientId: patient.id, recordId: recordOf('imaging').recordId }),
    );
    expect(refused.error.code).toBe('LEDGER_REFUSED');
    expect(refused.error.message).toMatch(
      /not given you read access.*Nothing of the record was shown/,
    );
    await B.signOut();
  });

  it('shares the existing records when the patient grants read, and HospitalB opens them intact', async () => {
    const { patient, oncologistB } = world.people;
    await A.signInAs(patient);
    const granting = progressOf(A, 'grant-imaging-1');
    const granted = await A.call('grantAccess', {
      ...readGrant(oncologistB.id, ['imaging', 'radiotherapy-plan', 'dose'], days(30)),
      operationId: 'grant-imaging-1',
    });
    granting.stop();
    expect(granted.recordsShared).toBe(3);
    // The kiosk's bar counts categories and records, not bytes: "Sharing the keys · 3 of 3".
    expect(granting.events.at(-1)).toMatchObject({
      stage: 'keys',
      unit: 'items',
      done: 3,
      total: 3,
    });
    expect(granting.events.filter((p) => p.stage === 'ledger')).toEqual(
      expect.arrayContaining([expect.objectContaining({ unit: 'items', total: 3 })]),
    );
    const current = (await A.call('listMyGrants')).items;
    expect(current.filter((g) => g.caregiver.id === oncologistB.id).map((g) => g.category)).toEqual(
      ['imaging', 'radiotherapy-plan', 'dose'],
    );
    await A.signOut();

    await B.signInAs(oncologistB);
    const shared = (await B.call('listSharedWithMe')).items;
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ patientId: patient.id, mspId: 'HospitalAMSP' });
    const visible = await B.call('listRecords', { patientId: patient.id });
    expect(visible.records.map((r) => r.category).sort()).toEqual([
      'dose',
      'imaging',
      'radiotherapy-plan',
    ]);

    const opening = progressOf(B, 'open-imaging-1');
    const opened = await B.call('openRecord', {
      patientId: patient.id,
      recordId: recordOf('imaging').recordId,
      operationId: 'open-imaging-1',
    });
    opening.stop();
    const progress = opening.events;
    const originals = new Map(course.files.map((f) => [f.name, Buffer.from(f.bytes)]));
    expect(opened.files.length).toBe(12);
    for (const file of opened.files)
      expect(Buffer.from(file.bytes).equals(originals.get(file.name)!)).toBe(true);
    expect(opened.record.accessBasis).toBe('grant');
    // The bar shows the download, then the decryption to the last stored byte.
    const stages = progress.map((p) => p.stage);
    expect(stages).toContain('download');
    expect(progress.at(-1)).toMatchObject({
      stage: 'decrypt',
      unit: 'bytes',
      done: progress.at(-1)!.total,
    });
    expect(stages.lastIndexOf('download')).toBeLessThan(stages.indexOf('decrypt'));

    // Treatment records were not granted: refused by the ledger, nothing shown.
    const wrongCategory = await failure(
      B.call('openRecord', {
        patientId: patient.id,
        recordId: recordOf('treatment-record').recordId,
      }),
    );
    expect(wrongCategory.error.code).toBe('LEDGER_REFUSED');
    await B.signOut();
  });

  it('shows the patient every grant and HospitalB’s download in his access history', async () => {
    const { patient, oncologistB } = world.people;
    await A.signInAs(patient);
    const history = (await A.call('getAccessHistory')).items;
    const downloads = history.filter((h) => h.kind === 'download');
    expect(downloads).toHaveLength(1);
    expect(downloads[0]).toMatchObject({
      caregiver: { id: oncologistB.id, displayName: 'Dr Ben Brandt', mspId: 'HospitalBMSP' },
      category: 'imaging',
      recordId: recordOf('imaging').recordId,
      breakGlass: false,
    });
    expect(history.filter((h) => h.kind === 'grant')).toHaveLength(7);
    // Newest first.
    expect([...history].sort((a, b) => b.at.localeCompare(a.at)).map((h) => h.at)).toEqual(
      history.map((h) => h.at),
    );
    await A.signOut();
  });

  /** Replaces a stored object's bytes for the duration of `work`, then puts them back. */
  async function withStoredObject(
    key: string,
    change: (original: Buffer) => Buffer | string,
    work: () => Promise<void>,
  ): Promise<void> {
    const original = await readObject(key);
    await writeObject(key, change(original));
    try {
      await work();
    } finally {
      await writeObject(key, original);
    }
  }

  async function refusedOpen(category: Category): Promise<CallFailed> {
    const { patient, oncologistB } = world.people;
    await B.signInAs(oncologistB);
    try {
      return await failure(
        B.call('openRecord', { patientId: patient.id, recordId: recordOf(category).recordId }),
      );
    } finally {
      await B.signOut();
    }
  }

  it('refuses a record whose key envelope for the caregiver is gone, even with a grant', async () => {
    await A.signInAs(world.people.patient);
    const envelopeKey = await envelopeKeyOf(A, recordOf('radiotherapy-plan').recordId);
    await A.signOut();
    const withoutB = (original: Buffer) =>
      JSON.stringify(
        (JSON.parse(original.toString('utf8')) as { recipientId: string }[]).filter(
          (e) => e.recipientId !== world.people.oncologistB.id,
        ),
      );
    await withStoredObject(envelopeKey, withoutB, async () => {
      const refused = await refusedOpen('radiotherapy-plan');
      expect(refused.error.code).toBe('RECORD_NOT_SHARED');
      expect(refused.error.message).toMatch(/not \(or no longer\) shared with your card/);
    });
  });

  it('refuses a record whose stored bytes were changed, showing nothing', async () => {
    await A.signInAs(world.people.patient);
    const pointer = await storedKeyOf(A, recordOf('dose').recordId);
    await A.signOut();
    const flipped = (original: Buffer) => {
      const altered = Buffer.from(original);
      altered[altered.length >> 1]! ^= 0x01;
      return altered;
    };
    await withStoredObject(pointer, flipped, async () => {
      const refused = await refusedOpen('dose');
      expect(refused.error.code).toBe('RECORD_ALTERED');
      expect(refused.error.message).toMatch(/altered or damaged, so nothing of it is shown/);
    });
  });

  it('after a revoke, refuses the next open and has removed the caregiver’s keys', async () => {
    const { patient, oncologistB } = world.people;
    await A.signInAs(patient);
    const revoked = await A.call('revokeAccess', {
      caregiverId: oncologistB.id,
      categories: ['imaging', 'radiotherapy-plan', 'dose'],
    });
    expect(revoked).toEqual({ revoked: 3, keysRemoved: 3 });
    const pointer = await envelopeKeyOf(A, recordOf('imaging').recordId);
    await A.signOut();
    const envelopes = JSON.parse((await readObject(pointer)).toString('utf8')) as {
      recipientId: string;
    }[];
    // The storing hospital's emergency envelope (break-glass) stays: revoking a caregiver
    // takes away his envelope only.
    expect(envelopes.map((e) => e.recipientId).sort()).toEqual(
      [patient.id, world.people.oncologistA.id, 'emergency:HospitalAMSP'].sort(),
    );

    await B.signInAs(oncologistB);
    expect((await B.call('listSharedWithMe')).items).toEqual([]);
    const refused = await failure(
      B.call('openRecord', { patientId: patient.id, recordId: recordOf('imaging').recordId }),
    );
    expect(refused.error.code).toBe('LEDGER_REFUSED');
    await B.signOut();
  });

  it('refuses an expired grant', async () => {
    const { patient, physicistB } = world.people;
    await A.signInAs(patient);
    await A.call(
      'grantAccess',
      readGrant(physicistB.id, ['dose'], new Date(Date.now() + 4_000).toISOString()),
    );
    await A.signOut();
    await new Promise((r) => setTimeout(r, 5_000));
    await B.signInAs(physicistB);
    const refused = await failure(
      B.call('openRecord', { patientId: patient.id, recordId: recordOf('dose').recordId }),
    );
    expect(refused.error.code).toBe('LEDGER_REFUSED');
    await B.signOut();
  });

  it('when the peer cannot be reached, says so and saves nothing', async () => {
    const { patient, physicistB } = world.people;
    const closedPort = await freePort();
    const offline = await world.openWorkstation(0, { peerEndpoint: `127.0.0.1:${closedPort}` });
    await offline.signInAs(patient);
    const before = await grantsOf(A, physicistB.id);
    const refused = await failure(
      offline.call('grantAccess', {
        caregiverId: physicistB.id,
        categories: ['imaging'],
        validFrom: new Date().toISOString(),
        validTo: days(7),
        read: true,
        write: false,
      }),
    );
    expect(refused.error.code).toBe('LEDGER_UNAVAILABLE');
    expect(refused.error.message).toMatch(/ledger cannot be reached.*not saved.*Try again/);
    const listing = await failure(offline.call('listRecords'));
    expect(listing.error.code).toBe('LEDGER_UNAVAILABLE');
    await offline.signOut();
    expect(await grantsOf(A, physicistB.id)).toEqual(before);
  }, 120_000);

  it('keeps the patient’s open history in step as a caregiver downloads', async () => {
    const { patient, physicistB } = world.people;
    const changed: string[] = [];
    A.app.events.on('viewChanged', (v) => changed.push(v.view));
    await A.signInAs(patient);
    await A.call('grantAccess', readGrant(physicistB.id, ['imaging'], days(7)));
    const before = (await A.call('getAccessHistory')).items.filter((h) => h.kind === 'download');
    await expect
      .poll(() => A.app.workspace.syncLive, {
        timeout: 20_000,
        message: 'the patient’s event stream is live',
      })
      .toBe(true);

    await B.signInAs(physicistB);
    await B.call('openRecord', { patientId: patient.id, recordId: recordOf('imaging').recordId });
    await B.signOut();

    // The download's event re-queries the patient's history; his screen is told to reload.
    await expect.poll(() => changed.includes('history'), { timeout: 20_000 }).toBe(true);
    const after = (await A.call('getAccessHistory')).items.filter((h) => h.kind === 'download');
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]!.caregiver.displayName).toBe('Clara Chen');
    await A.signOut();
  });

  it('keeps a caregiver’s “shared with me” and records in step as the patient grants and revokes', async () => {
    const { patient, oncologistB } = world.people;
    const cache = new ViewCache(B.app.db);
    const shared = () => cache.read<SharedPatientView[]>(oncologistB.id, 'shared')?.value;
    const changed: string[] = [];
    const listen = (v: { view: string; scope: string }) => changed.push(`${v.view}|${v.scope}`);
    B.app.events.on('viewChanged', listen);
    await B.signInAs(oncologistB);
    expect((await B.call('listSharedWithMe')).items).toEqual([]);
    await expect
      .poll(() => B.app.workspace.syncLive, {
        timeout: 20_000,
        message: 'the caregiver’s event stream is live',
      })
      .toBe(true);

    // The grant's event names neither him nor the patient: his sync asks the ledger again.
    await A.signInAs(patient);
    await A.call('grantAccess', readGrant(oncologistB.id, ['imaging'], days(7)));
    await expect.poll(() => changed.includes('shared|'), { timeout: 20_000 }).toBe(true);
    expect(shared()).toMatchObject([
      { patientId: patient.id, mspId: 'HospitalAMSP', grants: [{ category: 'imaging' }] },
    ]);
    const visible = await B.call('listRecords', { patientId: patient.id });
    expect(visible.records.map((r) => r.category)).toEqual(['imaging']);

    // The revoke empties his "shared with me" and drops the records he had of the patient.
    await A.call('revokeAccess', { caregiverId: oncologistB.id, categories: ['imaging'] });
    await expect
      .poll(() => cache.read(oncologistB.id, 'records', patient.id), { timeout: 20_000 })
      .toBeNull();
    await expect.poll(shared, { timeout: 20_000 }).toEqual([]);
    expect(changed).toContain(`records|${patient.id}`);
    B.app.events.off('viewChanged', listen);
    await A.signOut();
    await B.signOut();
  });

  it('shows the last state, as of its time, when the peer cannot be reached', async () => {
    const { patient } = world.people;
    const station = await world.openWorkstation(0);
    await station.signInAs(patient);
    const online = await station.call('listRecords');
    expect(online.stale).toBe(false);
    await station.signOut();
    await station.app.close();

    const closedPort = await freePort();
    const offline = await world.openWorkstation(0, {
      userDataDir: station.userDataDir,
      peerEndpoint: `127.0.0.1:${closedPort}`,
    });
    await offline.signInAs(patient);
    const cached = await offline.call('listRecords');
    expect(cached).toMatchObject({ stale: true, asOf: online.asOf });
    expect(cached.records.map((r) => r.recordId)).toEqual(online.records.map((r) => r.recordId));
    await offline.signOut();
  }, 120_000);

  it('forgets the patient’s cached views at sign-out on a kiosk', async () => {
    const { patient } = world.people;
    const kiosk = await world.openWorkstation(0, { kiosk: true });
    await kiosk.signInAs(patient);
    await kiosk.call('listRecords');
    await kiosk.call('getAccessHistory');
    const rows = () =>
      (kiosk.app.db.prepare('SELECT count(*) AS n FROM view_cache').get() as { n: number }).n;
    expect(rows()).toBe(2);
    await kiosk.signOut();
    expect(rows()).toBe(0);
  });

  it('a record a caregiver adds later opens for the patient’s other readers at once', async () => {
    const { patient, oncologistA, physicistB } = world.people;
    await A.signInAs(patient);
    await A.call('grantAccess', readGrant(physicistB.id, ['radiotherapy-plan'], days(7)));
    await A.signOut();

    // HospitalA's oncologist (write on plans) adds a revised plan; the patient is not there.
    const plan = course.files.find((f) => f.name === 'RP.dcm')!;
    await A.signInAs(oncologistA);
    const [added] = await A.call('addRecords', {
      patientId: patient.id,
      files: [{ name: 'RP_revised.dcm', bytes: plan.bytes }],
    });
    await A.signOut();
    expect(added!.record.category).toBe('radiotherapy-plan');

    await B.signInAs(physicistB);
    const opened = await B.call('openRecord', {
      patientId: patient.id,
      recordId: added!.record.recordId,
    });
    expect(opened.files.map((f) => f.name)).toEqual(['RP_revised.dcm']);
    expect(Buffer.from(opened.files[0]!.bytes).equals(Buffer.from(plan.bytes))).toBe(true);
    await B.signOut();
  });

  it('stops a download and shows nothing when the card is pulled out', async () => {
    const { patient, physicistB } = world.people;
    await A.signInAs(patient);
    await A.call('grantAccess', readGrant(physicistB.id, ['imaging'], days(7)));
    await A.signOut();
    // The record's bytes wait in a proxy until the card has left the reader.
    let pulled: () => void = () => undefined;
    const cardGone = new Promise<void>((resolve) => (pulled = resolve));
    const { proxy, station, close } = await behindFaultProxy(0, 1, async (req) => {
      if (req.method === 'GET' && /\/records\/[0-9a-f]{32}(\?|$)/.test(req.url ?? ''))
        await cardGone;
      return { kind: 'pass' };
    });
    try {
      await station.signInAs(physicistB);
      // Settled as soon as it fails, so the rejection is never left unhandled.
      const opening = failure(
        station.call('openRecord', {
          patientId: patient.id,
          recordId: recordOf('imaging').recordId,
          operationId: 'open-pulled-card',
        }),
      );
      await expect
        .poll(() => proxy.seen.some((r) => /records\/[0-9a-f]{32}(\?|$)/.test(r.path)), {
          timeout: 20_000,
        })
        .toBe(true);
      world.tokens.deleteToken(physicistB.serial);
      await expect
        .poll(async () => (await station.call('getSession')).state, { timeout: 10_000 })
        .toBe('signed-out');
      pulled();
      const refused = await opening;
      expect(refused.error.code).toBe('CARD_REMOVED');
      expect(refused.error.message).toMatch(
        /card was removed.*download stopped.*Nothing of the record was shown/,
      );
    } finally {
      pulled();
      await close();
    }
  }, 120_000);
});

async function grantsOf(station: Workstation, caregiverId: string): Promise<unknown[]> {
  const { people } = worldRef();
  await station.signInAs(people.patient);
  const grants = (await station.call('listMyGrants')).items.filter(
    (g) => g.caregiver.id === caregiverId,
  );
  await station.signOut();
  return grants;
}

/** The storage key of a record as the ledger registered it, read by the signed-in patient. */
async function storedKeyOf(station: Workstation, recordId: string): Promise<string> {
  const { services } = station.app.workspace.current();
  const listing = await services.ledger.listRecords(services.user.id);
  const record = listing.records.find((r) => r.record.recordId === recordId)!.record;
  return record.storagePointer.replace(/^s3:\/\/[^/]+\//, '');
}

async function envelopeKeyOf(station: Workstation, recordId: string): Promise<string> {
  return `${await storedKeyOf(station, recordId)}.keys`;
}
