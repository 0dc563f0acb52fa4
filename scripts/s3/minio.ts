// A real S3-compatible server on loopback for tests and benchmarks: MinIO, built from its Go
// module (no Docker and no binary downloads here; the Go module proxy is reachable).
//
//   npx tsx scripts/s3/minio.ts build    build once into the cache (idempotent; prints progress)
//   npx tsx scripts/s3/minio.ts path     print the cached binary's path (exit 1 if not built)
//   npx tsx scripts/s3/minio.ts start    run a throwaway server until Ctrl-C (for poking at it)
//
// The binary is cached at $ACTION_EHR_CACHE (default ~/.cache/action-ehr)/minio/<version>/minio,
// keyed by the pinned version, so a version bump builds anew and old builds never get in the way.
// Tests never build (a build takes minutes): they use the cached binary or skip, saying why.
//
// Pinned by pseudo-version: the module proxy here refuses version listing, and MinIO publishes no
// Go-module-compatible release tags anyway. 7aac2a2c5b7c is master on 2026-02-12 (what
// `go list -m github.com/minio/minio@latest` resolved to when this was written).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  accessSync,
  constants,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export const MINIO_MODULE = 'github.com/minio/minio';
export const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';

export function cacheRoot(): string {
  return process.env.ACTION_EHR_CACHE ?? join(homedir(), '.cache', 'action-ehr');
}

export function minioBinaryPath(version = MINIO_VERSION): string {
  return join(cacheRoot(), 'minio', version, 'minio');
}

/** The cached binary, or undefined if it has not been built yet. Never builds. */
export function cachedMinioBinary(version = MINIO_VERSION): string | undefined {
  const bin = minioBinaryPath(version);
  try {
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    return undefined;
  }
}

type Log = (line: string) => void;
const defaultLog: Log = (line) =>
  console.error(`[minio build ${new Date().toTimeString().slice(0, 8)}] ${line}`);

