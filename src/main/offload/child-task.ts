// Runs one blocking task in a child process and returns its answer. Native code that can
// block or crash (a card vendor's PKCS#11 module, above all) never runs on the main
// process's event loop: a hung or crashed module costs a child process, not the app.
// The child starts through child-process.ts: Node's fork in tests, Electron's
// utilityProcess in the app; the script and its messages are the same.
import { launch } from './child-process';
import { onParentMessage, postToParent } from './parent-port';

export type { ChildScript } from './child-process';
import type { ChildScript } from './child-process';

export type ChildTaskErrorKind = 'timeout' | 'crashed' | 'failed' | 'cancelled';

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
  options: {
    env?: NodeJS.ProcessEnv;
    /** 'advanced' carries typed arrays as bytes (default 'json'). */
    serialization?: 'json' | 'advanced';
    /** Aborting ends the child at once: the task fails as 'cancelled'. */
    signal?: AbortSignal;
  } = {},
): Promise<O> {
  return new Promise<O>((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) return reject(new ChildTaskError('cancelled', 'Cancelled.'));
    const child = launch(script, {
      ...(options.env ? { env: options.env } : {}),
      serialization: options.serialization ?? 'json',
      stderr: 'pipe',
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
      signal?.removeEventListener('abort', cancel);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new ChildTaskError('timeout', `No answer within ${timeoutMs} ms.`)));
      child.kill();
    }, timeoutMs);
    const cancel = () => {
      finish(() => reject(new ChildTaskError('cancelled', 'Cancelled.')));
      child.kill();
    };
    signal?.addEventListener('abort', cancel);
    child.once('message', (raw) => {
      const reply = raw as ChildReply<O>;
      finish(() =>
        reply.ok ? resolve(reply.value) : reject(new ChildTaskError('failed', reply.message)),
      );
      child.end();
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
    child.send(input);
  });
}

/** The child side: answer one request, then exit. */
export function serveChildTask<I, O>(work: (input: I) => O | Promise<O>): void {
  onParentMessage(async (input) => {
    let reply: ChildReply<O>;
    try {
      reply = { ok: true, value: await work(input as I) };
    } catch (error) {
      reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    postToParent(reply, () => process.exit(0));
  }, true);
}
