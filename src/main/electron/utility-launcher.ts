// Starts the workstation's helper processes (the card process, the PKCS#11 probe) as
// Electron utility processes. Packaged builds turn the RunAsNode fuse off, so the
// Electron binary can no longer be forked as plain Node; a utility process is Electron's
// own way to run a Node script beside the main process. Its port has no disconnect, so
// "the parent is done" is a message (PARENT_GONE) the child side understands.
import type { UtilityProcess, utilityProcess as UtilityProcessModule } from 'electron';
import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import { PARENT_GONE, type ChildHandle, type Launcher } from '../offload/child-process';

export function utilityLauncher(utility: Pick<typeof UtilityProcessModule, 'fork'>): Launcher {
  return (script, options) => {
    const child: UtilityProcess = utility.fork(script.path, [], {
      ...(options.env ? { env: options.env } : {}),
      ...(script.execArgv ? { execArgv: script.execArgv } : {}),
      stdio: ['ignore', 'ignore', options.stderr],
      serviceName: `ACTION-EHR ${basename(script.path).replace(/\.child\.[cm]?[jt]s$/, '')}`,
    });
    let exited = false;
    const handle = Object.assign(new EventEmitter(), {
      stderr: child.stderr,
      send: (message: unknown) => {
        if (!exited) child.postMessage(message);
      },
      kill: () => {
        if (!exited) child.kill();
      },
      end: () => {
        if (!exited) child.postMessage(PARENT_GONE);
      },
    }) as ChildHandle;
    child.on('message', (message: unknown) => handle.emit('message', message));
    child.on('exit', (code: number) => {
      exited = true;
      handle.emit('exit', code, null);
    });
    child.on('error', (type: string, location: string) =>
      handle.emit('error', new Error(`${type} at ${location}`)),
    );
    return handle;
  };
}
