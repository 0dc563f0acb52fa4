// E2E: Connection settings in a real browser against the real handler table, SQLite
// database, file checks and PKCS#11 probe. Screenshots land in artifacts/e2e/.
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type ComposedApp } from '../../src/main/app/compose';
import {
  ARTIFACTS_DIR,
  REPO_ROOT,
  openBrowserShell,
  type BrowserShell,
} from '../harness/browser-shell';
import { findElectronBinary } from '../harness/electron-binary';
import { childScriptsFromSource } from '../support/child-scripts';
import { makeCertificates, softhsmModulePath } from '../support/fixtures';
import { tempDir } from '../support/tmp';
import {
  GOOD_VALUES,
  enterBadValues,
  enterGoodValues,
  readFieldValues,
  type SettingsFlowFiles,
} from './settings-flow';

const APP_INFO = {
  name: 'ACTION-EHR Workstation',
  version: 'test',
  kiosk: false,
  shell: 'browser-harness',
} as const;

describe('connection settings in Chromium', () => {
  const home = tempDir('settings-e2e');
  let files: SettingsFlowFiles;
  let app: ComposedApp;
  let shell: BrowserShell;

  const compose = () =>
    composeApp({ userDataDir: home.path, appInfo: APP_INFO, childScripts: childScriptsFromSource });

  beforeAll(async () => {
    files = { ...makeCertificates(home.path), softhsmModule: softhsmModulePath() };
    app = compose();
    shell = await openBrowserShell({ dispatch: app.dispatch });
    console.log(`E2E screenshots: ${ARTIFACTS_DIR}/e2e`);
  });

  afterAll(async () => {
    await shell?.close();
    await app?.close();
    home.cleanup();
  });

  it('opens on the smart-card sign-in screen and reaches the settings', async () => {
    const { page } = shell;
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Sign in with your smart card');
    expect(await page.getByRole('status').textContent()).toBe(
      'Insert your smart card and enter its PIN.',
    );
    // With no PKCS#11 module configured yet, the sign-in screen says what is missing.
    await expect
      .poll(() => page.locator('.card-status').textContent())
      .toMatch(/No smart-card library is set/);
    await shell.screenshot('e2e', 'sign-in');
    await page.getByRole('button', { name: 'Connection settings' }).click();
    await page.getByRole('heading', { name: 'Connection settings' }).waitFor();
    await shell.screenshot('e2e', 'settings-empty');
  });

  it('shows a specific message for each bad value and saves none of them', async () => {
    const { page } = shell;
    await enterBadValues(page, files);
    await shell.screenshot('e2e', 'settings-errors');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/Nothing was saved: 6 settings need correcting/);
    const stored = app.db.prepare('SELECT count(*) AS n FROM settings').get() as { n: number };
    expect(stored.n).toBe(0);
  });

  it('saves good values, which are still there after a reload', async () => {
    const { page } = shell;
    await enterGoodValues(page, files);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Settings saved.');
    await shell.screenshot('e2e', 'settings-saved');

    await page.reload();
    await page.getByRole('button', { name: 'Connection settings' }).click();
    await page.getByRole('heading', { name: 'Connection settings' }).waitFor();
    await expect.poll(() => readFieldValues(page)).toEqual(GOOD_VALUES(files));
  });

  it('keeps the saved settings across a restart of the workstation', async () => {
    await shell.close();
    await app.close();
    app = compose();
    shell = await openBrowserShell({ dispatch: app.dispatch });
    const { page } = shell;
    await page.getByRole('button', { name: 'Connection settings' }).click();
    await page.getByRole('heading', { name: 'Connection settings' }).waitFor();
    await expect.poll(() => readFieldValues(page)).toEqual(GOOD_VALUES(files));
    await shell.screenshot('e2e', 'settings-after-restart');
  });
});

// The same flow against the real Electron shell, where a binary exists (a developer's or
// user's machine). Playwright drives Electron's own window; the preload is the real one.
const electron = findElectronBinary();
if (!electron.found) console.log(`Electron E2E skipped: ${electron.reason}.`);

describe.skipIf(!electron.found || !process.env.DISPLAY)('connection settings in Electron', () => {
  const home = tempDir('settings-electron');
  let files: SettingsFlowFiles;
  let electronApp: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    files = { ...makeCertificates(home.path), softhsmModule: softhsmModulePath() };
    electronApp = await _electron.launch({
      executablePath: electron.found ? electron.path : '',
      args: [REPO_ROOT],
      env: { ...process.env, EHR_USER_DATA_DIR: join(home.path, 'userData') },
    });
    page = await electronApp.firstWindow();
  });
  afterAll(async () => {
    await electronApp?.close();
    home.cleanup();
  });

  it('refuses bad values and keeps good ones across a reload', async () => {
    await page.getByRole('button', { name: 'Connection settings' }).click();
    await enterBadValues(page, files);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Nothing was saved/);
    await enterGoodValues(page, files);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Settings saved.');
    await page.reload();
    await page.getByRole('button', { name: 'Connection settings' }).click();
    await expect.poll(() => readFieldValues(page)).toEqual(GOOD_VALUES(files));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'e2e', 'electron-settings.png') });
  });
});
