// Reads what the Electron entry really applies: window options, CSP, navigation,
// window.open, webview and permission policies, kiosk mode, and the IPC sender check.
// Electron's binary cannot run on this machine, so the `electron` module is replaced by a
// recording test double (FakeElectron); everything behind it (composition root, SQLite,
// handlers, renderer file server) is the real code.
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, APP_ENTRY_URL } from '../../src/main/window/security';
import { CHANNEL_NAMES, ipcChannel } from '../../src/shared/ipc/channels';
import { tempDir } from '../support/tmp';
import { utilityProcessDouble } from '../support/electron-utility-double';
import { softhsmModulePath } from '../support/fixtures';

type Listener = (...args: unknown[]) => unknown;

class FakeWebContents extends EventEmitter {
  windowOpenHandler: Listener | null = null;
  devToolsClosed = 0;
  setWindowOpenHandler(handler: Listener) {
    this.windowOpenHandler = handler;
  }
  closeDevTools() {
    this.devToolsClosed += 1;
  }
}

function makeFakeElectron(appDir: string, packaged: boolean) {
  const recorded = {
    windows: [] as { options: Record<string, unknown>; url: string | null }[],
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    ipcHandlers: new Map<string, Listener>(),
    appListeners: new Map<string, Listener>(),
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    devicePermission: null as Listener | null,
    applicationMenu: 'default' as unknown,
    userDataSet: null as string | null,
    ready: Promise.resolve(),
  };
  class BrowserWindow extends EventEmitter {
    static getAllWindows = () => recorded.windows;
    record: { options: Record<string, unknown>; url: string | null };
    constructor(options: Record<string, unknown>) {
      super();
      this.record = { options, url: null };
      recorded.windows.push(this.record);
    }
    loadURL(url: string) {
      this.record.url = url;
      return Promise.resolve();
    }
    isMinimized = () => false;
    restore() {}
    focus() {}
    show() {}
  }
  const utilityProcess = utilityProcessDouble();
  const powerMonitor = new EventEmitter();
  const electron = {
    utilityProcess,
    powerMonitor,
    app: {
      isPackaged: packaged,
      whenReady: () => recorded.ready,
      getAppPath: () => appDir,
      getPath: () => join(appDir, 'userData'),
      setPath: (_name: string, path: string) => {
        recorded.userDataSet = path;
      },
      getName: () => 'ACTION-EHR Workstation',
      getVersion: () => '0.0.0-test',
      requestSingleInstanceLock: () => true,
      on: (event: string, listener: Listener) => recorded.appListeners.set(event, listener),
      quit: () => undefined,
      exit: (code: number) => {
        throw new Error(`app.exit(${code})`);
      },
    },
    BrowserWindow,
    Menu: {
      setApplicationMenu: (menu: unknown) => {
        recorded.applicationMenu = menu;
      },
    },
    ipcMain: {
      handle: (channel: string, listener: Listener) => recorded.ipcHandlers.set(channel, listener),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) =>
        recorded.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        recorded.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (recorded.permissionRequest = h),
        setPermissionCheckHandler: (h: Listener) => (recorded.permissionCheck = h),
        setDevicePermissionHandler: (h: Listener) => (recorded.devicePermission = h),
      },
    },
  };
  return { electron, recorded };
}

async function loadEntry(argv: string[], opts: { packaged?: boolean } = {}) {
  const home = tempDir('electron-entry');
  mkdirSync(join(home.path, 'dist', 'renderer'), { recursive: true });
  writeFileSync(
    join(home.path, 'dist', 'renderer', 'index.html'),
    '<!doctype html><title>t</title>',
  );
  const fake = makeFakeElectron(home.path, opts.packaged ?? false);
  vi.resetModules();
  vi.doMock('electron', () => fake.electron);
  const savedArgv = process.argv;
  process.argv = [...savedArgv.slice(0, 2), ...argv];
  try {
    await import('../../src/main/index');
  } finally {
    process.argv = savedArgv;
  }
  // Let start() run past whenReady().
  await vi.waitFor(() => expect(fake.recorded.windows).toHaveLength(1));
  return { ...fake, home };
}

