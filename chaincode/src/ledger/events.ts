import type { Context } from 'fabric-contract-api';
import { patientTag } from './patient-tag';

/**
 * Fabric keeps one chaincode event per transaction (a second setEvent replaces the first),
 * and every transaction here changes exactly one thing, so each emits exactly one event.
 *
 * Every channel member can listen, so an event says only that something changed and for
 * which patient, as an opaque tag: never who did it, his department, a reason or the
 * pseudonym. Clients use it as a trigger and ask the queries, which decide what each caller
 * may see. (Version 1 carried the whole stored object and the pseudonym.)
 */
export const EventName = {
  userRegistered: 'UserRegistered',
  userRevoked: 'UserRevoked',
  permissionGranted: 'PermissionGranted',
  permissionRevoked: 'PermissionRevoked',
  breakGlassOpened: 'BreakGlassOpened',
  breakGlassReviewed: 'BreakGlassReviewed',
  breakGlassAcknowledged: 'BreakGlassAcknowledged',
  recordAdded: 'RecordAdded',
  recordDownloaded: 'RecordDownloaded',
  recordGatewayPublished: 'RecordGatewayPublished',
} as const;

export type EventName = (typeof EventName)[keyof typeof EventName];

export const EVENT_SCHEMA_VERSION = 2;

export interface LedgerEvent {
  type: EventName;
  schemaVersion: typeof EVENT_SCHEMA_VERSION;
  txId: string;
  /** patientTag() of the patient whose data changed; null for directory events, which
   *  name nobody, so the stream cannot be used to list patients. */
  patientTag: string | null;
}

export function buildEvent(ctx: Context, type: EventName, patientId: string | null): LedgerEvent {
  return {
    type,
    schemaVersion: EVENT_SCHEMA_VERSION,
    txId: ctx.stub.getTxID(),
    patientTag: patientId === null ? null : patientTag(patientId),
  };
}
