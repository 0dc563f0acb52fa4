// A block of loopback ports for one test network, free and kept for it. Two races made
// networks fail to start when test files ran side by side: a port chosen in the kernel's
// ephemeral range could be taken by any outgoing connection (a gRPC client, Chromium)
// between the check and the server's bind, seconds later; and two workers could pick the
// same block. So blocks lie below the ephemeral range, and each is reserved by an
// exclusive lock file (holding the owner's pid; a dead owner's lock is taken over).
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from './tmp';

const LOCK_DIR = join(tmpdir(), 'action-ehr-port-blocks');
const BLOCK = 100;
const FIRST = 20_000;

function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    return Number(low) || 32_768;
  } catch {
    return 32_768;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the lock for `base`, or returns false when a live process holds it. */
function lock(base: number): boolean {
  const file = join(LOCK_DIR, `${base}.lock`);
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch {
      const owner = Number(readFileSync(file, 'utf8').trim() || 'NaN');
      if (Number.isFinite(owner) && alive(owner)) return false;
      rmSync(file, { force: true });
    }
  }
  return false;
}

export interface PortBlock {
  base: number;
  release(): void;
}

/** A base port whose offsets are all free now, reserved until release(). */
export async function reservePortBlock(offsets: readonly number[]): Promise<PortBlock> {
  mkdirSync(LOCK_DIR, { recursive: true });
  if (Math.max(...offsets) >= BLOCK) throw new Error('offsets must fit in a block of 100 ports');
  const slots = Math.floor((ephemeralStart() - FIRST) / BLOCK);
  if (slots < 1) throw new Error('no ports below the ephemeral range for test networks');
  const start = (process.pid * 13 + Math.floor(Math.random() * slots)) % slots;
  for (let i = 0; i < slots; i++) {
    const base = FIRST + ((start + i) % slots) * BLOCK;
    if (!lock(base)) continue;
    const free = await Promise.all(offsets.map((o) => portFree(base + o)));
    if (free.every(Boolean)) {
      return { base, release: () => rmSync(join(LOCK_DIR, `${base}.lock`), { force: true }) };
    }
    rmSync(join(LOCK_DIR, `${base}.lock`), { force: true });
  }
  throw new Error(`no free block of ${BLOCK} ports between ${FIRST} and ${ephemeralStart()}`);
}

/**
 * A server of a test file on its own port block with its own data folder: both are freed
 * when it is closed, or at once when it fails to start.
 */
export async function startOnOwnPorts<S extends { stop(): Promise<void> }>(
  offsets: readonly number[],
  folderPrefix: string,
  start: (base: number, folder: string) => Promise<S>,
): Promise<S & { close(): Promise<void> }> {
  const block = await reservePortBlock(offsets);
  const dir = tempDir(folderPrefix);
  const free = () => {
    block.release();
    dir.cleanup();
  };
  try {
    const server = await start(block.base, dir.path);
    return {
      ...server,
      async close() {
        await server.stop();
        free();
      },
    };
  } catch (error) {
    free();
    throw error;
  }
}
