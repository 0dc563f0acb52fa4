// Keeps the signed-in user's cached views in step with the ledger. The chaincode's event
// stream is only a trigger: an event says what changed, and the views it touches that this
// user has open are asked again through the chaincode's own queries (the query is the
// truth, and it returns only what this user may see). Other patients' events advance the
// checkpoint and leave nothing behind. Resumes from a checkpoint kept in SQLite, written in
// the same transaction as the refreshed views.
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
import type { CachedViews } from '../app/views';
import type { Workspace } from '../app/workspace';
import { fetcherFor } from '../app/view-fetchers';

export interface ViewSync {
  readonly live: boolean;
  stop(forget: boolean): void;
}

interface Touched {
  view: ViewName;
  scope: string;
}

/** The views of `userId` an event may have changed. */
export function touchedViews(
  user: { id: string; role: string },
  event: LedgerEventPayload,
): Touched[] {
  if (event.type === 'UserRegistered') return [{ view: 'caregivers', scope: '' }];
  const patientId = event.patientId ?? '';
  if (user.role === 'patient') {
    return patientId === user.id
      ? [
          { view: 'records', scope: user.id },
          { view: 'grants', scope: '' },
          { view: 'history', scope: '' },
        ]
      : [];
  }
  const entry = (event.data as { entry?: { caregiverId?: string } } | null)?.entry;
  const mine = entry?.caregiverId === user.id;
  switch (event.type) {
    case 'PermissionGranted':
    case 'PermissionRevoked':
    case 'BreakGlassOpened':
      return mine
        ? [
            { view: 'shared', scope: '' },
            { view: 'records', scope: patientId },
          ]
        : [];
    case 'RecordAdded':
      return [{ view: 'records', scope: patientId }];
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
    const cached = new Set(deps.views.cachedViews(owner).map((v) => `${v.view}|${v.scope}`));
    const touched = touchedViews(services.user, payloadOf(event)).filter((t) =>
      cached.has(`${t.view}|${t.scope}`),
    );
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
