// Preload of the utilityProcess test double (electron-utility-double.ts): gives the child
// Electron's process.parentPort and takes away process.send, so the script under test
// runs exactly the utility-process branch of offload/parent-port.ts. Like Electron's
// port, it holds messages that arrive before the script listens.
import { EventEmitter } from 'node:events';

const send = process.send?.bind(process);
const port = new EventEmitter();
let early: unknown[] | null = [];
process.on('message', (data) => {
  if (early) early.push(data);
  else port.emit('message', { data });
});
port.on('newListener', (event) => {
  if (event !== 'message' || !early) return;
  const held = early;
  early = null;
  setImmediate(() => held.forEach((data) => port.emit('message', { data })));
});
Object.assign(process, {
  parentPort: Object.assign(port, {
    postMessage: (message: unknown) => send?.(message as object),
  }),
  send: undefined,
});
