// A minimal DICOM Part 10 writer: explicit VR little endian (implicit VR on request, as
// older planning systems export), defined-length sequences, no private tags, no compression. It exists because the synthetic-course generator and the
// tests must produce real files in Node and in a browser worker, and the packages that
// write DICOM either need Node built-ins or bring a far larger surface than the few dozen
// attributes we emit. Everything it writes is checked with dciodvfy in the tests.

import { DICTIONARY, TRANSFER_SYNTAX, type Keyword, type Vr } from './dictionary';

type Numeric =
  Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** null writes a zero-length value (a "type 2" attribute that is present but empty). */
export type DicomValue = string | number | readonly (string | number)[] | Numeric | null;

/** A data set as a plain object; sequences are arrays of nested data sets. */
export type DicomDataset = { [K in Keyword]?: DicomValue | readonly DicomDataset[] };

const IMPLEMENTATION_CLASS_UID = '2.25.186461240512519829563950768524116531477';
const IMPLEMENTATION_VERSION = 'ACTIONEHR_RT_1';

const LONG_LENGTH_VRS: ReadonlySet<Vr> = new Set<Vr>(['OB', 'OW', 'SQ', 'UN', 'UT']);
const TEXT_VRS: ReadonlySet<Vr> = new Set<Vr>([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UI',
  'UT',
]);

/** Decimal strings are limited to 16 characters; keep as much precision as fits. */
export function formatDecimalString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`DS cannot hold ${value}`);
  const plain = String(value);
  if (plain.length <= 16) return plain;
  for (let digits = 15; digits >= 1; digits--) {
    const text = Number(value.toPrecision(digits)).toString();
    if (text.length <= 16) return text;
  }
  throw new RangeError(`DS cannot hold ${value}`);
}

function textValue(vr: Vr, value: DicomValue, keyword: string): string {
  if (value === null) return '';
  const parts = typeof value === 'string' || typeof value === 'number' ? [value] : [...value];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if (vr === 'DS') return formatDecimalString(part);
      if (vr === 'IS') {
        if (!Number.isInteger(part)) throw new RangeError(`${keyword}: IS needs an integer`);
        return String(part);
      }
      throw new TypeError(`${keyword}: ${vr} needs text, got a number`);
    })
    .join('\\');
}

function encodeText(text: string): Uint8Array {
  // Values we write are ASCII (the default character repertoire); refuse anything else
  // rather than silently writing bytes a reader would decode differently.
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7e) throw new RangeError(`non-ASCII character in "${text}"`);
    bytes[i] = code;
  }
  return bytes;
}

function numberList(value: DicomValue, keyword: string): ArrayLike<number> {
  if (value === null) return [];
  if (typeof value === 'number') return [value];
  if (typeof value === 'string') throw new TypeError(`${keyword}: expected numbers`);
  if (ArrayBuffer.isView(value)) return value;
  return value.map((v) => {
    if (typeof v !== 'number') throw new TypeError(`${keyword}: expected numbers`);
    return v;
  });
}

