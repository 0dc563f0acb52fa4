// Which cached views a chaincode event makes the workstation ask again. Events (schema 2)
// carry only their kind, the transaction and the patient's tag, so these are decided on the
// tag: the patient's own views, a caregiver's "shared with me" on any permission event, and
// the records of the patient the event is about.
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { describe, expect, it } from 'vitest';
import { payloadOf, type LedgerEventPayload } from '../../src/main/ledger/event-sync';
import { patientTag } from '../../src/main/ledger/patient-tag';
import { touchedViews, type Touched } from '../../src/main/sync/view-sync';

const PATIENT = 'pat-11111111111111111111111111111111';
const OTHER = 'pat-22222222222222222222222222222222';
const CAREGIVER = { id: 'cg-33333333333333333333333333333333', role: 'oncologist' };

const event = (type: string, patientId: string | null): LedgerEventPayload => ({
  type,
  txId: 'f'.repeat(64),
  patientTag: patientId === null ? null : patientTag(patientId),
});

const CAREGIVER_VIEWS: Touched[] = [
  { view: 'shared', scope: '' },
  { view: 'records', scope: PATIENT },
  { view: 'records', scope: OTHER },
  { view: 'caregivers', scope: '' },
];

describe('patientTag', () => {
  it('is the chaincode’s tag (the same vector as chaincode/test/events.test.ts)', () => {
    expect(patientTag('pat-00000000000000000000000000000000')).toBe(
      '00986d50687c8d76253141fddc53514059ed26f64a59506e6a31312e11812c9b',
    );
  });
});

describe('touchedViews', () => {
  it('refreshes, on a user revocation (which names nobody), every view his grants may have been in', () => {
    const revoked = event('UserRevoked', null);
    expect(touchedViews(CAREGIVER, revoked, CAREGIVER_VIEWS)).toEqual(CAREGIVER_VIEWS);
    const patientViews: Touched[] = [
      { view: 'grants', scope: '' },
      { view: 'history', scope: '' },
      { view: 'records', scope: '' },
      { view: 'caregivers', scope: '' },
    ];
    expect(touchedViews({ id: PATIENT, role: 'patient' }, revoked, patientViews)).toEqual(
      patientViews,
    );
    const admin = { id: 'adm-55555555555555555555555555555555', role: 'admin' };
    expect(touchedViews(admin, revoked, [{ view: 'users', scope: '' }])).toEqual([
      { view: 'users', scope: '' },
    ]);
    expect(
      touchedViews(admin, event('UserRegistered', null), [{ view: 'users', scope: '' }]),
    ).toEqual([{ view: 'users', scope: '' }]);
  });

  it('refreshes a caregiver’s "shared with me" on every permission event, and only that patient’s records', () => {
    for (const type of ['PermissionGranted', 'PermissionRevoked']) {
      expect(touchedViews(CAREGIVER, event(type, PATIENT), CAREGIVER_VIEWS)).toEqual([
        { view: 'shared', scope: '' },
        { view: 'records', scope: PATIENT },
      ]);
    }
    // A grant from a patient he has not opened yet still reloads "shared with me".
    const stranger = 'pat-44444444444444444444444444444444';
    expect(touchedViews(CAREGIVER, event('PermissionGranted', stranger), CAREGIVER_VIEWS)).toEqual([
      { view: 'shared', scope: '' },
    ]);
  });

  it('refreshes a caregiver’s records of the patient on a new record or break-glass', () => {
    for (const type of ['RecordAdded', 'BreakGlassOpened']) {
      expect(touchedViews(CAREGIVER, event(type, OTHER), CAREGIVER_VIEWS)).toEqual([
        { view: 'records', scope: OTHER },
      ]);
    }
    expect(touchedViews(CAREGIVER, event('RecordDownloaded', OTHER), CAREGIVER_VIEWS)).toEqual([]);
  });

  it('refreshes a caregiver’s emergency-access banner on any break-glass opening', () => {
    const views: Touched[] = [...CAREGIVER_VIEWS, { view: 'break-glass', scope: '' }];
    expect(touchedViews(CAREGIVER, event('BreakGlassOpened', OTHER), views)).toEqual([
      { view: 'records', scope: OTHER },
      { view: 'break-glass', scope: '' },
    ]);
  });

  it('refreshes an administrator’s review list on every break-glass event and download', () => {
    const admin = { id: 'adm-55555555555555555555555555555555', role: 'admin' };
    const views: Touched[] = [
      { view: 'caregivers', scope: '' },
      { view: 'break-glass', scope: '' },
    ];
    for (const type of [
      'BreakGlassOpened',
      'BreakGlassReviewed',
      'BreakGlassAcknowledged',
      'RecordDownloaded',
    ]) {
      expect(touchedViews(admin, event(type, PATIENT), views)).toEqual([
        { view: 'break-glass', scope: '' },
      ]);
    }
    expect(touchedViews(admin, event('PermissionGranted', PATIENT), views)).toEqual([]);
  });

  it('refreshes a patient’s own views for events about him, and nothing for others', () => {
    const patient = { id: PATIENT, role: 'patient' };
    const views: Touched[] = [
      { view: 'records', scope: PATIENT },
      { view: 'grants', scope: '' },
      { view: 'history', scope: '' },
      { view: 'caregivers', scope: '' },
    ];
    for (const type of ['PermissionGranted', 'BreakGlassOpened', 'RecordDownloaded']) {
      expect(touchedViews(patient, event(type, PATIENT), views)).toEqual(views.slice(0, 3));
      expect(touchedViews(patient, event(type, OTHER), views)).toEqual([]);
    }
  });

  it('reloads the caregiver directory on a registration, which names nobody', () => {
    expect(touchedViews(CAREGIVER, event('UserRegistered', null), CAREGIVER_VIEWS)).toEqual([
      { view: 'caregivers', scope: '' },
    ]);
  });

  it('only touches views the user has cached', () => {
    expect(touchedViews(CAREGIVER, event('PermissionGranted', PATIENT), [])).toEqual([]);
  });
});

describe('payloadOf', () => {
  const chaincodeEvent = (payload: unknown) =>
    ({ payload: Buffer.from(JSON.stringify(payload)) }) as unknown as ChaincodeEvent;

  it('reads schema 2 events, and tags schema 1 events still in older blocks', () => {
    const tag = patientTag(PATIENT);
    expect(
      payloadOf(
        chaincodeEvent({ type: 'RecordAdded', schemaVersion: 2, txId: 'a', patientTag: tag }),
      ),
    ).toEqual({ type: 'RecordAdded', txId: 'a', patientTag: tag });
    expect(
      payloadOf(
        chaincodeEvent({
          type: 'RecordAdded',
          schemaVersion: 1,
          txId: 'b',
          patientId: PATIENT,
          data: { record: {} },
        }),
      ),
    ).toEqual({ type: 'RecordAdded', txId: 'b', patientTag: tag });
  });
});
