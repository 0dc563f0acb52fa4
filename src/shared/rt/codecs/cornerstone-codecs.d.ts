// The Cornerstone codec packages ship Emscripten glue without type declarations; these
// are the parts we call (see charls.ts and openjpeg.ts).

interface EmscriptenModuleOptions {
  /** Where the .wasm file is, when a bundler moved it away from the glue. */
  locateFile?: (path: string, scriptDirectory: string) => string;
  /** Where the module's stdout and stderr go (console.log / console.error otherwise). */
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  delete(): void;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (options?: EmscriptenModuleOptions) => Promise<{
    JpegLSDecoder: new () => EmscriptenDecoder;
  }>;
  export default factory;
}

declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: EmscriptenModuleOptions) => Promise<{
    J2KDecoder: new () => EmscriptenDecoder & { readHeader(): void };
  }>;
  export default factory;
}

declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    precision: number;
    xDim: number;
    yDim: number;
    numComp: number;
    decode(
      buffer: ArrayBuffer,
      offset: number,
      length: number,
      numBytes?: number,
    ): Uint8Array | Uint16Array;
  }
}
