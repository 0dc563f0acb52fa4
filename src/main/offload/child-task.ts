// Runs one blocking task in a child process and returns its answer. Native code that can
// block or crash (a card vendor's PKCS#11 module, above all) never runs on the main
// process's event loop: a hung or crashed module costs a child process, not the app.
// Under Electron, child_process.fork runs the same script with Electron's own Node
// (ELECTRON_RUN_AS_NODE), so this path is identical in the app and in tests.
import { fork } from 'node:child_process';

export interface ChildScript {
  /** Path of the script to fork. */
  path: string;
  /** Extra Node flags, e.g. a TypeScript loader when running from source in tests. */
  execArgv?: string[];
}

export type ChildTaskErrorKind = 'timeout' | 'crashed' | 'failed';

export class ChildTaskError extends Error {
  constructor(
    readonly kind: ChildTaskErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ChildTaskError';
  }
}

type ChildReply<T> = { ok: true; value: T } | { ok: false; message: string };

export function runChildTask<I, O>(
  script: ChildScript,
  input: I,
  timeoutMs: number,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<O> {
  return new Promise<O>((resolve, reject) => {
    const child = fork(script.path, [], {
      execArgv: script.execArgv ?? [],
      ...(options.env ? { env: options.env } : {}),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new ChildTaskError('timeout', `No answer within ${timeoutMs} ms.`)));
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('message', (raw) => {
      const reply = raw as ChildReply<O>;
      finish(() =>
        reply.ok ? resolve(reply.value) : reject(new ChildTaskError('failed', reply.message)),
      );
      child.disconnect();
    });
    child.once('error', (error) =>
      finish(() => reject(new ChildTaskError('crashed', error.message))),
    );
    child.once('exit', (code, signal) =>
      finish(() =>
        reject(
          new ChildTaskError(
            'crashed',
            `The helper process ended without answering (${signal ?? `exit code ${code}`}). ${stderr.trim()}`.trim(),
          ),
        ),
      ),
    );
    child.send(input as object);
  });
}

/** The child side: answer one request, then exit. */
export function serveChildTask<I, O>(work: (input: I) => O | Promise<O>): void {
  process.once('message', async (input) => {
    let reply: ChildReply<O>;
    try {
      reply = { ok: true, value: await work(input as I) };
    } catch (error) {
      reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    process.send?.(reply, () => process.exit(0));
  });
}