function navigationEvent() {
  return {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

describe('Electron entry', () => {
  let loaded: Awaited<ReturnType<typeof loadEntry>>;
  afterEach(() => {
    loaded.recorded.appListeners.get('will-quit')?.();
    loaded.home.cleanup();
    vi.doUnmock('electron');
  });

  describe('standard workstation', () => {
    beforeEach(async () => {
      loaded = await loadEntry([]);
    });

    it('opens one isolated, sandboxed window without Node', () => {
      const [window] = loaded.recorded.windows;
      expect(window?.url).toBe(APP_ENTRY_URL);
      expect(window?.options).toMatchObject({
        kiosk: false,
        webPreferences: {
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          nodeIntegrationInWorker: false,
          nodeIntegrationInSubFrames: false,
          webSecurity: true,
          allowRunningInsecureContent: false,
          webviewTag: false,
          experimentalFeatures: false,
          preload: join(loaded.home.path, 'dist', 'preload', 'index.cjs'),
        },
      });
      expect(window?.options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
      expect(loaded.recorded.appListeners.has('second-instance')).toBe(true);
    });

    it('serves the UI from app:// with the strict CSP and refuses paths outside it', async () => {
      expect(loaded.recorded.privilegedSchemes).toEqual([
        { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
      ]);
      const handler = loaded.recorded.protocolHandlers.get('app');
      const page = await handler!(new Request('app://workstation/index.html'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      // WebAssembly compilation (the image codecs) is the one exception, and only for scripts.
      expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval';");
      expect(CONTENT_SECURITY_POLICY.match(/wasm-unsafe-eval/g)).toHaveLength(1);
      expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
      expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|(?<!wasm-)unsafe-eval|https?:|\*/);
      const escape = await handler!(new Request('app://workstation/%2e%2e/%2e%2e/package.json'));
      expect([403, 404]).toContain(escape.status);
    });

    it('denies new windows, navigation away, webviews and every permission', () => {
      const contents = new FakeWebContents();
      loaded.recorded.appListeners.get('web-contents-created')?.({}, contents);
      expect(contents.windowOpenHandler?.({ url: 'https://example.org' })).toEqual({
        action: 'deny',
      });

      const away = navigationEvent();
      contents.emit('will-navigate', away, 'https://example.org/');
      expect(away.prevented).toBe(true);
      const file = navigationEvent();
      contents.emit('will-navigate', file, 'file:///etc/passwd');
      expect(file.prevented).toBe(true);
      const inside = navigationEvent();
      contents.emit('will-navigate', inside, 'app://workstation/index.html');
      expect(inside.prevented).toBe(false);
      const redirect = navigationEvent();
      contents.emit('will-redirect', redirect, 'http://127.0.0.1:8080/');
      expect(redirect.prevented).toBe(true);
      const webview = navigationEvent();
      contents.emit('will-attach-webview', webview);
      expect(webview.prevented).toBe(true);

      let granted: boolean | undefined;
      loaded.recorded.permissionRequest?.({}, 'media', (ok: boolean) => (granted = ok));
      expect(granted).toBe(false);
      expect(loaded.recorded.permissionCheck?.({}, 'notifications')).toBe(false);
      expect(loaded.recorded.devicePermission?.({})).toBe(false);
    });

    it('registers every contract channel and answers only the app frame', async () => {
      for (const name of CHANNEL_NAMES) {
        expect(loaded.recorded.ipcHandlers.has(ipcChannel(name))).toBe(true);
      }
      const getSettings = loaded.recorded.ipcHandlers.get(ipcChannel('getSettings'))!;
      expect(
        await getSettings({ senderFrame: { url: 'https://example.org/' } }, undefined),
      ).toMatchObject({
        ok: false,
        error: { code: 'UNTRUSTED_SENDER' },
      });
      expect(await getSettings({ senderFrame: null }, undefined)).toMatchObject({
        ok: false,
        error: { code: 'UNTRUSTED_SENDER' },
      });
      expect(await getSettings({ senderFrame: { url: APP_ENTRY_URL } }, undefined)).toMatchObject({
        ok: true,
      });
      expect(await getSettings({ senderFrame: { url: APP_ENTRY_URL } }, { all: 1 })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
    });

    it('starts its helper processes as utility processes, not as Node forks', async () => {
      const check = loaded.recorded.ipcHandlers.get(ipcChannel('checkSetting'))!;
      await check(
        { senderFrame: { url: APP_ENTRY_URL } },
        { key: 'pkcs11ModulePath', value: softhsmModulePath() },
      );
      expect(loaded.electron.utilityProcess.forks.map((f) => f.path)).toEqual([
        join(loaded.home.path, 'dist', 'main', 'pkcs11-probe.child.cjs'),
      ]);
    });

    it('locks the session when the screen locks or the machine suspends', () => {
      const { powerMonitor } = loaded.electron;
      expect(powerMonitor.listenerCount('lock-screen')).toBe(1);
      expect(powerMonitor.listenerCount('suspend')).toBe(1);
      // Nobody is signed in here: locking is harmless (the sign-in E2E shows a real lock).
      expect(() => powerMonitor.emit('suspend')).not.toThrow();
    });

    it('keeps the menu and developer tools for staff workstations', () => {
      expect(loaded.recorded.applicationMenu).toBe('default');
      expect(loaded.recorded.windows[0]?.options).toMatchObject({
        webPreferences: { devTools: true },
      });
    });
  });

  describe('packaged staff workstation', () => {
    const saved = process.env.ACTION_EHR_DEVTOOLS;
    afterEach(() => {
      if (saved === undefined) delete process.env.ACTION_EHR_DEVTOOLS;
      else process.env.ACTION_EHR_DEVTOOLS = saved;
    });

    it('has no developer tools unless hospital IT allows them', async () => {
      delete process.env.ACTION_EHR_DEVTOOLS;
      const noPolicy = tempDir('no-policy');
      process.env.ACTION_EHR_POLICY_DIR = noPolicy.path;
      loaded = await loadEntry([], { packaged: true });
      delete process.env.ACTION_EHR_POLICY_DIR;
      noPolicy.cleanup();
      expect(loaded.recorded.windows[0]?.options).toMatchObject({
        webPreferences: { devTools: false },
      });
      const contents = new FakeWebContents();
      loaded.recorded.appListeners.get('web-contents-created')?.({}, contents);
      contents.emit('devtools-opened');
      expect(contents.devToolsClosed).toBe(1);
    });

    it('opens them where hospital IT set ACTION_EHR_DEVTOOLS=1', async () => {
      process.env.ACTION_EHR_DEVTOOLS = '1';
      loaded = await loadEntry([], { packaged: true });
      expect(loaded.recorded.windows[0]?.options).toMatchObject({
        webPreferences: { devTools: true },
      });
    });

    it('never on a kiosk, whatever the policy says', async () => {
      process.env.ACTION_EHR_DEVTOOLS = '1';
      loaded = await loadEntry(['--kiosk'], { packaged: true });
      expect(loaded.recorded.windows[0]?.options).toMatchObject({
        webPreferences: { devTools: false },
      });
    });
  });

  describe('--kiosk', () => {
    beforeEach(async () => {
      loaded = await loadEntry(['--kiosk']);
    });

    it('opens full-screen with no menu and no developer tools', async () => {
      expect(loaded.recorded.windows[0]?.options).toMatchObject({
        kiosk: true,
        fullscreen: true,
        webPreferences: { devTools: false, contextIsolation: true, sandbox: true },
      });
      expect(loaded.recorded.applicationMenu).toBeNull();
      const contents = new FakeWebContents();
      loaded.recorded.appListeners.get('web-contents-created')?.({}, contents);
      contents.emit('devtools-opened');
      expect(contents.devToolsClosed).toBe(1);
      const save = loaded.recorded.ipcHandlers.get(ipcChannel('saveSettings'))!;
      expect(
        await save({ senderFrame: { url: APP_ENTRY_URL } }, { values: { mspId: 'HospitalAMSP' } }),
      ).toMatchObject({ ok: false, error: { code: 'KIOSK_LOCKED' } });
    });
  });
});
