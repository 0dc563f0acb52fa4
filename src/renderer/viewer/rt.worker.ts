// The viewer's worker: runs the RT request handler off the UI thread (see rtWorkerHandler.ts
// for what it does), answering through postMessage with CT pixels transferred.
import type { WorkerRequest } from './protocol';
import { createRtWorkerHandler } from './rtWorkerHandler';

const handle = createRtWorkerHandler((message, transfer = []) =>
  self.postMessage(message, { transfer }),
);

self.onmessage = (event: MessageEvent<WorkerRequest>) => handle(event.data);
