// Loads the codec for a transfer syntax on first use and keeps it. The WebAssembly
// codecs are imported lazily, so a course without compressed images never loads them.
// In Node the Emscripten glue finds its .wasm beside itself in node_modules; a bundle that
// moved the file (the viewer's worker, through Vite) says where it is in `wasmUrls`.

import type { CodecId } from '../parse/transfer-syntax';
import { loadCharls, loadOpenJpeg } from './emscripten';
import { rleCodec } from './rle';
import type { FrameCodec } from './types';

export type CodecLoader = (id: CodecId) => Promise<FrameCodec>;

export interface CodecLoaderOptions {
  /** URL of each WebAssembly codec's .wasm file, where the bundler put it. */
  wasmUrls?: Readonly<Partial<Record<'jpeg-ls' | 'jpeg-2000', string>>>;
}

export function createCodecLoader(options: CodecLoaderOptions = {}): CodecLoader {
  const loaded = new Map<CodecId, Promise<FrameCodec>>();
  const locate = (id: 'jpeg-ls' | 'jpeg-2000'): EmscriptenModuleOptions => {
    const url = options.wasmUrls?.[id];
    // OpenJPEG logs "[INFO] …" per frame to stdout, which would spoil the CLI's JSON;
    // failures reach us as exceptions anyway.
    const quiet = { print: () => undefined, printErr: () => undefined };
    return url ? { ...quiet, locateFile: () => url } : quiet;
  };
  const load = async (id: CodecId): Promise<FrameCodec> => {
    switch (id) {
      case 'rle':
        return rleCodec;
      case 'jpeg-lossless':
        return (await import('./jpeg-lossless')).jpegLosslessCodec;
      case 'jpeg-ls':
        return loadCharls(
          (await import('@cornerstonejs/codec-charls/decodewasmjs')).default,
          locate(id),
        );
      case 'jpeg-2000':
        return loadOpenJpeg(
          (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default,
          locate(id),
        );
    }
  };
  return (id) => {
    let codec = loaded.get(id);
    if (!codec) {
      codec = load(id);
      // A failed load is retried next time rather than remembered.
      codec.catch(() => loaded.delete(id));
      loaded.set(id, codec);
    }
    return codec;
  };
}
