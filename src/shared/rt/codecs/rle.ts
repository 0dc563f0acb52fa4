// RLE Lossless (PS3.5 Annex G), written here rather than taken from a package: the scheme
// is PackBits over one byte plane per segment, about a page, and the npm decoders for it
// are parts of whole image loaders. Output is bounded by the declared frame size, so a
// hostile run length cannot make it allocate or loop beyond Rows × Columns.

import type { DecodedFrame, FrameCodec, FrameShape } from './types';

const HEADER_BYTES = 64;

function fail(message: string): never {
  throw new Error(`RLE: ${message}`);
}

/** Decodes one PackBits segment into `out` (exactly `out.length` bytes). */
function unpackSegment(data: Uint8Array, start: number, end: number, out: Uint8Array): void {
  let at = start;
  let filled = 0;
  while (filled < out.length) {
    if (at >= end) fail(`segment ends after ${filled} of ${out.length} bytes`);
    const n = ((data[at++] as number) << 24) >> 24;
    if (n >= 0) {
      const count = n + 1;
      if (at + count > end || filled + count > out.length) fail('literal run overruns its segment');
      out.set(data.subarray(at, at + count), filled);
      at += count;
      filled += count;
    } else if (n !== -128) {
      const count = 1 - n;
      if (at >= end || filled + count > out.length) fail('repeat run overruns its segment');
      out.fill(data[at++] as number, filled, filled + count);
      filled += count;
    }
  }
}

export function decodeRleFrame(encoded: Uint8Array, shape: FrameShape): DecodedFrame {
  const pixels = shape.rows * shape.columns;
  const bytesPerSample = shape.bitsAllocated / 8;
  if (encoded.length < HEADER_BYTES) fail('frame shorter than its 64-byte header');
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample)
    fail(
      `${segments} segments for ${shape.bitsAllocated}-bit greyscale, expected ${bytesPerSample}`,
    );
  const out = new Uint8Array(pixels * bytesPerSample);
  const plane = new Uint8Array(pixels);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : encoded.length;
    if (start < HEADER_BYTES || end > encoded.length || end < start)
      fail(`segment ${s + 1} offset ${start} lies outside the frame`);
    unpackSegment(encoded, start, end, plane);
    // Segment 1 holds the most significant byte of every sample; samples are stored
    // little endian here.
    const byte = bytesPerSample - 1 - s;
    for (let i = 0; i < pixels; i++) out[i * bytesPerSample + byte] = plane[i] as number;
  }
  const samples = bytesPerSample === 2 ? new Uint16Array(out.buffer) : out;
  return {
    samples,
    columns: shape.columns,
    rows: shape.rows,
    bitsPerSample: shape.bitsAllocated,
    components: 1,
    signed: false,
  };
}

export const rleCodec: FrameCodec = { decode: decodeRleFrame };
