// Test double of Electron's utilityProcess, for the one boundary that cannot run here (no
// Electron binary). fork() starts the real script under Node and gives it what Electron
// gives a utility process: process.parentPort (through the preload below) and no
// process.send. Messages are structured clones, as with Electron's MessagePort.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./electron-parent-port.preload.ts', import.meta.url));

export interface RecordedFork {
  path: string;
  options: Record<string, unknown>;
}

export function utilityProcessDouble() {
  const forks: RecordedFork[] = [];
  return {
    forks,
    fork(path: string, _args: string[], options: Record<string, unknown> = {}) {
      forks.push({ path, options });
      const execArgv = [...((options.execArgv as string[] | undefined) ?? []), '--import', PRELOAD];
      const stdio = (options.stdio as string[] | undefined) ?? ['ignore', 'ignore', 'inherit'];
      const child = fork(path, [], {
        execArgv,
        env: (options.env as NodeJS.ProcessEnv | undefined) ?? process.env,
        serialization: 'advanced',
        stdio: [stdio[0], stdio[1], stdio[2], 'ipc'] as never,
      });
      const utility = Object.assign(new EventEmitter(), {
        stdout: null,
        stderr: child.stderr,
        pid: child.pid,
        postMessage(message: unknown) {
          if (child.connected) child.send(message as object);
        },
        kill() {
          return child.kill('SIGKILL');
        },
      });
      child.on('message', (message) => utility.emit('message', message));
      child.on('exit', (code) => utility.emit('exit', code ?? 1));
      return utility as never;
    },
  };
}
