// One hospital's PACS: Orthanc (Debian `orthanc`) with its DICOMweb plugin (`orthanc-dicomweb`),
// started from a generated JSON configuration with its own storage folder.
//
//   npx tsx scripts/hospital/orthanc.ts start <http-port> [storage-dir]   run one until Ctrl-C
//
// Loopback only, as far as Orthanc 1.10 allows: it has no bind-address setting (its HTTP server
// listens on every interface), so `RemoteAccessAllowed: false` makes it refuse every client that
// is not on this machine, and its DICOM (DIMSE) listener stays off — the workstation speaks
// DICOMweb only. The DICOM port is still written to the configuration (and reserved in the devnet
// port table) so that turning C-STORE on later needs no new port.
//
// Bounded in time: the server runs under coreutils `timeout` (its lifetime holds even when the
// starting process is killed outright), and a process exit hook kills it too. The devnet starts it
// through scripts/devnet/proc.ts instead, where `down` and the owner-pid watchdog stop it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ORTHANC_BINARY = process.env.ACTION_EHR_ORTHANC ?? '/usr/sbin/Orthanc';
/** Where Debian's orthanc-dicomweb puts the plugin (`dpkg -L orthanc-dicomweb`). */
export const DICOMWEB_PLUGIN =
  process.env.ACTION_EHR_ORTHANC_DICOMWEB ?? '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface OrthancConfigOptions {
  /** Shown in Orthanc's explorer and /system. */
  name: string;
  httpPort: number;
  dicomPort: number;
  /** The DICOM application entity title (16 characters at most). */
  aet?: string;
  /** Its own folder for the files and the SQLite index. */
  storageDir: string;
  /** Lua scripts Orthanc runs (e.g. a ReceivedInstanceFilter: the hospital's own store policy). */
  luaScripts?: string[];
}

/** Whether this machine has Orthanc and the DICOMweb plugin (setup.sh installs both). */
export function orthancInstalled(): boolean {
  return existsSync(ORTHANC_BINARY) && existsSync(DICOMWEB_PLUGIN);
}

export function orthancConfig(opts: OrthancConfigOptions): Record<string, unknown> {
  return {
    Name: opts.name,
    StorageDirectory: opts.storageDir,
    IndexDirectory: opts.storageDir,
    HttpPort: opts.httpPort,
    DicomPort: opts.dicomPort,
    DicomAet: (opts.aet ?? opts.name).toUpperCase().slice(0, 16),
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    HttpServerEnabled: true,
    // Keeps the UIDs a sender chose; a repeated store of the same instance replaces nothing.
    OverwriteInstances: false,
    StorageCompression: false,
    // The hospital's own data: keep everything, never recycle.
    MaximumStorageSize: 0,
    MaximumPatientCount: 0,
    ConcurrentJobs: 2,
    HttpThreadsCount: 8,
    StableAge: 2,
    Plugins: [DICOMWEB_PLUGIN],
    LuaScripts: opts.luaScripts ?? [],
    DicomWeb: {
      Enable: true,
      Root: '/dicom-web/',
      EnableWado: false,
      // Our QIDO-RS queries read attributes kept in Orthanc's index only.
      StudiesMetadata: 'MainDicomTags',
      SeriesMetadata: 'MainDicomTags',
    },
  };
}

/** Writes the configuration next to the storage folder; returns its path. */
export function writeOrthancConfig(dir: string, opts: OrthancConfigOptions): string {
  mkdirSync(opts.storageDir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'orthanc.json');
  writeFileSync(file, JSON.stringify(orthancConfig(opts), null, 2) + '\n');
  return file;
}

/** Whether Orthanc's REST API answers /system on this port. */
export async function orthancAnswers(httpPort: number, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/system`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export interface OrthancServer {
  /** http://127.0.0.1:<port> (Orthanc's REST API). */
  url: string;
  /** `${url}/dicom-web` (the DICOMweb root: QIDO-RS, WADO-RS, STOW-RS). */
  dicomWebUrl: string;
  httpPort: number;
  pid: number;
  /** SIGTERM, then SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOrthancOptions extends OrthancConfigOptions {
  /** The server is killed after this long even if nobody stops it (default 10 min). */
  lifetimeMs?: number;
  startTimeoutMs?: number;
}

const running = new Set<number>();
let exitHookInstalled = false;
function killOnExit(pid: number): void {
  running.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Starts one Orthanc and resolves once its REST API answers /system. */
export async function startOrthanc(opts: StartOrthancOptions): Promise<OrthancServer> {
  if (!orthancInstalled()) {
    throw new Error(
      `Orthanc or its DICOMweb plugin is missing (${ORTHANC_BINARY}, ${DICOMWEB_PLUGIN}); run npm run setup`,
    );
  }
  const lifetimeMs = opts.lifetimeMs ?? 10 * 60_000;
  const config = writeOrthancConfig(join(opts.storageDir, '..'), opts);
  const child = spawn(
    'timeout',
    ['--kill-after=5', `${Math.ceil(lifetimeMs / 1000)}`, ORTHANC_BINARY, config],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('Orthanc could not be started');
  killOnExit(pid);
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exitPromise = once(child, 'exit').then(() => {
    exited = true;
    running.delete(pid);
  });
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 5000);
      await exitPromise;
      clearTimeout(killer);
    })();
    return stopping;
  };
  setTimeout(() => void stop(), lifetimeMs).unref();

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Orthanc exited during start-up:\n${tail}`);
    if (await orthancAnswers(opts.httpPort)) {
      const url = `http://127.0.0.1:${opts.httpPort}`;
      return { url, dicomWebUrl: `${url}/dicom-web`, httpPort: opts.httpPort, pid, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`Orthanc did not answer /system within the start timeout:\n${tail}`);
}

async function main(): Promise<void> {
  const [cmd, portArg, dirArg] = process.argv.slice(2);
  const httpPort = Number(portArg);
  if (cmd !== 'start' || !Number.isInteger(httpPort)) {
    console.error('usage: npx tsx scripts/hospital/orthanc.ts start <http-port> [storage-dir]');
    process.exit(2);
  }
  const storageDir = dirArg ?? join(process.cwd(), '.orthanc-dev', 'db');
  const server = await startOrthanc({
    name: 'DevPACS',
    httpPort,
    dicomPort: httpPort + 1,
    storageDir,
    lifetimeMs: 8 * 3600_000,
  });
  console.log(`Orthanc at ${server.url} (DICOMweb ${server.dicomWebUrl}, storage ${storageDir})`);
  console.log('Ctrl-C stops it.');
  const keepAlive = setInterval(() => {}, 60_000);
  process.on('SIGINT', () => {
    clearInterval(keepAlive);
    void server.stop().then(() => process.exit(0));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