/** Runs a command, printing a heartbeat with the number of Go packages compiled so far. */
async function runGo(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; log: Log; label: string },
): Promise<{ code: number; output: string }> {
  const child = spawn('go', args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let packages = 0;
  const take = (b: Buffer) => {
    const text = b.toString();
    output = (output + text).slice(-20_000);
    // With -v, go prints one line per package it compiles.
    for (const line of text.split('\n')) if (line && !line.startsWith('go: ')) packages++;
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const t0 = Date.now();
  const beat = setInterval(
    () =>
      opts.log(
        `… ${opts.label}: ${Math.round((Date.now() - t0) / 1000)} s, ${packages} packages compiled`,
      ),
    30_000,
  );
  try {
    const [code] = (await once(child, 'close')) as [number | null];
    return { code: code ?? 1, output };
  } finally {
    clearInterval(beat);
  }
}

/** Takes an exclusive lock file (waiting while a live process holds it). */
async function lock(file: string, log: Log): Promise<() => void> {
  let said = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(file, 'utf8').trim());
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = holder > 0;
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(file, { force: true });
        continue;
      }
      if (!said) log(`another build (pid ${holder}) is running; waiting for it`);
      said = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** Builds MinIO into the cache unless it is there already; returns the binary's path. */
export async function buildMinio(opts: { version?: string; log?: Log } = {}): Promise<string> {
  const version = opts.version ?? MINIO_VERSION;
  const log = opts.log ?? defaultLog;
  const cached = cachedMinioBinary(version);
  if (cached) {
    log(`${MINIO_MODULE}@${version}: cached at ${cached}`);
    return cached;
  }
  const dir = join(cacheRoot(), 'minio', version);
  mkdirSync(dir, { recursive: true });
  const unlock = await lock(join(dir, '.build.lock'), log);
  try {
    const again = cachedMinioBinary(version);
    if (again) return again; // built by the process we waited for
    const tmp = join(dir, `.tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const env = {
      ...process.env,
      GOBIN: tmp,
      // Static binary (MinIO's own releases are built this way); no C toolchain needed.
      CGO_ENABLED: '0',
      GOFLAGS: '-buildvcs=false',
      // Never fetch another Go toolchain: the local one is new enough (go.mod says 1.24).
      GOTOOLCHAIN: 'local',
    };
    const t0 = Date.now();
    log(`building ${MINIO_MODULE}@${version} with go install (takes several minutes on 2 cores)`);
    let r = await runGo(['install', '-v', `${MINIO_MODULE}@${version}`], {
      cwd: tmp,
      env,
      log,
      label: 'go install',
    });
    let built = join(tmp, 'minio');
    if (r.code !== 0) {
      // `go install pkg@version` refuses modules whose go.mod has replace directives (and needs
      // a proxy that answers more queries); building inside the downloaded module dir does not.
      log(`go install failed; building inside the module dir instead:\n${r.output.slice(-2000)}`);
      const dl = await runGo(['mod', 'download', '-json', `${MINIO_MODULE}@${version}`], {
        cwd: tmp,
        env,
        log,
        label: 'go mod download',
      });
      const jsonStart = dl.output.indexOf('{');
      const info = JSON.parse(dl.output.slice(jsonStart)) as { Dir?: string; Error?: string };
      if (dl.code !== 0 || !info.Dir) {
        throw new Error(`go mod download failed: ${info.Error ?? dl.output.slice(-2000)}`);
      }
      built = join(tmp, 'minio');
      r = await runGo(['build', '-v', '-mod=readonly', '-o', built, '.'], {
        cwd: info.Dir,
        env: { ...env, GOBIN: undefined },
        log,
        label: 'go build',
      });
      if (r.code !== 0) throw new Error(`go build of MinIO failed:\n${r.output.slice(-4000)}`);
    }
    // Atomic: a concurrent reader sees either no binary or the whole one.
    renameSync(built, minioBinaryPath(version));
    rmSync(tmp, { recursive: true, force: true });
    log(`built in ${Math.round((Date.now() - t0) / 1000)} s: ${minioBinaryPath(version)}`);
    return minioBinaryPath(version);
  } finally {
    unlock();
  }
}

export interface MinioServer {
  endpoint: string;
  port: number;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period). Idempotent. */
  stop(): Promise<void>;
}

export interface StartMinioOptions {
  /** Where MinIO keeps its objects; the caller creates and removes it. */
  dataDir: string;
  binary?: string;
  /** Hard limit: the server is killed after this long even if nobody stops it. */
  lifetimeMs?: number;
  startTimeoutMs?: number;
  /** Fixed root credentials (a data folder kept between runs needs the same ones); default random. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function statusOf(port: number, path: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Ready for S3 requests. /minio/health/ready can answer 200 while the object layer is
 * still starting, when S3 calls get 503 XMinioServerNotInitialized; an anonymous S3 request
 * answers 403 only once it is up. Both must hold.
 */
export async function minioReady(port: number): Promise<boolean> {
  if ((await statusOf(port, '/minio/health/ready')) !== 200) return false;
  const s3 = await statusOf(port, '/');
  return s3 !== null && s3 !== 503;
}

// Servers still running when this process exits are killed (their whole process group).
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

/**
 * Starts MinIO on a random free loopback port with random root credentials and resolves once
 * /minio/health/ready answers. The server runs under coreutils `timeout`, so the lifetime limit
 * holds even if this process is killed outright and its exit hook never runs.
 */
export async function startMinio(opts: StartMinioOptions): Promise<MinioServer> {
  const binary = opts.binary ?? cachedMinioBinary();
  if (!binary) {
    throw new Error(`MinIO is not built; run: npx tsx scripts/s3/minio.ts build`);
  }
  const lifetimeMs = opts.lifetimeMs ?? 10 * 60_000;
  let lastError: Error | undefined;
  // The port is free when picked but could be taken before MinIO binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, opts, lifetimeMs);
    } catch (e) {
      lastError = e as Error;
    }
  }
  throw lastError ?? new Error('MinIO did not start');
}

async function startOnce(
  binary: string,
  opts: StartMinioOptions,
  lifetimeMs: number,
): Promise<MinioServer> {
  const port = await freeLoopbackPort();
  const consolePort = await freeLoopbackPort();
  const accessKeyId = opts.credentials?.accessKeyId ?? `test-${randomBytes(6).toString('hex')}`;
  const secretAccessKey =
    opts.credentials?.secretAccessKey ?? randomBytes(24).toString('base64url');
  mkdirSync(opts.dataDir, { recursive: true });
  const child = spawn(
    'timeout',
    [
      '--kill-after=5',
      `${Math.ceil(lifetimeMs / 1000)}`,
      binary,
      'server',
      opts.dataDir,
      '--address',
      `127.0.0.1:${port}`,
      '--console-address',
      `127.0.0.1:${consolePort}`,
      '--quiet',
    ],
    {
      // Its own process group, so stop() and the exit hook reach `timeout` and MinIO alike.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A clean environment: no AWS_* or MINIO_* settings leak in from the developer's shell.
      env: {
        PATH: process.env.PATH,
        HOME: opts.dataDir,
        MINIO_ROOT_USER: accessKeyId,
        MINIO_ROOT_PASSWORD: secretAccessKey,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
        MINIO_CI_CD: 'on',
      },
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('MinIO could not be started');
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
  // Nothing here keeps the test process alive on its own.
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
      }, 3000);
      await exitPromise;
      clearTimeout(killer);
    })();
    return stopping;
  };
  setTimeout(() => void stop(), lifetimeMs).unref();

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`MinIO exited during start-up:\n${tail}`);
    if (await minioReady(port)) {
      return {
        endpoint: `http://127.0.0.1:${port}`,
        port,
        region: 'us-east-1',
        accessKeyId,
        secretAccessKey,
        pid,
        stop,
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`MinIO did not become ready within the start timeout:\n${tail}`);
}

async function main(): Promise<void> {
  const cmd = process.argv[2];
  if (cmd === 'build') {
    console.log(await buildMinio());
  } else if (cmd === 'path') {
    const bin = cachedMinioBinary();
    if (!bin) {
      console.error(`not built: ${minioBinaryPath()} (run: npx tsx scripts/s3/minio.ts build)`);
      process.exit(1);
    }
    console.log(bin);
  } else if (cmd === 'start') {
    const dataDir = process.argv[3] ?? join(cacheRoot(), 'minio', 'dev-data');
    const server = await startMinio({ dataDir, lifetimeMs: 8 * 3600_000 });
    console.log(`MinIO at ${server.endpoint} (data ${dataDir})`);
    console.log(`access key id: ${server.accessKeyId}\nsecret key:    ${server.secretAccessKey}`);
    console.log('Ctrl-C stops it.');
    const keepAlive = setInterval(() => {}, 60_000);
    process.on('SIGINT', () => {
      clearInterval(keepAlive);
      void server.stop().then(() => process.exit(0));
    });
  } else {
    console.error('usage: npx tsx scripts/s3/minio.ts build | path | start [data-dir]');
    process.exit(2);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
