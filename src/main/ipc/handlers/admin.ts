// Handlers of the admin slice: each finds the signed-in administrator's workspace, builds the
// CA and card-reader dependencies from Connection settings, and calls one use case.
import type { adminContract } from '../../../shared/ipc/slices/admin';
import { adminDepsFrom, type AdminScripts } from '../../admin/admin-deps';
import { enrolCard } from '../../admin/enrol-card';
import { listEnrolmentCards } from '../../admin/enrolment-cards';
import { listUsers } from '../../admin/list-users';
import { revokeUser } from '../../admin/revoke-user';
import { listRecordGateways, publishRecordGateway } from '../../admin/record-gateway';
import type { Operations } from '../../app/operations';
import type { CachedViews } from '../../app/views';
import type { UserWorkspace } from '../../app/workspace';
import type { Pkcs11ModulePolicy } from '../../settings/pkcs11-modules';
import type { SettingsStore } from '../../settings/store';
import type { HandlersOf } from '../dispatch';

export interface AdminHandlerDeps {
  workspace: UserWorkspace;
  settings: SettingsStore;
  operations: Operations;
  views: CachedViews;
  pkcs11Modules: Pkcs11ModulePolicy;
  /** Absent where the workstation cannot reach other cards (then enrolment says so). */
  adminScripts?: AdminScripts | undefined;
  /** Environment of the helper processes. */
  env?: NodeJS.ProcessEnv | undefined;
}

export function adminHandlers(deps: AdminHandlerDeps): HandlersOf<typeof adminContract> {
  const admin = () =>
    adminDepsFrom(
      deps.workspace.current().services,
      deps.settings.read(),
      deps.adminScripts,
      deps.pkcs11Modules,
      deps.env,
    );
  return {
    listEnrolmentCards: () => listEnrolmentCards(admin()),
    enrolCard: ({ operationId, ...request }) => {
      const d = admin();
      return deps.operations.run(operationId, (op) => enrolCard(d, request, op));
    },
    listUsers: async () => {
      const { services } = deps.workspace.current();
      const { value, asOf, stale } = await deps.views.read(services.user.id, 'users', '', () =>
        listUsers(services),
      );
      return { items: value, asOf, stale };
    },
    revokeUser: (request) => revokeUser(admin(), request),
    listRecordGateways: () => listRecordGateways(deps.workspace.current().services),
    publishRecordGateway: (request) =>
      publishRecordGateway(deps.workspace.current().services, request),
  };
}
