// One record is one category of one course: many files (every CT slice, or the plan and its
// structure set) kept together under one data key, one hash on the ledger and one stored
// object. The bundle is the plaintext the vault encrypts:
//
//   "EHRBNDL1" | u32 big-endian header length | header JSON | the files' bytes, in order
//   header = { "version": 1, "files": [{ "name": "...", "size": n }, ...] }
//
// Our own format, not zip: the bytes are encrypted (so compression gains nothing we keep),
// the reader must refuse anything odd before a single file reaches the viewer, and nine
// lines of framing are easier to verify than an archive library's corner cases.
import { EhrError } from '../errors';

export interface BundleFile {
  name: string;
  bytes: Uint8Array;
}

const MAGIC = Buffer.from('EHRBNDL1', 'ascii');
const MAX_HEADER_BYTES = 16 * 1024 * 1024;
const MAX_NAME = 255;
/** A name is a label shown to the person, never a path: no control characters. */
function isSafeName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NAME) return false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

export function bundleHeader(files: readonly BundleFile[]): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      version: 1,
      files: files.map((f) => ({ name: f.name, size: f.bytes.length })),
    }),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([MAGIC, length, header]);
}

/** The bundle's bytes as pieces, so a large course streams into the vault without a copy. */
export function* bundlePieces(files: readonly BundleFile[]): Generator<Buffer> {
  yield bundleHeader(files);
  for (const file of files)
    yield Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.length);
}

export function bundleSize(files: readonly BundleFile[]): number {
  return bundleHeader(files).length + files.reduce((n, f) => n + f.bytes.length, 0);
}

function malformed(detail: string): EhrError {
  return new EhrError(
    'RECORD_ALTERED',
    `The record's contents are not a valid ACTION-EHR bundle (${detail}), so nothing of it is shown.`,
  );
}

/** Splits a decrypted bundle into its files (views into `bytes`, no copy). */
export function readBundle(bytes: Buffer): BundleFile[] {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw malformed('no bundle signature');
  }
  const headerLength = bytes.readUInt32BE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (headerLength > MAX_HEADER_BYTES || start + headerLength > bytes.length) {
    throw malformed('header length out of range');
  }
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(start, start + headerLength).toString('utf8'));
  } catch {
    throw malformed('header is not JSON');
  }
  const files = (header as { version?: unknown; files?: unknown }).files;
  if ((header as { version?: unknown }).version !== 1 || !Array.isArray(files)) {
    throw malformed('unknown header version');
  }
  let offset = start + headerLength;
  const out: BundleFile[] = [];
  for (const entry of files as unknown[]) {
    const { name, size } = (entry ?? {}) as { name?: unknown; size?: unknown };
    if (typeof name !== 'string' || !isSafeName(name)) {
      throw malformed('a file name is not printable text');
    }
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw malformed(`the size of ${name} is not a byte count`);
    }
    if (offset + size > bytes.length) throw malformed(`${name} runs past the end`);
    out.push({ name, bytes: bytes.subarray(offset, offset + size) });
    offset += size;
  }
  if (offset !== bytes.length) throw malformed('bytes after the last file');
  return out;
}
