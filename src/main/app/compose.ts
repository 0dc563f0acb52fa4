// Composition root: builds every service of the main process from plain inputs, in order.
// The Electron entry, the E2E harness and the start script all come through here, so they
// run the same code against the same kind of database.
import { join } from 'node:path';
import type { AppInfo } from '../../shared/ipc/contract';
import { openDatabase, type Db } from '../cache/database';
import { createDispatcher, type Dispatch, type HandlerTable } from '../ipc/dispatch';
import { createHandlerTable } from '../ipc/handlers';
import type { ChildScript } from '../offload/child-task';
import { EventEmitter } from 'node:events';
import type { EventPayloads } from '../../shared/ipc/contract';
import { CardSession } from '../session/card-session';
import type { SessionSource } from '../session/session';
import { SettingsStore } from '../settings/store';
import { ConstraintTableStore } from '../rt/constraint-table-store';
import type { ChooseReportPath } from '../rt/export-dose-report';
import { Pkcs11ModulePolicy } from '../settings/pkcs11-modules';
import { idleLogoffSeconds } from '../settings/machine-policy';
import { Operations } from './operations';
import { CachedViews } from './views';
import { ViewCache } from '../cache/view-cache';
import { startViewSync } from '../sync/view-sync';
import { openSignedInServices } from './signed-in-services';
import { UserWorkspace, type OpenServices } from './workspace';

export interface ComposeOptions {
  userDataDir: string;
  /** What the app is; the idle logoff comes from the machine policy unless given. */
  appInfo: Omit<AppInfo, 'idleLogoffSeconds'> & { idleLogoffSeconds?: number };
  /** Child-process scripts; built JavaScript in the app, TypeScript via tsx in tests. */
  childScripts: {
    pkcs11Probe: ChildScript;
    cardService: ChildScript;
    /** For the administrator's enrolment (keystore/init-token.child, card-slots.child). */
    initToken?: ChildScript;
    cardSlots?: ChildScript;
    /** The automatic registration of two CTs (rt/registration.child). */
    registration?: ChildScript;
  };
  /** Replaces the session source (the E2E harness shows each role's shell this way). */
  session?: SessionSource;
  logError?: (channel: string, error: unknown) => void;
  /** Environment the signed-in services read (the storage access key); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long a read waits for the ledger before showing a cached view (app/views.ts). */
  cacheFirstMs?: number;
  /** Where an exported report goes: Electron's save dialog; a test gives the path. */
  chooseReportPath?: ChooseReportPath;
}

/** Events for the renderer, in the contract's names. */
export type AppEvents = EventEmitter<{ [E in keyof EventPayloads]: [EventPayloads[E]] }>;

export interface ComposedApp {
  db: Db;
  handlers: HandlerTable;
  dispatch: Dispatch;
  events: AppEvents;
  /** The signed-in user's services (what the ledger-facing handlers use). */
  workspace: UserWorkspace;
  /** The signed-in users' cached views. */
  views: CachedViews;
  /** Signs out now: the screen locked or the machine is going to sleep (Electron's powerMonitor). */
  lock(): Promise<void>;
  close(): Promise<void>;
}

export const DATABASE_FILE = 'workstation.sqlite';

export function composeApp(options: ComposeOptions): ComposedApp {
  const db = openDatabase(join(options.userDataDir, DATABASE_FILE));
  const env = options.env ?? process.env;
  const appInfo: AppInfo = {
    ...options.appInfo,
    idleLogoffSeconds:
      options.appInfo.idleLogoffSeconds ?? idleLogoffSeconds({ kiosk: options.appInfo.kiosk, env }),
  };
  const pkcs11Modules = Pkcs11ModulePolicy.fromMachine(env);
  const settings = new SettingsStore(db, {
    pkcs11Probe: options.childScripts.pkcs11Probe,
    pkcs11Modules,
  });
  const session =
    options.session ??
    new CardSession({
      modulePath: () => settings.read().pkcs11ModulePath,
      mspId: () => settings.read().mspId,
      cardScript: options.childScripts.cardService,
      pkcs11Modules,
    });
  const events: AppEvents = new EventEmitter();
  session.onChange((next) => events.emit('sessionChanged', next));
  const operations = new Operations((progress) => events.emit('operationProgress', progress));
  const open: OpenServices = (card, user, values) => openSignedInServices(card, user, values);
  const views = new CachedViews(
    new ViewCache(db),
    (changed) => events.emit('viewChanged', changed),
    options.cacheFirstMs,
  );
  const workspace = new UserWorkspace(session, () => settings.read(), operations, open, {
    startSync: (ws) =>
      startViewSync(ws, {
        db,
        views,
        logError: (error) => (options.logError ?? console.error)('view sync', error),
      }),
    forgetAtSignOut: appInfo.kiosk,
  });
  const { initToken, cardSlots, cardService } = options.childScripts;
  const handlers = createHandlerTable({
    appInfo,
    pkcs11Modules,
    adminScripts: initToken && cardSlots ? { initToken, cardSlots, cardService } : undefined,
    env,
    settings,
    session,
    workspace,
    operations,
    views,
    constraintTable: new ConstraintTableStore(db),
    chooseReportPath: options.chooseReportPath,
    registrationScript: options.childScripts.registration,
  });
  const dispatch = createDispatcher(
    handlers,
    options.logError ? { logError: options.logError } : {},
  );
  return {
    db,
    handlers,
    dispatch,
    events,
    workspace,
    views,
    async lock() {
      if (session.current().state === 'signed-in') await session.signOut('locked');
    },
    async close() {
      workspace.close();
      await session.close();
      db.close();
    },
  };
}
