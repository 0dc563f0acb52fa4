// `npm start`: opens the workstation. With an Electron binary, the real desktop app.
// Without one (Electron's download is not reachable on every machine), the same UI and
// the same main-process code in Debian's Chromium through the browser shell: a window
// when a display is there, otherwise headless with a screenshot of each screen.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeApp } from '../src/main/app/compose';
import { defaultUserDataDir } from '../src/main/app/user-data';
import { REPO_ROOT, openBrowserShell } from '../test/harness/browser-shell';
import { findElectronBinary } from '../test/harness/electron-binary';

const args = process.argv.slice(2);
const kiosk = args.includes('--kiosk');
const forceHeadless = args.includes('--headless');

function ensureBuilt(): void {
  if (existsSync(join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) return;
  console.log('start: building the workstation first');
  const result = spawnSync('npx', ['tsx', 'scripts/build.ts'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function runInBrowserShell(reason: string): Promise<void> {
  console.log(`start: ${reason}.`);
  console.log('start: opening the same UI in Chromium through the browser shell instead.');
  const userDataDir = defaultUserDataDir();
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    productName: string;
    version: string;
  };
  const app = composeApp({
    userDataDir,
    appInfo: { name: pkg.productName, version: pkg.version, kiosk, shell: 'browser-harness' },
    childScripts: {
      pkcs11Probe: { path: join(REPO_ROOT, 'dist', 'main', 'pkcs11-probe.child.cjs') },
      cardService: { path: join(REPO_ROOT, 'dist', 'main', 'card-service.child.cjs') },
    },
  });
  console.log(`start: workstation data in ${userDataDir}`);
  const headless = forceHeadless || !process.env.DISPLAY;
  const shell = await openBrowserShell({
    dispatch: app.dispatch,
    events: app.events,
    headless,
    maxLifetimeMs: headless ? 5 * 60_000 : 12 * 60 * 60_000,
  });
  if (!headless) {
    console.log('start: the workstation is open; close its window to stop.');
    await new Promise<void>((resolve) => shell.browser.once('disconnected', () => resolve()));
    await app.close();
    return;
  }
  console.log('start: no display, so running headless and saving a picture of each screen:');
  await shell.page.getByRole('heading', { level: 1 }).waitFor();
  console.log(`  ${await shell.screenshot('start', 'sign-in')}`);
  if (!kiosk) {
    await shell.page.getByRole('button', { name: 'Connection settings' }).click();
    await shell.page.getByRole('heading', { name: 'Connection settings' }).waitFor();
    console.log(`  ${await shell.screenshot('start', 'connection-settings')}`);
  }
  await shell.close();
  await app.close();
}

async function main(): Promise<void> {
  ensureBuilt();
  const electron = findElectronBinary();
  if (electron.found) {
    const child = spawn(electron.path, [REPO_ROOT, ...args], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  await runInBrowserShell(`No Electron binary: ${electron.reason}`);
}

main().catch((error: unknown) => {
  console.error('start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
