// Keeps the signed-in user's cached views in step with the ledger. The chaincode's event
// stream is only a trigger: an event says what kind of change happened for which patient
// (by tag), and the views it may touch that this user has open are asked again through the
// chaincode's own queries (the query is the truth, and it returns only what this user may
// see). Other patients' events advance the checkpoint and leave nothing behind. Resumes
// from a checkpoint kept in SQLite, written in the same transaction as the refreshed views.
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import type { ViewName } from '../../shared/ipc/contract';
import type { Db } from '../cache/database';
import {
  EventCache,
  payloadOf,
  syncEvents,
  type AppliedEvent,
  type LedgerEventPayload,
} from '../ledger/event-sync';
import { CHAINCODE_NAME } from '../ledger/names';
import { patientTag } from '../ledger/patient-tag';
import type { CachedViews } from '../app/views';
import type { Workspace } from '../app/workspace';
import { fetcherFor } from '../app/view-fetchers';

export interface ViewSync {
  readonly live: boolean;
  stop(forget: boolean): void;
}

export interface Touched {
  view: ViewName;
  scope: string;
}

const PATIENT_VIEWS: ReadonlySet<ViewName> = new Set([
  'records',
  'grants',
  'history',
  'break-glass',
]);

const BREAK_GLASS_EVENTS: ReadonlySet<string> = new Set([
  'BreakGlassOpened',
  'BreakGlassReviewed',
  'BreakGlassAcknowledged',
  'RecordDownloaded',
]);

/**
 * Which of `cached` (the views `user` has in the cache) an event may have changed. Events
 * name no caregiver and name the patient only by his tag (ledger/patient-tag.ts), so a view
 * about a patient matches when its patient's tag does, and a caregiver cannot tell whether a
 * permission event is his: his "shared with me" asks again on every one (one query, and only
 * the query knows), and the records he shows of that patient too.
 */
export function touchedViews(
  user: { id: string; role: string },
  event: LedgerEventPayload,
  cached: readonly Touched[],
): Touched[] {
  const about = (patientId: string) =>
    event.patientTag !== null && patientTag(patientId) === event.patientTag;
  const directoryViews = (v: Touched) => v.view === 'caregivers' || v.view === 'users';
  if (event.type === 'UserRegistered') return cached.filter(directoryViews);
  if (event.type === 'UserRevoked') {
    // Names nobody, yet ends every grant the revoked caregiver held: any patient's grants and
    // history, and any caregiver's shared-with-me and records, may have changed.
    const mine = (v: Touched) =>
      user.role === 'patient'
        ? PATIENT_VIEWS.has(v.view)
        : v.view === 'shared' || v.view === 'records';
    return cached.filter((v) => directoryViews(v) || mine(v));
  }
  if (user.role === 'patient') {
    return about(user.id) ? cached.filter((v) => PATIENT_VIEWS.has(v.view)) : [];
  }
  if (user.role === 'admin') {
    // An administrator cannot tell whose session an event is about: his review list asks
    // again on every break-glass event and download (one query).
    return BREAK_GLASS_EVENTS.has(event.type) ? cached.filter((v) => v.view === 'break-glass') : [];
  }
  const recordsOfPatient = (v: Touched) => v.view === 'records' && about(v.scope);
  switch (event.type) {
    case 'PermissionGranted':
    case 'PermissionRevoked':
      return cached.filter((v) => v.view === 'shared' || recordsOfPatient(v));
    case 'BreakGlassOpened':
      // His own sessions (the banner) may have changed, whichever workstation opened one.
      return cached.filter((v) => v.view === 'break-glass' || recordsOfPatient(v));
    case 'RecordAdded':
      return cached.filter(recordsOfPatient);
    default:
      return [];
  }
}

export interface ViewSyncDeps {
  db: Db;
  views: CachedViews;
  logError?: (error: unknown) => void;
  /** Another stream name and start, e.g. for the benchmark's replay from the first block. */
  stream?: string;
  withoutCheckpoint?: 'first-block' | 'next-block';
  onApplied?: (event: AppliedEvent) => void;
}

export function startViewSync(workspace: Workspace, deps: ViewSyncDeps): ViewSync {
  const { services } = workspace;
  const owner = services.user.id;
  const journal = new EventCache(deps.db, deps.stream ?? `views/${owner}`);
  const controller = new AbortController();
  let live = false;

  const refresh = async (event: ChaincodeEvent) => {
    const cached = deps.views.cachedViews(owner);
    const touched = touchedViews(services.user, payloadOf(event), cached);
    if (touched.length === 0) return null;
    const writes = await Promise.all(
      touched.map((t) =>
        deps.views.refreshed(owner, t.view, t.scope, fetcherFor(workspace, t.view, t.scope)),
      ),
    );
    return () => {
      for (const write of writes) write?.();
    };
  };

  void syncEvents(services.network, journal, {
    chaincodeName: CHAINCODE_NAME,
    signal: controller.signal,
    // A new user's views are filled by their first queries; only later changes matter.
    withoutCheckpoint: deps.withoutCheckpoint ?? 'next-block',
    refresh,
    ...(deps.onApplied ? { onApplied: deps.onApplied } : {}),
    onLive: (value) => {
      live = value;
    },
    onError: (error) => deps.logError?.(error),
    retryDelayMs: 2000,
  });

  return {
    get live() {
      return live;
    },
    stop(forget) {
      controller.abort();
      if (forget) {
        journal.forget();
        deps.views.forget(owner);
      }
    },
  };
}
