// `npm start`: the workstation's main job. By default on the local two-hospital network with
// demo smart cards (see scripts/demo/demo-workstation.ts); `--no-demo` opens the workstation
// with this machine's own configuration instead.
//
// With an Electron binary, the real desktop app opens. Without one (Electron's download is
// not reachable on every machine), the same UI and the same main-process code open in
// Debian's Chromium through the browser shell: a window when a display is there, otherwise
// headless, signing in with a demo card and saving a picture of each screen.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeApp, type ComposedApp } from '../src/main/app/compose';
import { defaultUserDataDir } from '../src/main/app/user-data';
import { REPO_ROOT, openBrowserShell, type BrowserShell } from '../test/harness/browser-shell';
import { findElectronBinary } from '../test/harness/electron-binary';
import { DEMO_PIN, prepareDemoWorkstation, type DemoWorkstation } from './demo/demo-workstation';

const args = process.argv.slice(2);
const kiosk = args.includes('--kiosk');
const forceHeadless = args.includes('--headless');
const demoMode = !args.includes('--no-demo');
const passThrough = args.filter((a) => a === '--kiosk');

const built = (...parts: string[]) => join(REPO_ROOT, 'dist', ...parts);
const childScripts = {
  pkcs11Probe: { path: built('main', 'pkcs11-probe.child.cjs') },
  cardService: { path: built('main', 'card-service.child.cjs') },
};

function run(command: string, commandArgs: string[], cwd = REPO_ROOT): void {
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function ensureBuilt(): void {
  if (!existsSync(built('renderer', 'index.html')) || !existsSync(childScripts.cardService.path)) {
    console.log('start: building the workstation first');
    run('npx', ['tsx', 'scripts/build.ts']);
  }
  if (demoMode && !existsSync(join(REPO_ROOT, 'chaincode', 'dist', 'server.js'))) {
    console.log('start: building the chaincode first');
    run('npm', ['run', 'build', '--silent'], join(REPO_ROOT, 'chaincode'));
  }
}

function appInfo() {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    productName: string;
    version: string;
  };
  return { name: pkg.productName, version: pkg.version, kiosk, shell: 'browser-harness' as const };
}

/** Points the demo workstation's settings at the network, through the real checks. */
async function configureDemo(app: ComposedApp, demo: DemoWorkstation): Promise<void> {
  const saved = await app.dispatch('saveSettings', { values: demo.settings });
  if (!saved.ok) throw new Error(`the demo settings were refused: ${saved.error.message}`);
}

async function tourHeadless(shell: BrowserShell, demo: DemoWorkstation | null): Promise<void> {
  const { page } = shell;
  console.log('start: no display, so running headless and saving a picture of each screen:');
  await page.getByRole('heading', { level: 1 }).waitFor();
  if (!demo) {
    console.log(`  ${await shell.screenshot('start', 'sign-in')}`);
    return;
  }
  await page.getByLabel('Card', { exact: true }).waitFor({ timeout: 20_000 });
  console.log(`  ${await shell.screenshot('start', 'sign-in')}`);
  for (const card of demo.cards) {
    await page.getByLabel('Card', { exact: true }).selectOption({ label: card.label });
    await page.getByLabel('Card PIN').fill(DEMO_PIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 20_000 });
    const name = card.label
      .toLowerCase()
      .replace(/[^a-z]+/g, '-')
      .replace(/-$/, '');
    console.log(`  ${await shell.screenshot('start', `signed-in-${name}`)}`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Card', { exact: true }).waitFor({ timeout: 20_000 });
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  const demo = demoMode
    ? await prepareDemoWorkstation(childScripts.cardService, (line) =>
        console.log(`start: ${line}`),
      )
    : null;
  if (demo) process.env.SOFTHSM2_CONF = demo.softhsmConf;
  const userDataDir = demo?.userDataDir ?? defaultUserDataDir();
  const app = composeApp({ userDataDir, appInfo: appInfo(), childScripts });
  if (demo) await configureDemo(app, demo);
  console.log(`start: workstation data in ${userDataDir}`);
  if (demo) {
    console.log(
      `start: demo cards (PIN ${DEMO_PIN}): ${demo.cards.map((c) => c.label).join(', ')}`,
    );
  }

  const electron = findElectronBinary();
  if (electron.found) {
    await app.close();
    const env = { ...process.env, EHR_USER_DATA_DIR: userDataDir };
    const child = spawn(electron.path, [REPO_ROOT, ...passThrough], { stdio: 'inherit', env });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.log(`start: No Electron binary: ${electron.reason}.`);
  console.log('start: opening the same UI in Chromium through the browser shell instead.');
  const headless = forceHeadless || !process.env.DISPLAY;
  const shell = await openBrowserShell({
    dispatch: app.dispatch,
    events: app.events,
    headless,
    maxLifetimeMs: headless ? 5 * 60_000 : 12 * 60 * 60_000,
  });
  if (headless) {
    await tourHeadless(shell, demo);
  } else {
    console.log('start: the workstation is open; close its window to stop.');
    await new Promise<void>((resolve) => shell.browser.once('disconnected', () => resolve()));
  }
  await shell.close();
  await app.close();
  if (demo) console.log('start: the local network keeps running; `npm run devnet:down` stops it.');
}

main().catch((error: unknown) => {
  console.error('start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
