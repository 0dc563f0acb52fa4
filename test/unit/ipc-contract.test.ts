// Every channel validates its arguments before any handler runs, and every failure
// reaches the renderer as { code, message } — never a raw exception.
import { afterAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../src/main/app/compose';
import { createDispatcher, type HandlerTable } from '../../src/main/ipc/dispatch';
import { EhrError } from '../../src/main/errors';
import { CHANNEL_NAMES, type ChannelName } from '../../src/shared/ipc/channels';
import { ERROR_CODES } from '../../src/shared/ipc/errors';
import { childScriptsFromSource } from '../support/child-scripts';
import { tempDir } from '../support/tmp';
import { softhsmModulePath } from '../support/fixtures';

const PATIENT = `pat-${'a'.repeat(32)}`;
const CAREGIVER = `cg-${'b'.repeat(32)}`;
const RECORD = 'c'.repeat(64);
const ENROL = {
  card: 'blank',
  role: 'oncologist',
  displayName: 'Dr Ada Example',
  department: 'Radiation Oncology',
  soPin: '12345678',
  userPin: '654321',
  wipe: false,
};
const GRANT = {
  caregiverId: CAREGIVER,
  categories: ['imaging'],
  validFrom: '2026-12-01T08:00:00.000Z',
  validTo: '2026-12-31T08:00:00.000Z',
  read: true,
  write: false,
};

// Typed by channel: adding a channel to the contract without malformed cases here fails
// the typecheck.
const MALFORMED: Record<ChannelName, unknown[]> = {
  getAppInfo: [{}, 'x', 1, null, [undefined]],
  getSettings: [{ all: true }, 0, ''],
  checkSetting: [
    undefined,
    {},
    { key: 'peerEndpoint' },
    { key: 'noSuchSetting', value: 'x' },
    { key: 'mspId', value: 42 },
    { key: 'mspId', value: 'A', extra: true },
    { key: 'mspId', value: 'x'.repeat(5000) },
    'peerEndpoint',
  ],
  saveSettings: [
    undefined,
    {},
    { values: [] },
    { values: { noSuchSetting: 'x' } },
    { values: { mspId: 7 } },
    { values: {}, extra: 1 },
    JSON.parse('{"values":{"__proto__":"x"}}'),
  ],
  getSession: [{ pin: '1234' }, 'x'],
  listCards: [{}, 'all', 0],
  signIn: [
    undefined,
    {},
    '123456',
    { pin: 123456 },
    { pin: '12' },
    { pin: '1'.repeat(65) },
    { pin: '\u0000\u0000\u0000\u0000' },
    { pin: '1234\n' },
    { pin: '12\u200b34' },
    { pin: '123456', serial: '' },
    { pin: '123456', extra: true },
  ],
  signOut: [{ everywhere: true }, 1, { because: 'bored' }, { because: 'idle', extra: 1 }],
  listCaregivers: [{ mspId: 'HospitalAMSP' }, 'x'],
  listMyGrants: [{}, 1],
  grantAccess: [
    undefined,
    {},
    { ...GRANT, caregiverId: 'Dr Smith' },
    { ...GRANT, categories: [] },
    { ...GRANT, categories: ['xray'] },
    { ...GRANT, validFrom: '2026-12-01' },
    { ...GRANT, validTo: '2026-12-01T08:00:00+02:00' },
    { ...GRANT, validTo: GRANT.validFrom },
    { ...GRANT, read: false, write: false },
    { ...GRANT, read: 'true' },
    { ...GRANT, extra: 1 },
    { ...GRANT, operationId: '../../x' },
  ],
  revokeAccess: [
    undefined,
    { caregiverId: CAREGIVER },
    { caregiverId: CAREGIVER, categories: [] },
    { caregiverId: 'pat-' + '0'.repeat(32), categories: ['dose'] },
  ],
  listSharedWithMe: [{ patientId: PATIENT }, 0],
  listRecords: [{ patientId: 'John Smith' }, { patientId: PATIENT, all: true }, 'x'],
  openRecord: [
    undefined,
    { patientId: PATIENT },
    { patientId: PATIENT, recordId: 'records/abc' },
    { patientId: PATIENT, recordId: RECORD, path: '/etc/passwd' },
  ],
  addRecords: [
    undefined,
    { patientId: PATIENT, files: [] },
    { patientId: PATIENT, files: [{ name: 'ct.dcm', bytes: 'AAAA' }] },
    { patientId: PATIENT, files: [{ name: '', bytes: new Uint8Array(4) }] },
    { patientId: PATIENT, files: [{ path: '/etc/passwd' }] },
  ],
  cancelOperation: [undefined, {}, { operationId: '' }],
  getAccessHistory: [{ patientId: PATIENT }, 1],
  getBreakGlassPolicy: [{}, 'x'],
  openBreakGlass: [
    undefined,
    { patientId: PATIENT, reason: 'Unconscious in the ER, prior dose needed' },
    {
      patientId: 'John Smith',
      reason: 'Unconscious in the ER, prior dose needed',
      durationHours: 2,
    },
    { patientId: PATIENT, reason: 42, durationHours: 2 },
    { patientId: PATIENT, reason: 'x'.repeat(10_001), durationHours: 2 },
    { patientId: PATIENT, reason: 'Unconscious in the ER, prior dose', durationHours: 2.5 },
    { patientId: PATIENT, reason: 'Unconscious in the ER, prior dose', durationHours: '2' },
    { patientId: PATIENT, reason: 'Unconscious in the ER, prior dose', durationHours: 2, x: 1 },
  ],
  listMyBreakGlass: [{}, 1],
  listBreakGlassForReview: [{ mspId: 'HospitalBMSP' }],
  reviewBreakGlass: [
    undefined,
    { patientId: PATIENT, seq: 0 },
    { patientId: PATIENT, seq: -1, comment: 'Justified emergency' },
    { patientId: PATIENT, seq: '0', comment: 'Justified emergency' },
    { patientId: PATIENT, seq: 0, comment: 'Justified emergency', extra: 1 },
  ],
  listBreakGlassNotices: [{}, 'x'],
  acknowledgeBreakGlass: [undefined, { seqs: [] }, { seqs: [-1] }, { seqs: ['0'] }, { seq: 0 }],
  listEnrolmentCards: [{}, 'blank'],
  enrolCard: [
    undefined,
    {},
    { ...ENROL, role: 'nurse' },
    { ...ENROL, displayName: '' },
    { ...ENROL, department: '' },
    { ...ENROL, role: 'patient' },
    { ...ENROL, soPin: '12' },
    { ...ENROL, userPin: '1234\n' },
    { ...ENROL, displayName: 'Dr\u202eEvil' },
    { ...ENROL, card: '' },
    { ...ENROL, wipe: 'yes' },
    { ...ENROL, extra: 1 },
  ],
  listUsers: [{ mspId: 'HospitalAMSP' }, 1],
  revokeUser: [undefined, {}, { userId: 'Dr Smith' }, { userId: CAREGIVER, extra: 1 }],
  listRecordGateways: [{}, 'x'],
  publishRecordGateway: [
    undefined,
    {},
    { url: 7 },
    { url: 'x'.repeat(513) },
    { url: 'https://a', extra: 1 },
  ],
  searchPacs: [null, 'x', { patientId: 7 }, { patientName: 'x'.repeat(65) }, { host: 'x' }],
  addFromPacs: [
    undefined,
    { patientId: PATIENT, series: [] },
    { patientId: PATIENT, series: [{ studyInstanceUid: '1.2', seriesInstanceUid: 'x;rm' }] },
    { patientId: 'Doe', series: [{ studyInstanceUid: '1.2', seriesInstanceUid: '1.3' }] },
  ],
  sendToPacs: [
    undefined,
    { patientId: PATIENT, recordId: RECORD, localPatientId: '', localPatientName: 'DOE^J' },
    { patientId: PATIENT, recordId: RECORD, localPatientId: 'A\\B', localPatientName: 'DOE^J' },
    { patientId: PATIENT, recordId: 'x', localPatientId: 'HB-7', localPatientName: 'DOE^J' },
  ],
  searchEhr: [undefined, { localPatientId: '' }, { localPatientId: 'HA-1|x' }, { name: 'Doe' }],
  addFromEhr: [
    undefined,
    { patientId: 'Doe', localPatientId: 'HA-1' },
    { patientId: PATIENT, localPatientId: 'HA-1', resourceTypes: [] },
    { patientId: PATIENT, localPatientId: 'HA-1', resourceTypes: ['Patient'] },
  ],
  localPatientNames: [
    undefined,
    {},
    { patientIds: 'pat-1' },
    { patientIds: ['Dr Smith'] },
    { patientIds: [], extra: 1 },
  ],
  importIntoEhr: [
    undefined,
    { patientId: PATIENT, recordId: RECORD, localPatientId: '' },
    { patientId: PATIENT, recordId: 'x', localPatientId: 'HB-7' },
    { patientId: PATIENT, recordId: RECORD, localPatientId: 'HB,7' },
  ],
  getConstraintTable: [{}, 'x'],
  saveConstraintTable: [
    undefined,
    { constraints: 'all' },
    { constraints: [{ organ: 'Cord', roiPattern: 'cord', metric: { kind: 'Dmax' } }] },
    {
      constraints: [
        {
          organ: 'Cord',
          roiPattern: 'cord',
          metric: { kind: 'Dmax' },
          dose: 'EQD2',
          limit: -1,
          source: '',
        },
      ],
    },
    {
      constraints: [
        {
          organ: 'Cord',
          roiPattern: 'cord',
          metric: { kind: 'D2' },
          dose: 'EQD2',
          limit: 50,
          source: '',
        },
      ],
    },
  ],
  resetConstraintTable: [{ all: true }],
  exportDoseReport: [
    undefined,
    { format: 'docx', report: {} },
    { format: 'pdf' },
    { format: 'csv', report: { courses: [], summation: {}, organs: [], constraints: [] } },
    { format: 'pdf', report: { courses: [{ label: 'C1' }], organs: [], constraints: [] } },
  ],
  registerCourses: [
    undefined,
    { fixed: {} },
    // CT values as a plain array (not a Float32Array), and a size past the limit.
    {
      fixed: {
        frameOfReferenceUid: '1.2',
        origin: [0, 0, 0],
        axes: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        spacing: [1, 1, 1],
        size: [2, 2, 2],
        hu: [0, 0, 0, 0, 0, 0, 0, 0],
      },
      moving: {},
    },
  ],
  acceptRegistration: [
    undefined,
    { transform: {}, method: 'x', adjusted: false },
    // A matrix that scales the patient is not a rigid registration.
    {
      transform: {
        sourceFrameOfReferenceUid: '1.2',
        targetFrameOfReferenceUid: '1.3',
        matrix: [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1],
      },
      method: 'elastix',
      adjusted: false,
    },
  ],
  saveRegistrationRecord: [
    undefined,
    { patientId: PATIENT },
    { patientId: 'not-a-patient', registration: {}, subject: {} },
  ],
};

const home = tempDir('ipc');
const app = composeApp({
  userDataDir: home.path,
  appInfo: {
    name: 'ACTION-EHR Workstation',
    version: 'test',
    kiosk: false,
    shell: 'browser-harness',
  },
  childScripts: childScriptsFromSource,
});
afterAll(async () => {
  await app.close();
  home.cleanup();
});

describe('IPC contract', () => {
  it('has malformed cases for exactly the declared channels', () => {
    expect(Object.keys(MALFORMED).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  for (const channel of CHANNEL_NAMES) {
    it(`${channel} refuses malformed arguments with INVALID_ARGUMENT`, async () => {
      const before = await app.handlers.getSettings(undefined);
      for (const args of MALFORMED[channel]) {
        const result = await app.dispatch(channel, args);
        expect(result, `${channel}(${JSON.stringify(args)})`).toMatchObject({
          ok: false,
          error: { code: 'INVALID_ARGUMENT' },
        });
        if (!result.ok)
          expect(result.error.message).toMatch(new RegExp(`^Invalid arguments for ${channel}: .+`));
      }
      expect(await app.handlers.getSettings(undefined)).toEqual(before);
    });
  }

  it('answers well-formed calls on every channel', async () => {
    expect(await app.dispatch('getAppInfo', undefined)).toMatchObject({
      ok: true,
      value: { kiosk: false },
    });
    expect(await app.dispatch('getSettings', undefined)).toMatchObject({
      ok: true,
      value: { mspId: null },
    });
    expect(await app.dispatch('checkSetting', { key: 'mspId', value: 'HospitalAMSP' })).toEqual({
      ok: true,
      value: { valid: true },
    });
    expect(await app.dispatch('saveSettings', { values: { mspId: 'HospitalAMSP' } })).toMatchObject(
      {
        ok: true,
        value: { mspId: 'HospitalAMSP' },
      },
    );
    expect(await app.dispatch('getSession', undefined)).toMatchObject({
      ok: true,
      value: { state: 'signed-out' },
    });
    // No PKCS#11 module is configured in this workstation: the card calls say so.
    for (const [channel, args] of [
      ['listCards', undefined],
      ['signIn', { pin: '123456' }],
    ] as const) {
      expect(await app.dispatch(channel, args)).toMatchObject({
        ok: false,
        error: { code: 'CARD_UNAVAILABLE', message: expect.stringMatching(/PKCS#11 module/) },
      });
    }
    expect(await app.dispatch('signOut', undefined)).toMatchObject({
      ok: true,
      value: { state: 'signed-out' },
    });
    // Signed out, every ledger channel refuses plainly and touches nothing.
    for (const [channel, args] of [
      ['listCaregivers', undefined],
      ['listMyGrants', undefined],
      ['grantAccess', GRANT],
      ['revokeAccess', { caregiverId: CAREGIVER, categories: ['dose'] }],
      ['listSharedWithMe', undefined],
      ['listRecords', undefined],
      ['openRecord', { patientId: PATIENT, recordId: RECORD }],
      ['addRecords', { patientId: PATIENT, files: [{ name: 'a.dcm', bytes: new Uint8Array(8) }] }],
      ['getAccessHistory', undefined],
      ['getBreakGlassPolicy', undefined],
      [
        'openBreakGlass',
        { patientId: PATIENT, reason: 'Unconscious in the ER, prior dose', durationHours: 1 },
      ],
      ['listMyBreakGlass', undefined],
      ['listBreakGlassForReview', undefined],
      ['reviewBreakGlass', { patientId: PATIENT, seq: 0, comment: 'Justified emergency' }],
      ['listBreakGlassNotices', undefined],
      ['acknowledgeBreakGlass', { seqs: [0] }],
    ] as const) {
      expect(await app.dispatch(channel, args), channel).toEqual({
        ok: false,
        error: { code: 'NOT_SIGNED_IN', message: 'Sign in with your card first.' },
      });
    }
    expect(await app.dispatch('cancelOperation', { operationId: 'no-such-op' })).toEqual({
      ok: true,
      value: { cancelled: false },
    });
  });

  it('refuses an unknown channel', async () => {
    for (const name of ['deleteEverything', 'toString', '__proto__', 42, null]) {
      expect(await app.dispatch(name, undefined)).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL' },
      });
    }
  });

  it('returns field messages when a save is refused', async () => {
    const result = await app.dispatch('saveSettings', { values: { peerEndpoint: 'peer:99999' } });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INVALID_SETTING',
        message: 'Nothing was saved: one setting needs correcting.',
        fields: { peerEndpoint: 'Port 99999 is out of range: use 1 to 65535.' },
      },
    });
  });

  it('turns an unexpected exception into INTERNAL without leaking its details', async () => {
    const logged: unknown[] = [];
    const broken = {
      ...app.handlers,
      getSettings: () => {
        throw new Error('SQLITE_CORRUPT at /home/secret/path');
      },
    } as HandlerTable;
    const dispatch = createDispatcher(broken, { logError: (_c, e) => logged.push(e) });
    const result = await dispatch('getSettings', undefined);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: "Something went wrong in getSettings. The details are in the workstation's log.",
      },
    });
    expect(logged).toHaveLength(1);
  });

  it('passes an expected failure through with its own code', async () => {
    const table = {
      ...app.handlers,
      getSession: () => {
        throw new EhrError('STORAGE_FAILURE', 'The disk is full.');
      },
    } as HandlerTable;
    expect(await createDispatcher(table)('getSession', undefined)).toEqual({
      ok: false,
      error: { code: 'STORAGE_FAILURE', message: 'The disk is full.' },
    });
    expect(ERROR_CODES).toContain('STORAGE_FAILURE');
  });

  it('refuses to check or change settings on a kiosk, and loads nothing', async () => {
    const kioskHome = tempDir('kiosk');
    const kiosk = composeApp({
      userDataDir: kioskHome.path,
      appInfo: { name: 'k', version: 'test', kiosk: true, shell: 'browser-harness' },
      childScripts: childScriptsFromSource,
    });
    const result = await kiosk.dispatch('saveSettings', { values: { mspId: 'HospitalAMSP' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'KIOSK_LOCKED' } });
    expect((await kiosk.handlers.getSettings(undefined)).mspId).toBeNull();
    // A check would load the library or read the file; on a kiosk it is not even tried.
    for (const [key, value] of [
      ['pkcs11ModulePath', softhsmModulePath()],
      ['peerTlsCaPath', '/etc/ssl/certs/ca-certificates.crt'],
      ['mspId', 'HospitalAMSP'],
    ] as const) {
      expect(await kiosk.dispatch('checkSetting', { key, value })).toMatchObject({
        ok: false,
        error: { code: 'KIOSK_LOCKED', message: expect.stringMatching(/clinic kiosk/) },
      });
    }
    await kiosk.close();
    kioskHome.cleanup();
  });
});
