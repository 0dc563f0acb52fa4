// Encrypts a record as it streams (read from the PACS or a file, out to storage) so a
// 200 MB study never sits whole in memory. Computes the SHA-256 of the stored bytes on the
// way: that hash goes on the ledger. Every chunk is bound to the storage pointer of the
// record it is for (see format.ts), so it cannot pass as part of another record.
import { createCipheriv, createHash, randomBytes, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import {
  DATA_KEY_BYTES,
  DEFAULT_CHUNK_BYTES,
  MAX_CHUNKS,
  MAX_CHUNK_BYTES,
  MIN_CHUNK_BYTES,
  NONCE_PREFIX_BYTES,
  VaultError,
  associatedData,
  chunkNonce,
  encodeHeader,
} from './format';

export interface SealedObject {
  /** Hex SHA-256 of every stored byte (header, ciphertext, tags). */
  sha256: string;
  storedBytes: number;
  plaintextBytes: number;
  chunks: number;
}

export interface EncryptOptions {
  /** The storage pointer of the ledger record this object is for. */
  boundTo: string;
  chunkBytes?: number;
}

export class EncryptStream extends Transform {
  private readonly header: Buffer;
  private readonly aad: Buffer;
  private readonly noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
  private readonly chunkBytes: number;
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private storedBytes = 0;
  private plaintextBytes = 0;
  private sealed: SealedObject | null = null;

  constructor(
    private readonly dataKey: Buffer,
    options: EncryptOptions,
  ) {
    super();
    if (dataKey.length !== DATA_KEY_BYTES) {
      throw new VaultError(
        'VAULT_BAD_KEY',
        `A data key is ${DATA_KEY_BYTES} bytes (got ${dataKey.length}).`,
      );
    }
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (this.chunkBytes < MIN_CHUNK_BYTES || this.chunkBytes > MAX_CHUNK_BYTES) {
      throw new RangeError(`Chunk size must be ${MIN_CHUNK_BYTES}..${MAX_CHUNK_BYTES} bytes.`);
    }
    this.header = encodeHeader({ chunkBytes: this.chunkBytes, noncePrefix: this.noncePrefix });
    this.aad = associatedData(this.header, options.boundTo);
    this.output(this.header);
  }

  /** Available once the stream has finished. */
  result(): SealedObject {
    if (!this.sealed) throw new Error('The record is not fully encrypted yet.');
    return this.sealed;
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending.push(data);
      this.pendingBytes += data.length;
      this.plaintextBytes += data.length;
      // Keep back at least one byte: only the stream's end tells which chunk is final.
      while (this.pendingBytes > this.chunkBytes) this.seal(this.takeBytes(this.chunkBytes), false);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.seal(this.takeBytes(this.pendingBytes), true);
      this.sealed = {
        sha256: this.hash.digest('hex'),
        storedBytes: this.storedBytes,
        plaintextBytes: this.plaintextBytes,
        chunks: this.index,
      };
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private takeBytes(bytes: number): Buffer {
    const first = this.pending[0];
    let out: Buffer;
    if (first && first.length >= bytes) {
      out = first.subarray(0, bytes);
      if (first.length === bytes) this.pending.shift();
      else this.pending[0] = first.subarray(bytes);
    } else {
      const all = Buffer.concat(this.pending, this.pendingBytes);
      out = all.subarray(0, bytes);
      this.pending = bytes < all.length ? [all.subarray(bytes)] : [];
    }
    this.pendingBytes -= bytes;
    return out;
  }

  private seal(plaintext: Buffer, final: boolean): void {
    if (this.index >= MAX_CHUNKS)
      throw new RangeError('The record is too large for one vault object.');
    const cipher = createCipheriv(
      'aes-256-gcm',
      this.dataKey,
      chunkNonce(this.noncePrefix, this.index, final),
    );
    cipher.setAAD(this.aad);
    const body = cipher.update(plaintext);
    cipher.final();
    this.output(body);
    this.output(cipher.getAuthTag());
    this.index += 1;
  }

  private output(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.hash.update(bytes);
    this.storedBytes += bytes.length;
    this.push(bytes);
  }
}
