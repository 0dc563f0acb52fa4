// A small hook over window.ehr for the ledger screens: runs one read, keeps its answer and
// can run it again. It owns the "is this answer still wanted" bookkeeping, so the views do
// not each keep an `alive` flag; a call that throws (no bridge) becomes an error answer.
import { useCallback, useEffect, useState } from 'react';
import type { ViewName } from '../../shared/ipc/contract';
import type { IpcError, IpcResult } from '../../shared/ipc/errors';
import { ehr } from '../ehr';

export type Query<T> =
  { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; error: IpcError };

/** Turns a thrown error (the bridge is missing, a bug) into an answer the screen can show. */
export async function settle<T>(call: () => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await call();
  } catch (error) {
    return {
      ok: false,
      error: { code: 'INTERNAL', message: (error as Error).message || String(error) },
    };
  }
}

interface Answer<T> {
  read: () => Promise<IpcResult<T>>;
  round: number;
  result: IpcResult<T>;
}

/**
 * Runs `read` (keep it stable with useCallback; a new function is a new read) and again on
 * `reload()`. `shown` is what to display: the answer, or while a read is again under way
 * the previous answer (so a refresh does not blank the table); null after a failure.
 */
export function useLedger<T>(
  read: () => Promise<IpcResult<T>>,
  /** Cached views whose change (pushed by the main process) reads again. */
  views: readonly ViewName[] = [],
): {
  query: Query<T>;
  shown: T | null;
  reload: () => void;
} {
  const [round, setRound] = useState(0);
  const [answer, setAnswer] = useState<Answer<T> | null>(null);

  useEffect(() => {
    let wanted = true;
    void settle(read).then((result) => {
      if (wanted) setAnswer({ read, round, result });
    });
    return () => {
      wanted = false;
    };
  }, [read, round]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  const watched = views.join(',');
  useEffect(() => {
    if (!watched) return undefined;
    const names = new Set(watched.split(','));
    try {
      return ehr().on('viewChanged', (changed) => {
        if (names.has(changed.view)) reload();
      });
    } catch {
      return undefined; // no bridge: the read itself reports it
    }
  }, [watched, reload]);
  const current = answer && answer.read === read && answer.round === round ? answer : null;
  const query: Query<T> = !current
    ? { state: 'loading' }
    : current.result.ok
      ? { state: 'ready', value: current.result.value }
      : { state: 'failed', error: current.result.error };
  const last = answer?.result.ok && answer.read === read ? answer.result.value : null;
  const shown = query.state === 'ready' ? query.value : query.state === 'loading' ? last : null;
  return { query, shown, reload };
}
