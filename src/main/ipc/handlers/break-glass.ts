// Handlers of the break-glass slice: each finds the signed-in workspace and calls one use
// case; the lists go through the cache (the ledger's answer, or the last one when it is down).
import type { breakGlassContract } from '../../../shared/ipc/slices/break-glass';
import type { CachedViews } from '../../app/views';
import type { UserWorkspace } from '../../app/workspace';
import { fetcherFor } from '../../app/view-fetchers';
import { acknowledgeBreakGlass } from '../../break-glass/acknowledge';
import { getBreakGlassPolicy, openBreakGlass } from '../../break-glass/open';
import { reviewBreakGlass } from '../../break-glass/review';
import type { HandlersOf } from '../dispatch';

export function breakGlassHandlers(
  workspace: UserWorkspace,
  views: CachedViews,
): HandlersOf<typeof breakGlassContract> {
  const ws = () => workspace.current();
  /** The role's break-glass list (view-fetchers.ts picks it by role). */
  const snapshot = async <T>() => {
    const w = ws();
    const fetch = fetcherFor(w, 'break-glass', '') as () => Promise<T[]>;
    const { value, asOf, stale } = await views.read(w.services.user.id, 'break-glass', '', fetch);
    return { items: value, asOf, stale };
  };
  return {
    getBreakGlassPolicy: () => getBreakGlassPolicy(ws().services),
    openBreakGlass: (request) => openBreakGlass(ws().services, request),
    listMyBreakGlass: () => snapshot(),
    listBreakGlassForReview: () => snapshot(),
    reviewBreakGlass: (request) => {
      const { services, directory } = ws();
      return reviewBreakGlass(services, directory, request);
    },
    listBreakGlassNotices: () => snapshot(),
    acknowledgeBreakGlass: (request) => acknowledgeBreakGlass(ws().services, request),
  };
}
