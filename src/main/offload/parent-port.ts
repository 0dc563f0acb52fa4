// The child's side of child-process.ts: messages from and to the parent, whether this
// process was forked by Node (process.send) or started by Electron's utilityProcess
// (process.parentPort). Electron's port has no disconnect event, so the parent's "done"
// arrives as the PARENT_GONE message.
import { PARENT_GONE } from './child-process';

interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const electronPort = (process as { parentPort?: ElectronParentPort }).parentPort;

const isParentGone = (message: unknown) =>
  typeof message === 'object' &&
  message !== null &&
  (message as { ehrParent?: unknown }).ehrParent === PARENT_GONE.ehrParent;

export function onParentMessage(listener: (message: unknown) => void, once = false): void {
  let done = false;
  const deliver = (message: unknown) => {
    if (isParentGone(message) || (once && done)) return;
    done = true;
    listener(message);
  };
  if (electronPort) electronPort.on('message', (event) => deliver(event.data));
  else if (once) process.once('message', deliver);
  else process.on('message', deliver);
}

export function postToParent(message: unknown, then?: () => void): void {
  if (electronPort) {
    electronPort.postMessage(message);
    then?.();
  } else if (process.send) {
    // The parent may have gone between a timer firing and this send (a card watcher's
    // "removed" after the app exited): with a callback the EPIPE comes back here instead of
    // crashing the child with an unhandled 'error'; the child then ends on 'disconnect'.
    if (!process.connected) {
      then?.();
      return;
    }
    process.send(message as object, () => then?.());
  } else {
    then?.();
  }
}

export function onParentGone(listener: () => void): void {
  if (electronPort) {
    electronPort.on('message', (event) => {
      if (isParentGone(event.data)) listener();
    });
  } else {
    process.on('disconnect', listener);
  }
}
