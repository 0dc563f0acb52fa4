// What every pixel codec offers the parsers: one compressed frame in, its samples and the
// size the codestream itself declares out, so the caller can check them against Rows,
// Columns and BitsAllocated before a single value is used.

export interface FrameShape {
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  signed: boolean;
}

export interface DecodedFrame {
  /** Decoded values, row by row, in the host's byte order. */
  samples: Uint8Array | Int8Array | Uint16Array | Int16Array;
  rows: number;
  columns: number;
  /** Precision the codestream declares (its own "bits stored"). */
  bitsPerSample: number;
  components: number;
  /** True when the codec already gave two's-complement values. */
  signed: boolean;
}

export interface FrameCodec {
  /** Decodes one frame; throws (any error) when the codestream is unreadable. */
  decode(encoded: Uint8Array, shape: FrameShape): DecodedFrame;
}
