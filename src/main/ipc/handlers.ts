// The handler table: one plain function per contract channel, assembled from one handler
// file per slice. It imports nothing from Electron, so the same table serves the Electron
// shell, the E2E harness and unit tests.
import type { AppInfo } from '../../shared/ipc/contract';
import type { Operations } from '../app/operations';
import type { CachedViews } from '../app/views';
import type { UserWorkspace } from '../app/workspace';
import type { SessionSource } from '../session/session';
import type { SettingsStore } from '../settings/store';
import type { HandlerTable } from './dispatch';
import { breakGlassHandlers } from './handlers/break-glass';
import type { AdminScripts } from '../admin/admin-deps';
import type { Pkcs11ModulePolicy } from '../settings/pkcs11-modules';
import { adminHandlers } from './handlers/admin';
import { ledgerHandlers } from './handlers/ledger';
import { ehrHandlers } from './handlers/ehr';
import { pacsHandlers } from './handlers/pacs';
import { sessionHandlers } from './handlers/session';
import { settingsHandlers } from './handlers/settings';
import { rtHandlers } from './handlers/rt';
import type { ConstraintTableStore } from '../rt/constraint-table-store';
import type { ChooseReportPath } from '../rt/export-dose-report';
import type { ChildScript } from '../offload/child-task';

export interface HandlerDeps {
  appInfo: AppInfo;
  pkcs11Modules: Pkcs11ModulePolicy;
  adminScripts?: AdminScripts | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  settings: SettingsStore;
  session: SessionSource;
  workspace: UserWorkspace;
  operations: Operations;
  views: CachedViews;
  constraintTable: ConstraintTableStore;
  chooseReportPath?: ChooseReportPath | undefined;
  /** The automatic-registration helper process (rt/registration.child). */
  registrationScript?: ChildScript | undefined;
}

export function createHandlerTable(deps: HandlerDeps): HandlerTable {
  return {
    ...settingsHandlers(deps),
    ...sessionHandlers(deps.session, deps.workspace),
    ...ledgerHandlers(deps.workspace, deps.operations, deps.views),
    ...breakGlassHandlers(deps.workspace, deps.views),
    ...adminHandlers(deps),
    ...pacsHandlers(deps.workspace, deps.operations, () => deps.settings.read()),
    ...ehrHandlers(deps.workspace, deps.operations, () => deps.settings.read()),
    ...rtHandlers(deps),
  };
}
