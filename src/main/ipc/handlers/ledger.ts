// Handlers of the ledger-facing slices: each one finds the signed-in workspace and calls one
// use case. Nothing else happens here, so tests call the same use cases directly.
import type { directoryContract } from '../../../shared/ipc/slices/directory';
import type { historyContract } from '../../../shared/ipc/slices/history';
import type { permissionsContract } from '../../../shared/ipc/slices/permissions';
import type { recordsContract } from '../../../shared/ipc/slices/records';
import type { Operations } from '../../app/operations';
import type { UserWorkspace } from '../../app/workspace';
import { listCaregivers } from '../../directory/caregivers';
import { getAccessHistory } from '../../history/access-history';
import { grantAccess } from '../../permissions/grant';
import { listMyGrants, listSharedWithMe } from '../../permissions/list';
import { revokeAccess } from '../../permissions/revoke';
import { addRecords } from '../../records/add';
import { listRecords } from '../../records/list';
import { openRecord } from '../../records/open';
import type { HandlersOf } from '../dispatch';

type LedgerSlices = typeof directoryContract &
  typeof permissionsContract &
  typeof recordsContract &
  typeof historyContract;

export function ledgerHandlers(
  workspace: UserWorkspace,
  operations: Operations,
): HandlersOf<LedgerSlices> {
  const ws = () => workspace.current();
  return {
    listCaregivers: () => listCaregivers(ws().services, ws().directory),
    listMyGrants: () => listMyGrants(ws().services, ws().directory),
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
    listSharedWithMe: () => listSharedWithMe(ws().services, ws().directory),
    listRecords: (args) => listRecords(ws().services, ws().directory, args ?? {}),
    openRecord: ({ operationId, ...request }) => {
      const { services, directory } = ws();
      return operations.run(operationId, (op) => openRecord(services, directory, request, op));
    },
    addRecords: ({ operationId, ...request }) => {
      const { services, directory } = ws();
      return operations.run(operationId, (op) => addRecords(services, directory, request, op));
    },
    cancelOperation: ({ operationId }) => ({ cancelled: operations.cancel(operationId) }),
    getAccessHistory: () => getAccessHistory(ws().services, ws().directory),
  };
}
