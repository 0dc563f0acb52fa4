// JPEG-LS (CharLS) and JPEG 2000 (OpenJPEG) through the Cornerstone WebAssembly builds.
// Both expose the same decoder shape: copy the codestream into the module's heap, decode,
// read the frame info and copy the samples out (the heap view is reused by the next call).

import type { DecodedFrame, FrameCodec } from './types';

type Factory<M> = (options?: EmscriptenModuleOptions) => Promise<M>;

function decodeWith(decoder: EmscriptenDecoder, encoded: Uint8Array, header?: () => void) {
  decoder.getEncodedBuffer(encoded.length).set(encoded);
  header?.();
  decoder.decode();
  const info = decoder.getFrameInfo();
  const bytes = decoder.getDecodedBuffer();
  const wide = info.bitsPerSample > 8;
  const signed = info.isSigned === true;
  // Copy out of the wasm heap into a fresh, aligned buffer.
  const copy = bytes.slice().buffer;
  const samples = wide
    ? signed
      ? new Int16Array(copy)
      : new Uint16Array(copy)
    : signed
      ? new Int8Array(copy)
      : new Uint8Array(copy);
  const frame: DecodedFrame = {
    samples,
    rows: info.height,
    columns: info.width,
    bitsPerSample: info.bitsPerSample,
    components: info.componentCount,
    signed,
  };
  return frame;
}

export async function loadCharls(
  factory: Factory<{ JpegLSDecoder: new () => EmscriptenDecoder }>,
  options?: EmscriptenModuleOptions,
): Promise<FrameCodec> {
  const module = await factory(options);
  return {
    decode(encoded) {
      const decoder = new module.JpegLSDecoder();
      try {
        return decodeWith(decoder, encoded);
      } finally {
        decoder.delete();
      }
    },
  };
}

export async function loadOpenJpeg(
  factory: Factory<{ J2KDecoder: new () => EmscriptenDecoder & { readHeader(): void } }>,
  options?: EmscriptenModuleOptions,
): Promise<FrameCodec> {
  const module = await factory(options);
  return {
    decode(encoded) {
      const decoder = new module.J2KDecoder();
      try {
        return decodeWith(decoder, encoded);
      } finally {
        decoder.delete();
      }
    },
  };
}
