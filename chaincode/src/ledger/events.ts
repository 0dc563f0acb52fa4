import type { Context } from 'fabric-contract-api';
import { txTimeIso } from './tx-time';

/**
 * Fabric keeps one chaincode event per transaction (a second setEvent replaces the first),
 * and every transaction here changes exactly one thing, so each emits exactly one event.
 * Its payload carries the complete stored object(s), so a client cache applies it without
 * another query.
 */
export const EventName = {
  userRegistered: 'UserRegistered',
  permissionGranted: 'PermissionGranted',
  permissionRevoked: 'PermissionRevoked',
  breakGlassOpened: 'BreakGlassOpened',
  recordAdded: 'RecordAdded',
  recordDownloaded: 'RecordDownloaded',
} as const;

export type EventName = (typeof EventName)[keyof typeof EventName];

export const EVENT_SCHEMA_VERSION = 1;

export interface LedgerEvent<D> {
  type: EventName;
  schemaVersion: typeof EVENT_SCHEMA_VERSION;
  txId: string;
  /** Transaction timestamp. */
  timestamp: string;
  /** The patient whose data changed, so a patient's view can filter; null for directory events. */
  patientId: string | null;
  /** Whether the change was made under break-glass, so every view can flag it. */
  breakGlass: boolean;
  data: D;
}

export function buildEvent<D>(
  ctx: Context,
  type: EventName,
  patientId: string | null,
  breakGlass: boolean,
  data: D,
): LedgerEvent<D> {
  return {
    type,
    schemaVersion: EVENT_SCHEMA_VERSION,
    txId: ctx.stub.getTxID(),
    timestamp: txTimeIso(ctx),
    patientId,
    breakGlass,
    data,
  };
}