function encodeBinary(vr: Vr, value: DicomValue, keyword: string): Uint8Array {
  if (vr === 'OB' || vr === 'UN') {
    if (value === null) return new Uint8Array(0);
    if (value instanceof Uint8Array) return value;
    throw new TypeError(`${keyword}: ${vr} needs a Uint8Array`);
  }
  const numbers = numberList(value, keyword);
  // OW carries 16-bit words, except when a 32-bit typed array is given (RTDOSE with
  // BitsAllocated 32 still uses OW): then each value takes four bytes.
  const is32BitOw = vr === 'OW' && (value instanceof Uint32Array || value instanceof Int32Array);
  const size: Record<string, number> = { US: 2, SS: 2, OW: 2, UL: 4, SL: 4, FL: 4, FD: 8, AT: 4 };
  const width = is32BitOw ? 4 : size[vr];
  if (width === undefined) throw new TypeError(`${keyword}: cannot encode VR ${vr}`);
  const out = new Uint8Array(numbers.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i] as number;
    const at = i * width;
    if (vr === 'AT') {
      view.setUint16(at, n >>> 16, true);
      view.setUint16(at + 2, n & 0xffff, true);
    } else if (is32BitOw) {
      if (value instanceof Int32Array) view.setInt32(at, n, true);
      else view.setUint32(at, n, true);
    } else if (vr === 'US') view.setUint16(at, n, true);
    else if (vr === 'OW') {
      if (value instanceof Int16Array) view.setInt16(at, n, true);
      else view.setUint16(at, n, true);
    } else if (vr === 'SS') view.setInt16(at, n, true);
    else if (vr === 'UL') view.setUint32(at, n, true);
    else if (vr === 'SL') view.setInt32(at, n, true);
    else if (vr === 'FL') view.setFloat32(at, n, true);
    else view.setFloat64(at, n, true);
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** How the data set is encoded; the file meta group is always explicit VR. */
export interface EncodeOptions {
  /** Implicit VR little endian: no VR in element headers, every length 32-bit. */
  implicitVr?: boolean;
}

function implicitElementHeader(tag: number, length: number): Uint8Array {
  const header = new Uint8Array(8);
  const view = new DataView(header.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  view.setUint32(4, length, true);
  return header;
}

function elementHeader(tag: number, vr: Vr, length: number, implicitVr = false): Uint8Array {
  if (implicitVr) return implicitElementHeader(tag, length);
  const long = LONG_LENGTH_VRS.has(vr);
  const header = new Uint8Array(long ? 12 : 8);
  const view = new DataView(header.buffer);
  view.setUint16(0, tag >>> 16, true);
  view.setUint16(2, tag & 0xffff, true);
  header[4] = vr.charCodeAt(0);
  header[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, length, true);
  else {
    if (length > 0xfffe) throw new RangeError(`value of VR ${vr} too long (${length} bytes)`);
    view.setUint16(6, length, true);
  }
  return header;
}

function itemHeader(length: number): Uint8Array {
  const header = new Uint8Array(8);
  const view = new DataView(header.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, 0xe000, true);
  view.setUint32(4, length, true);
  return header;
}

function encodeValue(keyword: Keyword, vr: Vr, value: DicomValue): Uint8Array {
  if (TEXT_VRS.has(vr)) {
    const bytes = encodeText(textValue(vr, value, keyword));
    if (bytes.length % 2 === 0) return bytes;
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    padded[bytes.length] = vr === 'UI' ? 0 : 0x20;
    return padded;
  }
  const bytes = encodeBinary(vr, value, keyword);
  if (bytes.length % 2 === 0) return bytes;
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  return padded;
}

function isSequenceValue(value: unknown): value is readonly DicomDataset[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null);
}

/** Encodes a data set body (no preamble, no meta header), explicit VR unless asked. */
export function encodeDataset(dataset: DicomDataset, options: EncodeOptions = {}): Uint8Array {
  const implicitVr = options.implicitVr ?? false;
  const keywords = (Object.keys(dataset) as Keyword[]).sort(
    (a, b) => DICTIONARY[a][0] - DICTIONARY[b][0],
  );
  const parts: Uint8Array[] = [];
  for (const keyword of keywords) {
    const value = dataset[keyword];
    if (value === undefined) continue;
    const [tag, vr] = DICTIONARY[keyword];
    if (vr === 'SQ') {
      if (value !== null && !isSequenceValue(value))
        throw new TypeError(`${keyword}: a sequence needs an array of data sets`);
      const items = (value ?? []).map((item) => {
        const body = encodeDataset(item, options);
        return concat([itemHeader(body.length), body]);
      });
      const body = concat(items);
      parts.push(elementHeader(tag, vr, body.length, implicitVr), body);
      continue;
    }
    if (isSequenceValue(value) && value.length > 0)
      throw new TypeError(`${keyword}: only SQ attributes take nested data sets`);
    const body = encodeValue(keyword, vr, value as DicomValue);
    parts.push(elementHeader(tag, vr, body.length, implicitVr), body);
  }
  return concat(parts);
}

/** A complete Part 10 file: 128-byte preamble, "DICM", file meta group, data set. */
export function writePart10(dataset: DicomDataset, options: EncodeOptions = {}): Uint8Array {
  const sopClass = dataset.SOPClassUID;
  const sopInstance = dataset.SOPInstanceUID;
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string')
    throw new TypeError('a Part 10 file needs SOPClassUID and SOPInstanceUID');
  const metaBody = encodeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]),
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: options.implicitVr
      ? TRANSFER_SYNTAX.implicitLittle
      : TRANSFER_SYNTAX.explicitLittle,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION,
  });
  const groupLength = encodeDataset({ FileMetaInformationGroupLength: metaBody.length });
  const preamble = new Uint8Array(132);
  preamble.set(encodeText('DICM'), 128);
  return concat([preamble, groupLength, metaBody, encodeDataset(dataset, options)]);
}
