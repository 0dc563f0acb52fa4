// `npm start`: the workstation's main job. By default on the local two-hospital network with
// demo smart cards and records (see scripts/demo/demo-world.ts); `--no-demo` opens the workstation
// with this machine's own configuration instead.
//
// With an Electron binary, the real desktop app opens. Without one (Electron's download is
// not reachable on every machine), the same UI and the same main-process code open in
// Debian's Chromium through the browser shell: a window when a display is there, otherwise
// headless, signing in with each demo card and saving a picture of each screen (tour.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { composeApp, type ComposedApp } from '../src/main/app/compose';
import { defaultUserDataDir } from '../src/main/app/user-data';
import { REPO_ROOT, openBrowserShell } from '../test/harness/browser-shell';
import { findElectronBinary } from '../test/harness/electron-binary';
import { DEMO_PIN, prepareDemoWorld, type DemoWorld } from './demo/demo-world';
import { resolveConfig } from './devnet/config';
import { stopChaincode } from './devnet/network';
import { tourHeadless } from './demo/tour';

const args = process.argv.slice(2);
const kiosk = args.includes('--kiosk');
const forceHeadless = args.includes('--headless');
const demoMode = !args.includes('--no-demo');
const passThrough = args.filter((a) => a === '--kiosk');

const built = (...parts: string[]) => join(REPO_ROOT, 'dist', ...parts);
const childScripts = {
  pkcs11Probe: { path: built('main', 'pkcs11-probe.child.cjs') },
  cardService: { path: built('main', 'card-service.child.cjs') },
  initToken: { path: built('main', 'init-token.child.cjs') },
  cardSlots: { path: built('main', 'card-slots.child.cjs') },
  registration: { path: built('main', 'registration.child.cjs') },
};
const initTokenScript = childScripts.initToken;

function run(command: string, commandArgs: string[], cwd = REPO_ROOT): void {
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The newest modification time among `paths` (folders walked), 0 when none exists. */
function newestChange(paths: string[]): number {
  let newest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (!stat.isDirectory()) {
      newest = Math.max(newest, stat.mtimeMs);
      continue;
    }
    for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Missing, or older than a source it is built from: after a pull, `npm start` rebuilds. */
function outOfDate(outputs: string[], sources: string[]): boolean {
  if (!outputs.every((path) => existsSync(path))) return true;
  const builtAt = Math.min(...outputs.map((path) => statSync(path).mtimeMs));
  return newestChange(sources.map((p) => join(REPO_ROOT, p))) > builtAt;
}

async function ensureBuilt(): Promise<void> {
  const outputs = [
    built('renderer', 'index.html'),
    childScripts.cardService.path,
    initTokenScript.path,
  ];
  const sources = ['src', 'scripts/build.ts', 'vite.config.ts', 'package-lock.json'];
  if (outOfDate(outputs, sources)) {
    console.log('start: building the workstation first');
    run('npx', ['tsx', 'scripts/build.ts']);
  }
  const chaincode = join(REPO_ROOT, 'chaincode');
  if (
    demoMode &&
    outOfDate(
      [join(chaincode, 'dist', 'server.js')],
      ['chaincode/src', 'chaincode/package-lock.json'],
    )
  ) {
    console.log('start: building the chaincode first');
    run('npm', ['run', 'build', '--silent'], chaincode);
    // A local network still running the old build serves the new one from here on.
    const stopped = await stopChaincode(resolveConfig({ log: () => undefined }));
    if (stopped.length) console.log(`start: restarting ${stopped.join(', ')} with the new build`);
  }
}

function appInfo() {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    productName: string;
    version: string;
  };
  return { name: pkg.productName, version: pkg.version, kiosk, shell: 'browser-harness' as const };
}

async function main(): Promise<void> {
  await ensureBuilt();
  const log = (line: string) => console.log(`start: ${line}`);
  const world: DemoWorld | null = demoMode
    ? await prepareDemoWorld({ childScripts, initTokenScript, appInfo: appInfo(), log })
    : null;
  const apps: ComposedApp[] = world
    ? world.workstations.map((w) => w.app)
    : [composeApp({ userDataDir: defaultUserDataDir(), appInfo: appInfo(), childScripts })];
  if (world) {
    for (const w of world.workstations) log(`${w.name}: data in ${w.userDataDir}`);
    log(`demo cards (PIN ${DEMO_PIN}): ${world.cards.map((c) => c.label).join(', ')}`);
  } else {
    log(`workstation data in ${defaultUserDataDir()}`);
  }

  const electron = findElectronBinary();
  if (electron.found) {
    // The desktop app opens HospitalA's workstation (the demo's first); the network, with the
    // record storage and gateways, keeps running after it.
    for (const app of apps) await app.close();
    const env = {
      ...(world?.env ?? process.env),
      EHR_USER_DATA_DIR: world?.workstations[0].userDataDir ?? defaultUserDataDir(),
    };
    const child = spawn(electron.path, [REPO_ROOT, ...passThrough], { stdio: 'inherit', env });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  log(`No Electron binary: ${electron.reason}.`);
  log('opening the same UI in Chromium through the browser shell instead.');
  const headless = forceHeadless || !process.env.DISPLAY;
  if (headless) {
    log('no display, so running headless and saving a picture of each screen:');
    await tourHeadless(world, apps[0]!, (path) => console.log(`  ${path}`));
  } else {
    const shell = await openBrowserShell({
      dispatch: apps[0]!.dispatch,
      events: apps[0]!.events,
      headless: false,
      maxLifetimeMs: 12 * 60 * 60_000,
    });
    log('the workstation is open; close its window to stop.');
    await new Promise<void>((resolve) => shell.browser.once('disconnected', () => resolve()));
    await shell.close();
  }
  if (world) await world.close();
  else for (const app of apps) await app.close();
  if (world) log('the local network keeps running; `npm run devnet:down` stops it.');
}

main().catch((error: unknown) => {
  console.error('start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
