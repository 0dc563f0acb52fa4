// The vault's stored-object format, version 1. Written here rather than taken from a
// library because it is the product's core: every hospital's workstation must read it for
// decades, and no maintained Node library offers a chunked AEAD stream with the
// STREAM construction's guarantees (Hoang et al., "Online Authenticated-Encryption and
// its Nonce-Reuse Misuse-Resistance", CRYPTO 2015).
//
//   header (24 bytes)
//     0  8  magic "EHRVAULT"
//     8  1  format version (2)
//     9  1  algorithm (1 = AES-256-GCM)
//    10  4  plaintext bytes per chunk, big-endian (every chunk but the last is full)
//    14  7  nonce prefix, random per object
//    21  3  reserved, zero
//   chunks, in order
//     ciphertext (chunk size bytes; the last chunk 0..chunk size) + 16-byte GCM tag
//
// Every chunk's additional data is the header followed by the object's binding: the
// storage pointer of the ledger record it belongs to (UTF-8). So a chunk, or a whole
// object, copied under another record fails its tag even with the right key. (Version 1
// had no binding; no record of it was ever shared outside tests, so it is not read.)
//
// Chunk i is sealed with nonce = prefix(7) ‖ i (uint32 BE) ‖ final flag (1 byte: 1 for the
// last chunk, else 0). So a flipped bit fails that chunk's tag, a reordered or missing
// chunk fails at its position (its counter differs), and a cut at a chunk boundary fails
// because the new last chunk was not sealed as final. A fresh random 256-bit data key is
// used per sharing operation, so (key, nonce) pairs never repeat.

export const MAGIC = Buffer.from('EHRVAULT', 'ascii');
export const FORMAT_VERSION = 2;
export const ALGORITHM_AES_256_GCM = 1;
export const HEADER_BYTES = 24;
export const TAG_BYTES = 16;
export const NONCE_PREFIX_BYTES = 7;
export const DATA_KEY_BYTES = 32;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
export const MIN_CHUNK_BYTES = 1024;
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** 2^32 chunks of at most 16 MiB: far beyond any DICOM study. */
export const MAX_CHUNKS = 0xffffffff;

export interface VaultHeader {
  chunkBytes: number;
  noncePrefix: Buffer;
}

export class VaultError extends Error {
  constructor(
    readonly code:
      | 'VAULT_BAD_HEADER'
      | 'VAULT_UNSUPPORTED'
      | 'VAULT_ALTERED'
      | 'VAULT_REORDERED'
      | 'VAULT_MISSING_CHUNK'
      | 'VAULT_TRUNCATED'
      | 'VAULT_TRAILING_DATA'
      | 'VAULT_HASH_MISMATCH'
      | 'VAULT_BAD_KEY'
      | 'VAULT_BAD_ENVELOPE',
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

export function encodeHeader(header: VaultHeader): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(out, 0);
  out[8] = FORMAT_VERSION;
  out[9] = ALGORITHM_AES_256_GCM;
  out.writeUInt32BE(header.chunkBytes, 10);
  header.noncePrefix.copy(out, 14);
  return out;
}

export function decodeHeader(bytes: Buffer): VaultHeader {
  if (bytes.length < HEADER_BYTES) {
    throw new VaultError(
      'VAULT_BAD_HEADER',
      'The stored record is too short to be an encrypted record.',
    );
  }
  if (!bytes.subarray(0, 8).equals(MAGIC)) {
    throw new VaultError(
      'VAULT_BAD_HEADER',
      'The stored object is not an ACTION-EHR encrypted record.',
    );
  }
  if (bytes[8] !== FORMAT_VERSION) {
    throw new VaultError(
      'VAULT_UNSUPPORTED',
      `The record uses vault format version ${bytes[8]}; this workstation reads version ${FORMAT_VERSION}. Update the workstation.`,
    );
  }
  if (bytes[9] !== ALGORITHM_AES_256_GCM) {
    throw new VaultError(
      'VAULT_UNSUPPORTED',
      `Unknown encryption algorithm ${bytes[9]} in the record.`,
    );
  }
  const chunkBytes = bytes.readUInt32BE(10);
  if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
    throw new VaultError(
      'VAULT_BAD_HEADER',
      `The record declares an impossible chunk size (${chunkBytes}).`,
    );
  }
  if (bytes[21] !== 0 || bytes[22] !== 0 || bytes[23] !== 0) {
    throw new VaultError('VAULT_BAD_HEADER', 'The record header has non-zero reserved bytes.');
  }
  return { chunkBytes, noncePrefix: Buffer.from(bytes.subarray(14, 21)) };
}

/** Longest binding accepted; a storage pointer is far shorter. */
export const MAX_BINDING_BYTES = 2048;

/** The additional data every chunk of an object is sealed with. */
export function associatedData(header: Buffer, boundTo: string): Buffer {
  const binding = Buffer.from(boundTo, 'utf8');
  if (binding.length === 0 || binding.length > MAX_BINDING_BYTES) {
    throw new VaultError(
      'VAULT_BAD_KEY',
      `An encrypted record is bound to its ledger storage pointer (1 to ${MAX_BINDING_BYTES} bytes).`,
    );
  }
  return Buffer.concat([header, binding]);
}

export function chunkNonce(prefix: Buffer, index: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

/**
 * The stored size of `plaintextBytes` sealed in chunks of `chunkBytes`: the header, the
 * bytes themselves, and one tag per chunk (at least one: an empty record is one empty final
 * chunk). Known before encrypting, so an upload can announce its exact length.
 */
export function sealedSize(
  plaintextBytes: number,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): number {
  const chunks = Math.max(1, Math.ceil(plaintextBytes / chunkBytes));
  return HEADER_BYTES + plaintextBytes + chunks * TAG_BYTES;
}
