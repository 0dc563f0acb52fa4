// The views a signed-in user reads (records, grants, history, shared-with-me, directory),
// through the local cache. Each read asks the ledger (an evaluate on the hospital's own
// peer) and keeps the answer; when the peer cannot be reached, the last answer is shown with
// its time and `stale` — a ledger outage never leaves a screen empty. The event stream
// (sync/view-sync.ts) refreshes cached views when the ledger changes them.
import type { Freshness, ViewChanged, ViewName } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { ViewCache } from '../cache/view-cache';

export type Fetch<T> = () => Promise<T>;

export class CachedViews {
  constructor(
    private readonly cache: ViewCache,
    private readonly emit: (changed: ViewChanged) => void,
  ) {}

  async read<T>(
    owner: string,
    view: ViewName,
    scope: string,
    fetch: Fetch<T>,
  ): Promise<{ value: T } & Freshness> {
    try {
      const value = await fetch();
      const asOf = new Date().toISOString();
      this.cache.write(owner, view, scope, value, asOf);
      return { value, asOf, stale: false };
    } catch (error) {
      const cached =
        error instanceof EhrError && error.code === 'LEDGER_UNAVAILABLE'
          ? this.cache.read<T>(owner, view, scope)
          : null;
      if (!cached) throw error;
      return { value: cached.value, asOf: cached.asOf, stale: true };
    }
  }

  /** Re-queries a cached view after a ledger event; returns the write to make, if changed. */
  async refreshed<T>(
    owner: string,
    view: ViewName,
    scope: string,
    fetch: Fetch<T>,
  ): Promise<(() => void) | null> {
    const before = this.cache.read<T>(owner, view, scope);
    let value: T;
    try {
      value = await fetch();
    } catch (error) {
      // No longer visible to this user (a grant ended): the cached answer goes too.
      if (
        error instanceof EhrError &&
        ['LEDGER_REFUSED', 'LEDGER_NOT_FOUND'].includes(error.code)
      ) {
        return () => {
          this.cache.delete(owner, view, scope);
          queueMicrotask(() => this.emit({ view, scope }));
        };
      }
      throw error;
    }
    if (before && JSON.stringify(before.value) === JSON.stringify(value)) return null;
    const asOf = new Date().toISOString();
    return () => {
      this.cache.write(owner, view, scope, value, asOf);
      queueMicrotask(() => this.emit({ view, scope }));
    };
  }

  cachedViews(owner: string) {
    return this.cache.cached(owner);
  }

  forget(owner: string): void {
    this.cache.forget(owner);
  }
}
