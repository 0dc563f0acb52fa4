// Starts a helper process and talks to it by messages, the same way under Node and under
// Electron. Under Node (tests, the browser shell, the demo) it is child_process.fork.
// Under Electron it is utilityProcess (electron/utility-launcher.ts): packaged builds turn
// the RunAsNode fuse off, so the Electron binary cannot be forked as Node there.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';

export interface ChildScript {
  /** Path of the script to start. */
  path: string;
  /** Extra Node flags, e.g. a TypeScript loader when running from source in tests. */
  execArgv?: string[];
  /** How to start it; default: child_process.fork. The Electron entry sets utilityProcess. */
  launch?: Launcher;
}

export interface LaunchOptions {
  env?: NodeJS.ProcessEnv;
  /** 'advanced' (structured clone: buffers cross as bytes) or 'json'. */
  serialization: 'json' | 'advanced';
  /** Pipe the child's stderr to read it, or let it through to ours. */
  stderr: 'pipe' | 'inherit';
}

/** The parent's side of a helper process. */
export interface ChildHandle extends EventEmitter<{
  message: [message: unknown];
  exit: [code: number | null, signal: string | null];
  error: [error: Error];
}> {
  readonly stderr: NodeJS.ReadableStream | null;
  send(message: unknown): void;
  kill(): void;
  /** Ends the conversation: the child tidies up (closes its PKCS#11 module) and exits. */
  end(): void;
}

export type Launcher = (script: ChildScript, options: LaunchOptions) => ChildHandle;

/** Marks "the parent is done" where the transport has no disconnect of its own. */
export const PARENT_GONE = { ehrParent: 'gone' } as const;

export const forkWithNode: Launcher = (script, options) => {
  const child = fork(script.path, [], {
    execArgv: script.execArgv ?? [],
    serialization: options.serialization,
    ...(options.env ? { env: options.env } : {}),
    stdio: ['ignore', 'ignore', options.stderr, 'ipc'],
  });
  const handle = Object.assign(new EventEmitter(), {
    stderr: child.stderr,
    send: (message: unknown) => {
      if (child.connected) child.send(message as object);
    },
    kill: () => {
      child.kill('SIGKILL');
    },
    end: () => {
      if (child.connected) child.disconnect();
    },
  }) as ChildHandle;
  child.on('message', (message) => handle.emit('message', message));
  child.on('exit', (code, signal) => handle.emit('exit', code, signal));
  child.on('error', (error) => handle.emit('error', error));
  return handle;
};

export function launch(script: ChildScript, options: LaunchOptions): ChildHandle {
  return (script.launch ?? forkWithNode)(script, options);
}
