// Processes the devnet starts: detached, one log file each, one pid file each.
// A pid file records the pid and the kernel's start time of that pid, so `down` never signals a
// process that merely reused the number after ours died.
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { DevnetConfig } from './config.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Return the result instead of throwing on a non-zero exit. */
  allowFail?: boolean;
}

/** Runs a command to completion (never through a shell). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      cmd,
      args,
      {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const result = { code, stdout: String(stdout), stderr: String(stderr) };
        if (code !== 0 && !opts.allowFail) {
          const name = cmd.split('/').pop();
          const why = error?.killed ? 'timed out' : `exit ${code}`;
          reject(
            new Error(
              `${name} ${args.join(' ')} failed (${why}):\n${(result.stderr || result.stdout).trim().slice(-4000)}`,
            ),
          );
        } else resolvePromise(result);
      },
    );
  });
}

interface PidRecord {
  pid: number;
  start: string;
  command: string;
  startedAt: string;
}

function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may contain spaces, so split after ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z') return undefined; // zombie: as good as gone
    return rest[19];
  } catch {
    return undefined;
  }
}

function pidFile(cfg: DevnetConfig, name: string): string {
  return join(cfg.runDir, `${name}.pid`);
}

function readPid(cfg: DevnetConfig, name: string): PidRecord | undefined {
  const file = pidFile(cfg, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** The pid of our running process `name`, or undefined (a stale pid file is removed). */
export function alivePid(cfg: DevnetConfig, name: string): number | undefined {
  const rec = readPid(cfg, name);
  if (!rec) return undefined;
  if (procStart(rec.pid) === rec.start) return rec.pid;
  rmSync(pidFile(cfg, name), { force: true });
  return undefined;
}

export function managedNames(cfg: DevnetConfig): string[] {
  if (!existsSync(cfg.runDir)) return [];
  return readdirSync(cfg.runDir)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => f.slice(0, -4))
    .sort();
}

export function logFile(cfg: DevnetConfig, name: string): string {
  return join(cfg.logDir, `${name}.log`);
}

/** Starts `cmd` detached (its own process group) unless our process `name` already runs. */
export function startDaemon(
  cfg: DevnetConfig,
  name: string,
  cmd: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string },
): { pid: number; started: boolean } {
  const existing = alivePid(cfg, name);
  if (existing) return { pid: existing, started: false };
  mkdirSync(cfg.runDir, { recursive: true });
  mkdirSync(cfg.logDir, { recursive: true });
  const fd = openSync(logFile(cfg, name), 'a');
  try {
    writeFileSync(fd, `\n===== ${new Date().toISOString()} ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, {
      env: opts.env,
      cwd: opts.cwd ?? cfg.stateDir,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (!child.pid) throw new Error(`could not start ${name} (${cmd})`);
    child.unref();
    const start = procStart(child.pid);
    if (!start) throw new Error(`${name} exited at once; see ${logFile(cfg, name)}`);
    const rec: PidRecord = {
      pid: child.pid,
      start,
      command: `${cmd} ${args.join(' ')}`,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(pidFile(cfg, name), JSON.stringify(rec) + '\n');
    return { pid: child.pid, started: true };
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM our process `name` (and its process group), SIGKILL after `graceMs`. */
export async function stopDaemon(
  cfg: DevnetConfig,
  name: string,
  graceMs = 10_000,
): Promise<boolean> {
  const pid = alivePid(cfg, name);
  if (!pid) {
    rmSync(pidFile(cfg, name), { force: true });
    return false;
  }
  const rec = readPid(cfg, name)!;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig); // the group we created with detached: true
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && procStart(pid) === rec.start) await sleep(100);
  if (procStart(pid) === rec.start) signal('SIGKILL');
  while (procStart(pid) === rec.start) await sleep(50);
  rmSync(pidFile(cfg, name), { force: true });
  return true;
}

export function tcpOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const sock = connect({ port, host });
    const done = (ok: boolean) => {
      sock.destroy();
      resolvePromise(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** GET over TLS verified against `caFile`; resolves the status code, or 0 when unreachable. */
export function httpsGet(
  url: string,
  caFile: string,
  opts: { timeoutMs?: number; certFile?: string; keyFile?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise) => {
    const client =
      opts.certFile && opts.keyFile
        ? { cert: readFileSync(opts.certFile), key: readFileSync(opts.keyFile) }
        : {};
    const options = { ca: readFileSync(caFile), timeout: opts.timeoutMs ?? 3000, ...client };
    const req = request(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolvePromise({ status: 0, body: '' }));
    req.end();
  });
}

/** Polls `check` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  opts: { intervalMs?: number; logHint?: string; isAlive?: () => boolean } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (opts.isAlive && !opts.isAlive()) {
      throw new Error(`${what}: the process exited${opts.logHint ? `; see ${opts.logHint}` : ''}`);
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${detail}${opts.logHint ? ` (see ${opts.logHint})` : ''}`,
      );
    }
    await sleep(opts.intervalMs ?? 500);
  }
}

/**
 * Runs `fn` holding <stateDir>/.lock, so two `up`/`down` runs on one state dir never interleave.
 * A lock left by a process that is gone is taken over.
 */
export async function withLock<T>(cfg: DevnetConfig, fn: () => Promise<T>): Promise<T> {
  mkdirSync(cfg.stateDir, { recursive: true });
  const file = join(cfg.stateDir, '.lock');
  const me = JSON.stringify({ pid: process.pid, start: procStart(process.pid) });
  const deadline = Date.now() + cfg.waitMs;
  for (;;) {
    try {
      writeFileSync(file, me, { flag: 'wx' });
      break;
    } catch {
      let holder: { pid: number; start: string } | undefined;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; start: string };
      } catch {
        holder = undefined;
      }
      if (!holder || procStart(holder.pid) !== holder.start) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${file} is held by pid ${holder.pid} (another devnet command is running)`);
      }
      await sleep(300);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
