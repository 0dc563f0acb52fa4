// One hospital's EHR on loopback: the HAPI FHIR JPA server (R4, H2 database file in its data
// folder) built by scripts/hospital/build-hapi-fhir.sh. Ready when /fhir/metadata answers.
//
// The server runs under coreutils `timeout` in its own process group, so its lifetime limit
// holds even when the starting process is killed outright and its exit hook never runs.
// Start-up is slow (HAPI creates its schema on the first start; tens of seconds to minutes on
// a loaded 2-core machine): share one server per test file.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function fhirCacheDir(): string {
  return join(process.env.ACTION_EHR_CACHE ?? join(homedir(), '.cache', 'action-ehr'), 'hapi-fhir');
}

/** The newest built jar in the cache, or undefined. Never builds (a build takes minutes). */
export function cachedFhirServerJar(): string | undefined {
  const dir = fhirCacheDir();
  if (!existsSync(dir)) return undefined;
  const jars = readdirSync(dir)
    .map((stamp) => join(dir, stamp, 'ehr-fhir-server.jar'))
    .filter((jar) => existsSync(jar))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return jars[0];
}

export interface FhirServer {
  /** The FHIR base URL, e.g. http://127.0.0.1:20070/fhir */
  baseUrl: string;
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

export interface StartFhirServerOptions {
  port: number;
  /** Where the H2 database file lives; the caller creates and removes it. */
  dataDir: string;
  jar?: string;
  /** Hard limit: the server is killed after this long even if nobody stops it. */
  lifetimeMs?: number;
  startTimeoutMs?: number;
  /** Java heap limit, e.g. '768m'. */
  heap?: string;
}

async function answers(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/metadata`, {
      headers: { accept: 'application/fhir+json' },
      signal: AbortSignal.timeout(2000),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Whether a FHIR server answers at `baseUrl` now (for `devnet:status`). */
export const fhirServerAnswers = answers;

/** The java command line of a HAPI FHIR server (also what the devnet's EHRs run, devnet-ehr.ts). */
export function fhirServerArgs(opts: {
  jar: string;
  port: number;
  dataDir: string;
  heap?: string;
}): string[] {
  return [
    `-Xmx${opts.heap ?? '768m'}`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-jar',
    opts.jar,
    '--server.address=127.0.0.1',
    `--server.port=${opts.port}`,
    `--spring.datasource.url=jdbc:h2:file:${join(opts.dataDir, 'fhir')}`,
  ];
}

export const FHIR_NOT_BUILT =
  'The HAPI FHIR server is not built; run: npm run setup (or bash scripts/hospital/build-hapi-fhir.sh)';

export async function startFhirServer(opts: StartFhirServerOptions): Promise<FhirServer> {
  const jar = opts.jar ?? cachedFhirServerJar();
  if (!jar) throw new Error(FHIR_NOT_BUILT);
  const lifetimeMs = opts.lifetimeMs ?? 30 * 60_000;
  mkdirSync(opts.dataDir, { recursive: true });
  const baseUrl = `http://127.0.0.1:${opts.port}/fhir`;
  const child = spawn(
    'timeout',
    [
      '--kill-after=5',
      `${Math.ceil(lifetimeMs / 1000)}`,
      'java',
      ...fhirServerArgs({ jar, port: opts.port, dataDir: opts.dataDir, heap: opts.heap }),
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.dataDir },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('The FHIR server could not be started');
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  const killGroup = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  };
  process.once('exit', killGroup);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killGroup);
      if (exited) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      const killer = setTimeout(killGroup, 10_000);
      await exit;
      clearTimeout(killer);
    })();
    return stopping;
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10 * 60_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`The FHIR server exited during start-up:\n${tail}`);
    if (await answers(baseUrl)) return { baseUrl, port: opts.port, pid, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(
    `The FHIR server did not answer at ${baseUrl} within the start timeout:\n${tail}`,
  );
}
