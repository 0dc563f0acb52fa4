// The views a signed-in user reads (records, grants, history, shared-with-me, directory),
// through the local cache. Each read asks the ledger (an evaluate on the hospital's own
// peer) and keeps the answer. Where the view is cached and the ledger takes longer than a
// glance (CACHE_FIRST_MS), the cached answer is shown at once and the ledger's answer, when
// it comes, replaces it through `viewChanged`; when the peer cannot be reached, the last
// answer is shown with its time and `stale` — a ledger outage never leaves a screen empty.
// The event stream (sync/view-sync.ts) refreshes cached views when the ledger changes them.
import type { Freshness, ViewChanged, ViewName } from '../../shared/ipc/contract';
import { EhrError } from '../errors';
import type { ViewCache } from '../cache/view-cache';

export type Fetch<T> = () => Promise<T>;

/** How long a read waits for the ledger before it shows the cached answer instead. */
export const CACHE_FIRST_MS = 250;

const TOO_SLOW = Symbol('too slow');

export class CachedViews {
  /** Bumped when a user's cache is forgotten, so a late answer is not written back. */
  private readonly generations = new Map<string, number>();
  /**
   * Views whose last answer came from the cache and whose ledger query then failed: the
   * next read waits for the ledger, so the screen learns it is stale instead of being told
   * to read again for ever.
   */
  private readonly failedBehindCache = new Set<string>();

  constructor(
    private readonly cache: ViewCache,
    private readonly emit: (changed: ViewChanged) => void,
    /** Infinity: always wait for the ledger (tests that check each answer at once). */
    private readonly cacheFirstMs = CACHE_FIRST_MS,
  ) {}

  async read<T>(
    owner: string,
    view: ViewName,
    scope: string,
    fetch: Fetch<T>,
  ): Promise<{ value: T } & Freshness> {
    const generation = this.generations.get(owner) ?? 0;
    const cached = this.cache.read<T>(owner, view, scope);
    const asked = fetch().then((value) => {
      const asOf = new Date().toISOString();
      if ((this.generations.get(owner) ?? 0) === generation) {
        this.cache.write(owner, view, scope, value, asOf);
      }
      return { value, asOf, stale: false };
    });
    const fallback = (error: unknown) => {
      const usable = error instanceof EhrError && error.code === 'LEDGER_UNAVAILABLE';
      const last = usable ? this.cache.read<T>(owner, view, scope) : null;
      if (!last) throw error;
      return { value: last.value, asOf: last.asOf, stale: true };
    };
    const key = `${owner}|${view}|${scope}`;
    const waitForLedger = !Number.isFinite(this.cacheFirstMs);
    if (!cached || this.failedBehindCache.delete(key) || waitForLedger) {
      return asked.catch(fallback);
    }
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<typeof TOO_SLOW>((resolve) => {
      timer = setTimeout(() => resolve(TOO_SLOW), this.cacheFirstMs);
    });
    const first = await Promise.race([asked, slow]).catch(fallback);
    clearTimeout(timer);
    if (first !== TOO_SLOW) return first;
    // Shown from the cache; the ledger's answer (or its failure) is announced when it comes,
    // and the screen then reads again.
    asked.then(
      (fresh) => {
        if (JSON.stringify(fresh.value) !== JSON.stringify(cached.value)) {
          this.emit({ view, scope });
        }
      },
      () => {
        this.failedBehindCache.add(key);
        this.emit({ view, scope });
      },
    );
    return { value: cached.value, asOf: cached.asOf, stale: false };
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
    this.generations.set(owner, (this.generations.get(owner) ?? 0) + 1);
    this.cache.forget(owner);
  }
}
