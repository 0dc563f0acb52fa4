// Handlers of the ledger-facing slices: each one finds the signed-in workspace and calls one
// use case. Nothing else happens here, so tests call the same use cases directly.
import type { directoryContract } from '../../../shared/ipc/slices/directory';
import type { historyContract } from '../../../shared/ipc/slices/history';
import type { permissionsContract } from '../../../shared/ipc/slices/permissions';
import type { recordsContract } from '../../../shared/ipc/slices/records';
import type { Operations } from '../../app/operations';
import type { UserWorkspace, Workspace } from '../../app/workspace';
import type { CachedViews } from '../../app/views';
import type { ViewName } from '../../../shared/ipc/contract';
import { listCaregivers } from '../../directory/caregivers';
import { getAccessHistory } from '../../history/access-history';
import { grantAccess } from '../../permissions/grant';
import { listMyGrants, listSharedWithMe } from '../../permissions/list';
import { revokeAccess } from '../../permissions/revoke';
import { addRecords } from '../../records/add';
import { listRecords, patientOf } from '../../records/list';
import { openRecord } from '../../records/open';
import type { HandlersOf } from '../dispatch';

type LedgerSlices = typeof directoryContract &
  typeof permissionsContract &
  typeof recordsContract &
  typeof historyContract;

export function ledgerHandlers(
  workspace: UserWorkspace,
  operations: Operations,
  views: CachedViews,
): HandlersOf<LedgerSlices> {
  const ws = () => workspace.current();
  /** A list view through the cache: the ledger's answer, or the last one when it is down. */
  const snapshot = async <T>(view: ViewName, fetch: (w: Workspace) => Promise<T[]>) => {
    const w = ws();
    const { value, asOf, stale } = await views.read(w.services.user.id, view, '', () => fetch(w));
    return { items: value, asOf, stale };
  };
  return {
    listCaregivers: () => snapshot('caregivers', (w) => listCaregivers(w.services, w.directory)),
    listMyGrants: () => snapshot('grants', (w) => listMyGrants(w.services, w.directory)),
    grantAccess: ({ operationId, validFrom, validTo, ...rest }) => {
      const { services, directory } = ws();
      return operations.run(operationId, (op) =>
        grantAccess(
          services,
          directory,
          { ...rest, validFrom: new Date(validFrom), validTo: new Date(validTo) },
          op,
        ),
      );
    },
    revokeAccess: ({ operationId, ...request }) => {
      const { services } = ws();
      return operations.run(operationId, (op) => revokeAccess(services, request, op));
    },
    listSharedWithMe: () => snapshot('shared', (w) => listSharedWithMe(w.services, w.directory)),
    listRecords: async (args) => {
      const w = ws();
      const patientId = patientOf(w.services, args?.patientId);
      const { value, asOf, stale } = await views.read(
        w.services.user.id,
        'records',
        patientId,
        () => listRecords(w.services, w.directory, { patientId }),
      );
      return { ...value, asOf, stale };
    },
    openRecord: ({ operationId, ...request }) => {
      const { services, directory } = ws();
      return operations.run(operationId, (op) => openRecord(services, directory, request, op));
    },
    addRecords: ({ operationId, ...request }) => {
      const { services, directory } = ws();
      return operations.run(operationId, (op) => addRecords(services, directory, request, op));
    },
    cancelOperation: ({ operationId }) => ({ cancelled: operations.cancel(operationId) }),
    getAccessHistory: () => snapshot('history', (w) => getAccessHistory(w.services, w.directory)),
  };
}
