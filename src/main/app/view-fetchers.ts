// What each cached view asks the ledger: the use case that produces it.
import type { ViewName } from '../../shared/ipc/contract';
import {
  listBreakGlassForReview,
  listBreakGlassNotices,
  listMyBreakGlass,
} from '../break-glass/list';
import { listUsers } from '../admin/list-users';
import { listCaregivers } from '../directory/caregivers';
import { getAccessHistory } from '../history/access-history';
import { listMyGrants, listSharedWithMe } from '../permissions/list';
import { listRecords } from '../records/list';
import type { Fetch } from './views';
import type { Workspace } from './workspace';

export function fetcherFor(ws: Workspace, view: ViewName, scope: string): Fetch<unknown> {
  const { services, directory } = ws;
  switch (view) {
    case 'records':
      return () => listRecords(services, directory, { patientId: scope || undefined });
    case 'grants':
      return () => listMyGrants(services, directory);
    case 'shared':
      return () => listSharedWithMe(services, directory);
    case 'history':
      return () => getAccessHistory(services, directory);
    case 'caregivers':
      return () => listCaregivers(services, directory);
    case 'break-glass':
      // One view per role: the admin's review list, the patient's notices, the caregiver's
      // sessions in force.
      if (services.user.role === 'admin') return () => listBreakGlassForReview(services, directory);
      if (services.user.role === 'patient') return () => listBreakGlassNotices(services, directory);
      return () => listMyBreakGlass(services);
    case 'users':
      return () => listUsers(services);
  }
}
