// The viewer's worker: runs the RT request handler off the UI thread (see rtWorkerHandler.ts
// for what it does), answering through postMessage with CT pixels transferred. The codecs'
// .wasm files are bundled as assets; the Emscripten glue is told their URLs.
import charlsWasm from '@cornerstonejs/codec-charls/decodewasm?url';
import openjpegWasm from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import { createCodecLoader } from '../../shared/rt/codecs/load';
import type { WorkerRequest } from './protocol';
import { createRtWorkerHandler } from './rtWorkerHandler';

const handle = createRtWorkerHandler(
  (message, transfer = []) => self.postMessage(message, { transfer }),
  createCodecLoader({ wasmUrls: { 'jpeg-ls': charlsWasm, 'jpeg-2000': openjpegWasm } }),
);

self.onmessage = (event: MessageEvent<WorkerRequest>) => void handle(event.data);
