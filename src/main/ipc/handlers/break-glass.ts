// Handlers of the break-glass slice: each finds the signed-in workspace and calls one use
// case; the lists go through the cache (the ledger's answer, or the last one when it is down).
// The three lists share the 'break-glass' view: each is for one role and refuses the others
// before anything is cached, so a user's row always holds his role's list (the one
// view-fetchers.ts refreshes).
import type { breakGlassContract } from '../../../shared/ipc/slices/break-glass';
import type { CachedViews } from '../../app/views';
import type { UserWorkspace, Workspace } from '../../app/workspace';
import { acknowledgeBreakGlass } from '../../break-glass/acknowledge';
import {
  listBreakGlassForReview,
  listBreakGlassNotices,
  listMyBreakGlass,
} from '../../break-glass/list';
import { getBreakGlassPolicy, openBreakGlass } from '../../break-glass/open';
import { reviewBreakGlass } from '../../break-glass/review';
import type { HandlersOf } from '../dispatch';

export function breakGlassHandlers(
  workspace: UserWorkspace,
  views: CachedViews,
): HandlersOf<typeof breakGlassContract> {
  const ws = () => workspace.current();
  const snapshot = async <T>(fetch: (w: Workspace) => Promise<T[]>) => {
    const w = ws();
    const { value, asOf, stale } = await views.read(w.services.user.id, 'break-glass', '', () =>
      fetch(w),
    );
    return { items: value, asOf, stale };
  };
  return {
    getBreakGlassPolicy: () => getBreakGlassPolicy(ws().services),
    openBreakGlass: (request) => openBreakGlass(ws().services, request),
    listMyBreakGlass: () => snapshot((w) => listMyBreakGlass(w.services)),
    listBreakGlassForReview: () =>
      snapshot((w) => listBreakGlassForReview(w.services, w.directory)),
    reviewBreakGlass: (request) => {
      const { services, directory } = ws();
      return reviewBreakGlass(services, directory, request);
    },
    listBreakGlassNotices: () => snapshot((w) => listBreakGlassNotices(w.services, w.directory)),
    acknowledgeBreakGlass: (request) => acknowledgeBreakGlass(ws().services, request),
  };
}
