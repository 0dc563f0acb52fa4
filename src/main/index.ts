// Electron entry: wiring only. Policy lives in window/security.ts, services in
// app/compose.ts, the IPC handlers in ipc/handlers.ts; none of those import Electron.
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  ipcMain,
  powerMonitor,
  protocol,
  session,
  utilityProcess,
} from 'electron';
import { join } from 'node:path';
import { composeApp, type ComposedApp } from './app/compose';
import { denyAllPermissions, hardenApp } from './electron/harden';
import { utilityLauncher } from './electron/utility-launcher';
import { CHANNEL_NAMES, EVENT_NAMES, ipcChannel, ipcEventChannel } from '../shared/ipc/channels';
import { serveRendererFile } from './window/renderer-files';
import { APP_ENTRY_URL, APP_SCHEME, isAppUrl, mainWindowOptions } from './window/security';
import { developerToolsAllowed } from './settings/machine-policy';

const kiosk = process.argv.includes('--kiosk');
// Decided once, at start, from the machine policy (not from anything the renderer reaches).
let devTools = false;

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let mainWindow: BrowserWindow | null = null;
let composed: ComposedApp | null = null;

// Built files sit under dist/ in the app folder (app.asar when packaged).
const built = (...parts: string[]) => join(app.getAppPath(), 'dist', ...parts);

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow(
    mainWindowOptions({
      kiosk,
      preloadPath: built('preload', 'index.cjs'),
      devTools,
    }),
  );
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = null;
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

function registerIpc(dispatch: ComposedApp['dispatch']): void {
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, args: unknown) => {
      // Only the workstation's own UI frame may call in.
      if (!isAppUrl(event.senderFrame?.url)) {
        return {
          ok: false,
          error: { code: 'UNTRUSTED_SENDER', message: 'This window may not call the workstation.' },
        };
      }
      return dispatch(name, args);
    });
  }
}

async function start(): Promise<void> {
  // EHR_USER_DATA_DIR keeps separate profiles apart (a test run, a second hospital).
  if (process.env.EHR_USER_DATA_DIR) app.setPath('userData', process.env.EHR_USER_DATA_DIR);
  await app.whenReady();
  devTools = developerToolsAllowed({ kiosk, packaged: app.isPackaged });
  hardenApp(app, { devTools });
  denyAllPermissions(session.defaultSession);
  if (kiosk) Menu.setApplicationMenu(null);

  const rendererDir = built('renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const file = await serveRendererFile(rendererDir, new URL(request.url).pathname);
    return new Response(new Uint8Array(file.body), { status: file.status, headers: file.headers });
  });

  const helpers = utilityLauncher(utilityProcess);
  composed = composeApp({
    userDataDir: app.getPath('userData'),
    appInfo: { name: app.getName(), version: app.getVersion(), kiosk, shell: 'electron' },
    // Utility processes, not child_process.fork: the RunAsNode fuse is off when packaged.
    childScripts: {
      pkcs11Probe: { path: built('main', 'pkcs11-probe.child.cjs'), launch: helpers },
      cardService: { path: built('main', 'card-service.child.cjs'), launch: helpers },
      initToken: { path: built('main', 'init-token.child.cjs'), launch: helpers },
      cardSlots: { path: built('main', 'card-slots.child.cjs'), launch: helpers },
      registration: { path: built('main', 'registration.child.cjs'), launch: helpers },
    },
    // A kiosk exports nothing; elsewhere the person picks where a report goes.
    ...(kiosk
      ? {}
      : {
          chooseReportPath: async (suggestedName: string, format: 'pdf' | 'csv') => {
            const options = {
              title: 'Save the dose-history report',
              defaultPath: join(app.getPath('documents'), suggestedName),
              filters: [
                format === 'pdf'
                  ? { name: 'PDF', extensions: ['pdf'] }
                  : { name: 'CSV', extensions: ['csv'] },
              ],
            };
            const chosen = mainWindow
              ? await dialog.showSaveDialog(mainWindow, options)
              : await dialog.showSaveDialog(options);
            return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
          },
        }),
  });
  registerIpc(composed.dispatch);
  for (const name of EVENT_NAMES) {
    composed.events.on(name, (payload: unknown) =>
      mainWindow?.webContents.send(ipcEventChannel(name), payload),
    );
  }
  mainWindow = createMainWindow();
  // HIPAA automatic logoff on staff machines too: nobody finds a signed-in session behind a
  // locked screen or after a suspend.
  const lock = () => void composed?.lock();
  powerMonitor.on('lock-screen', lock);
  powerMonitor.on('suspend', lock);

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void composed?.close());
  start().catch((error: unknown) => {
    console.error('The workstation could not start:', error);
    app.exit(1);
  });
}
