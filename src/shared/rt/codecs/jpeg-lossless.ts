// JPEG Lossless (process 14, any predictor; SV1 is predictor 1) through
// jpeg-lossless-decoder-js, plain JavaScript, so nothing to load.

import { Decoder } from 'jpeg-lossless-decoder-js';
import type { FrameCodec } from './types';

export const jpegLosslessCodec: FrameCodec = {
  decode(encoded, shape) {
    const decoder = new Decoder();
    // Its DataStream reads a DataView over (buffer, offset, length).
    const samples = decoder.decode(
      encoded.buffer as ArrayBuffer,
      encoded.byteOffset,
      encoded.byteLength,
      shape.bitsAllocated / 8,
    );
    return {
      samples: samples.slice(),
      rows: decoder.yDim,
      columns: decoder.xDim,
      bitsPerSample: decoder.precision,
      components: decoder.numComp,
      signed: false,
    };
  },
};
