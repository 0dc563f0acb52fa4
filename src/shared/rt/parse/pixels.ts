// Pixel data of images and dose grids in any transfer syntax we read: native (little or
// big endian) as stored, encapsulated through the codec for its syntax. Every size is
// checked before anything is allocated (native: against the bytes the file holds;
// compressed: against MAX_GRID_SAMPLES), and every decoded frame against Rows, Columns
// and BitsAllocated, so a codestream that disagrees with its header is an error naming
// the frame, never a shifted or cut image.

import type { CodecId } from './transfer-syntax';
import { describeTransferSyntax, transferSyntax } from './transfer-syntax';
import type { DecodedFrame, FrameCodec } from '../codecs/types';
import { encapsulatedFrames } from './frames';
import { MAX_GRID_SAMPLES } from './limits';
import type { DicomReader } from './reader';

/** The codecs loaded for this parse (see study-reader.ts), by codec id. */
export type CodecSet = ReadonlyMap<CodecId, FrameCodec>;

export interface PixelLayout {
  rows: number;
  columns: number;
  frames: number;
  bitsAllocated: 8 | 16 | 32;
  signed: boolean;
}

export type Samples = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** The stored values of every frame, frame after frame, row by row. */
export function readPixelSamples(
  reader: DicomReader,
  transferSyntaxUid: string,
  layout: PixelLayout,
  codecs: CodecSet = new Map(),
): Samples {
  const element = reader.rawElement('PixelData');
  if (!element) throw reader.fail('MISSING_TAG', 'PixelData', 'required attribute missing');
  const syntax = transferSyntax(transferSyntaxUid);
  const named = describeTransferSyntax(transferSyntaxUid);
  const encoding = syntax.pixels;
  if (!encoding)
    throw reader.fail('UNSUPPORTED', 'PixelData', `unsupported transfer syntax ${named}`);
  const encapsulated = element.encapsulatedPixelData === true || element.hadUndefinedLength;
  if (encoding.kind === 'native') {
    if (encapsulated)
      throw reader.fail('BAD_VALUE', 'PixelData', `encapsulated, but ${named} is not compressed`);
    const count = layout.rows * layout.columns * layout.frames;
    return decodeSamples(
      nativeBytes(reader, count, layout.bitsAllocated),
      layout.bitsAllocated,
      layout.signed,
      encoding.bigEndian,
    );
  }
  if (!encapsulated)
    throw reader.fail('BAD_VALUE', 'PixelData', `not encapsulated, but ${named} is compressed`);
  if (layout.bitsAllocated === 32)
    throw reader.fail('UNSUPPORTED', 'BitsAllocated', `32-bit samples in ${named}`);
  const codec = codecs.get(encoding.codec);
  if (!codec) throw reader.fail('UNSUPPORTED', 'PixelData', `no decoder for ${named} was loaded`);
  const perFrame = layout.rows * layout.columns;
  if (perFrame * layout.frames > MAX_GRID_SAMPLES)
    throw reader.fail(
      'BAD_VALUE',
      'Rows',
      `${layout.rows} × ${layout.columns} × ${layout.frames} samples is too large (at most ${MAX_GRID_SAMPLES})`,
    );
  const jpegFamily = encoding.codec === 'jpeg-lossless' || encoding.codec === 'jpeg-ls';
  const frames = encapsulatedFrames(reader, element, layout.frames, jpegFamily);
  const out = allocate(perFrame * layout.frames, layout.bitsAllocated, layout.signed);
  const shape = {
    rows: layout.rows,
    columns: layout.columns,
    bitsAllocated: layout.bitsAllocated,
    bitsStored: reader.number('BitsStored') ?? layout.bitsAllocated,
    signed: layout.signed,
  };
  frames.forEach((encoded, index) => {
    const where = layout.frames > 1 ? `frame ${index + 1}` : 'the frame';
    let frame: DecodedFrame;
    try {
      frame = codec.decode(encoded, shape);
    } catch (error) {
      throw reader.fail(
        'BAD_VALUE',
        'PixelData',
        `${named}: ${where} cannot be decoded (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    checkFrame(reader, frame, layout, `${named}: ${where}`);
    store(frame, out, index * perFrame, layout);
  });
  return out as Samples;
}

function checkFrame(reader: DicomReader, frame: DecodedFrame, layout: PixelLayout, where: string) {
  if (frame.components !== 1)
    throw reader.fail(
      'UNSUPPORTED',
      'SamplesPerPixel',
      `${where} has ${frame.components} colour components; only greyscale is read`,
    );
  if (frame.rows !== layout.rows || frame.columns !== layout.columns)
    throw reader.fail(
      'BAD_VALUE',
      'PixelData',
      `${where} is ${frame.columns} × ${frame.rows} pixels, Columns × Rows say ${layout.columns} × ${layout.rows}`,
    );
  if (
    frame.bitsPerSample > layout.bitsAllocated ||
    frame.samples.length !== frame.rows * frame.columns
  )
    throw reader.fail(
      'BAD_VALUE',
      'PixelData',
      `${where} holds ${frame.samples.length} samples of ${frame.bitsPerSample} bits, BitsAllocated ${layout.bitsAllocated} × ${layout.rows * layout.columns} expected`,
    );
}

/**
 * Copies one decoded frame into the output. Codecs give signed data as the raw bit
 * pattern of their precision: a 12-bit -1000 HU comes out as 3096 and is sign-extended
 * here; at full width the typed-array store itself wraps it.
 */
function store(
  frame: DecodedFrame,
  out: ReturnType<typeof allocate>,
  at: number,
  layout: PixelLayout,
) {
  const { samples, bitsPerSample } = frame;
  if (layout.signed && !frame.signed && bitsPerSample < layout.bitsAllocated) {
    const shift = 32 - bitsPerSample;
    for (let i = 0; i < samples.length; i++)
      out[at + i] = ((samples[i] as number) << shift) >> shift;
    return;
  }
  out.set(samples, at);
}

function allocate(count: number, bitsAllocated: 8 | 16, signed: boolean) {
  if (bitsAllocated === 8) return signed ? new Int8Array(count) : new Uint8Array(count);
  return signed ? new Int16Array(count) : new Uint16Array(count);
}

/** The native pixel bytes for `count` samples; TRUNCATED when the file holds fewer. */
function nativeBytes(reader: DicomReader, count: number, bitsAllocated: number): Uint8Array {
  const needed = (count * bitsAllocated) / 8;
  const bytes = reader.bytes('PixelData');
  if (!bytes || bytes.length < needed)
    throw reader.fail(
      'TRUNCATED',
      'PixelData',
      `holds ${bytes?.length ?? 0} bytes, the declared size needs ${needed}`,
    );
  return bytes.subarray(0, needed);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads native samples into a fresh typed array (no alignment assumptions). */
export function decodeSamples(
  bytes: Uint8Array,
  bitsAllocated: 8 | 16 | 32,
  signed: boolean,
  bigEndian = false,
): Samples {
  if (bitsAllocated === 8) return signed ? new Int8Array(bytes.slice().buffer) : bytes.slice();
  // On a little-endian host (every platform we ship on) a copy is already the decoded array.
  if (LITTLE_ENDIAN_HOST && !bigEndian) {
    const copy = bytes.slice().buffer;
    if (bitsAllocated === 16) return signed ? new Int16Array(copy) : new Uint16Array(copy);
    return signed ? new Int32Array(copy) : new Uint32Array(copy);
  }
  const little = !bigEndian;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bitsAllocated === 16) {
    const out = signed ? new Int16Array(bytes.length / 2) : new Uint16Array(bytes.length / 2);
    for (let i = 0; i < out.length; i++)
      out[i] = signed ? view.getInt16(i * 2, little) : view.getUint16(i * 2, little);
    return out;
  }
  const out = signed ? new Int32Array(bytes.length / 4) : new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++)
    out[i] = signed ? view.getInt32(i * 4, little) : view.getUint32(i * 4, little);
  return out;
}
