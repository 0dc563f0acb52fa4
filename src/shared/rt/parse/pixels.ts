// Shared checks for the pixel data of images and dose grids: uncompressed little-endian
// only, and a length that matches the declared size. The size check runs before any
// allocation, so a mutated Rows/Columns can never make us allocate more than the file holds.

import { TRANSFER_SYNTAX } from '../dictionary';
import type { DicomReader } from './reader';

const COMPRESSED_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

export function transferSyntaxName(uid: string): string {
  if (uid === TRANSFER_SYNTAX.implicitLittle) return 'Implicit VR Little Endian';
  if (uid === TRANSFER_SYNTAX.explicitLittle) return 'Explicit VR Little Endian';
  if (uid === TRANSFER_SYNTAX.explicitBig) return 'Explicit VR Big Endian';
  return COMPRESSED_NAMES[uid] ?? uid;
}

/**
 * The uncompressed pixel bytes for `count` samples of `bitsAllocated` bits.
 * Fails with UNSUPPORTED for compressed or big-endian data, TRUNCATED when short.
 */
export function uncompressedPixelBytes(
  reader: DicomReader,
  transferSyntaxUid: string,
  count: number,
  bitsAllocated: number,
): Uint8Array {
  const element = reader.rawElement('PixelData');
  if (!element) throw reader.fail('MISSING_TAG', 'PixelData', 'required attribute missing');
  if (element.encapsulatedPixelData || element.hadUndefinedLength)
    throw reader.fail(
      'UNSUPPORTED',
      'PixelData',
      `unsupported transfer syntax ${transferSyntaxName(transferSyntaxUid)} (${transferSyntaxUid}): only uncompressed little-endian pixel data is read`,
    );
  if (
    transferSyntaxUid !== TRANSFER_SYNTAX.implicitLittle &&
    transferSyntaxUid !== TRANSFER_SYNTAX.explicitLittle
  )
    throw reader.fail(
      'UNSUPPORTED',
      'PixelData',
      `unsupported transfer syntax ${transferSyntaxName(transferSyntaxUid)} (${transferSyntaxUid})`,
    );
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

/** Reads little-endian samples into a fresh typed array (no alignment assumptions). */
export function decodeSamples(
  bytes: Uint8Array,
  bitsAllocated: 8 | 16 | 32,
  signed: boolean,
): Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array {
  if (bitsAllocated === 8) return signed ? new Int8Array(bytes.slice().buffer) : bytes.slice();
  // On a little-endian host (every platform we ship on) a copy is already the decoded array.
  if (LITTLE_ENDIAN_HOST) {
    const copy = bytes.slice().buffer;
    if (bitsAllocated === 16) return signed ? new Int16Array(copy) : new Uint16Array(copy);
    return signed ? new Int32Array(copy) : new Uint32Array(copy);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bitsAllocated === 16) {
    const out = signed ? new Int16Array(bytes.length / 2) : new Uint16Array(bytes.length / 2);
    for (let i = 0; i < out.length; i++)
      out[i] = signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true);
    return out;
  }
  const out = signed ? new Int32Array(bytes.length / 4) : new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++)
    out[i] = signed ? view.getInt32(i * 4, true) : view.getUint32(i * 4, true);
  return out;
}
