// Decrypts a stored record as its bytes arrive, and releases nothing until all of it is
// verified: every chunk's tag (bound to this record's storage pointer), the last chunk
// sealed as final, and the SHA-256 of every stored byte equal to the ledger's. Only then
// does finish() hand over the plaintext, whole. A record spliced from another one, or cut,
// therefore shows not one byte before it is refused. Any failure is a VaultError saying
// what happened (altered, reordered, missing, truncated), and what was decrypted so far is
// zeroed. Decrypting on arrival (rather than after the download) keeps the wait for a
// large record to the download itself.
import { constants as bufferLimits } from 'node:buffer';
import { createDecipheriv, createHash, type Hash } from 'node:crypto';
import {
  DATA_KEY_BYTES,
  HEADER_BYTES,
  TAG_BYTES,
  VaultError,
  associatedData,
  chunkNonce,
  decodeHeader,
  type VaultHeader,
} from './format';
import type { StoredBytesHasher } from './stored-bytes-hasher';

export interface DecryptOptions {
  /** Hex SHA-256 of the stored bytes, from the ledger. */
  expectedSha256: string;
  /** The ledger record's storage pointer the object was sealed for. */
  boundTo: string;
  /**
   * The stored object's size when known (the ledger registers it). The plaintext then goes
   * into one buffer sized at the header, as each chunk verifies, instead of being joined
   * after the last one: for a 100 MB study that copy (and its allocation) came after the
   * download had ended, in the person's wait.
   */
  storedBytes?: number;
  /**
   * The stream these bytes come through, which hashed them as they passed (before the key
   * was there): finish() takes its hash instead of hashing them again, and refuses unless
   * it has ended and saw exactly as many bytes as this decryptor.
   */
  hashedAlongside?: StoredBytesHasher;
}

/** How far from its place a misplaced chunk is looked for when explaining a failure. */
const DIAGNOSIS_WINDOW = 16;

export class RecordDecryptor {
  private readonly hash: Hash = createHash('sha256');
  private header: VaultHeader | null = null;
  private aad: Buffer | null = null;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private index = 0;
  private readonly expectedSha256: string;
  private readonly boundTo: string;
  /** Verified chunks, held back until the whole record is verified. */
  private plaintext: Buffer[] = [];
  /** With a known stored size: the whole plaintext's buffer, filled up to `written`. */
  private whole: Buffer | null = null;
  private written = 0;
  private readonly storedBytes: number | undefined;
  private readonly hasher: StoredBytesHasher | undefined;
  private bytesSeen = 0;
  private failed = false;

  constructor(
    private readonly dataKey: Buffer,
    options: DecryptOptions,
  ) {
    if (dataKey.length !== DATA_KEY_BYTES) {
      throw new VaultError(
        'VAULT_BAD_KEY',
        `A data key is ${DATA_KEY_BYTES} bytes (got ${dataKey.length}).`,
      );
    }
    if (!/^[0-9a-f]{64}$/i.test(options.expectedSha256)) {
      throw new VaultError(
        'VAULT_HASH_MISMATCH',
        'The expected record hash is not a SHA-256 hex digest.',
      );
    }
    this.expectedSha256 = options.expectedSha256.toLowerCase();
    this.boundTo = options.boundTo;
    this.storedBytes = options.storedBytes;
    this.hasher = options.hashedAlongside;
  }

  /** Takes the next stored bytes; throws (and forgets everything) at the first damage. */
  update(data: Buffer): void {
    if (this.failed) throw new Error('This decryptor has already refused the record.');
    this.guard(() => {
      if (!this.hasher) this.hash.update(data);
      this.bytesSeen += data.length;
      this.buffered.push(data);
      this.bufferedBytes += data.length;
      if (!this.header) {
        if (this.bufferedBytes < HEADER_BYTES) return;
        const headerBytes = Buffer.from(this.takeBytes(HEADER_BYTES));
        this.header = decodeHeader(headerBytes);
        this.aad = associatedData(headerBytes, this.boundTo);
        this.whole = this.plaintextBuffer(this.header.chunkBytes);
      }
      const stored = this.header.chunkBytes + TAG_BYTES;
      // A chunk followed by more bytes cannot be the last one.
      while (this.bufferedBytes > stored) this.open(this.takeBytes(stored), false);
    });
  }

  /** The whole plaintext, once the record's end and its ledger hash have verified. */
  finish(): Buffer {
    if (this.failed) throw new Error('This decryptor has already refused the record.');
    return this.guard(() => {
      if (!this.header) decodeHeader(this.takeBytes(this.bufferedBytes));
      if (this.bufferedBytes < TAG_BYTES) {
        throw new VaultError(
          'VAULT_TRUNCATED',
          `The record ends early: it was cut inside chunk ${this.index + 1}.`,
        );
      }
      this.open(this.takeBytes(this.bufferedBytes), true);
      const actual = this.storedSha256();
      if (actual !== this.expectedSha256) {
        throw new VaultError(
          'VAULT_HASH_MISMATCH',
          'The stored record does not match the hash recorded on the ledger: it is not the record that was shared.',
        );
      }
      if (this.whole && this.plaintext.length === 0 && this.written === this.whole.length) {
        const whole = this.whole;
        this.whole = null;
        return whole;
      }
      // The stored size said was not this object's (the hash above would have refused a
      // different object, so this is only a mis-stated size): join what verified.
      const whole = Buffer.concat([
        ...(this.whole ? [this.whole.subarray(0, this.written)] : []),
        ...this.plaintext,
      ]);
      this.forget();
      return whole;
    });
  }

  /** The hash of the bytes this decryptor took; null when the stream's cannot vouch for them. */
  private storedSha256(): string | null {
    if (!this.hasher) return this.hash.digest('hex');
    const passed = this.hasher.digest;
    return passed && passed.bytes === this.bytesSeen ? passed.sha256 : null;
  }

  /** Drops (zeroes) whatever was decrypted; for a download that stopped half-way. */
  forget(): void {
    for (const piece of this.plaintext) piece.fill(0);
    this.plaintext = [];
    this.whole?.fill(0, 0, this.written);
    this.whole = null;
    this.written = 0;
  }

  /** One buffer for the plaintext of an object of `storedBytes`, or null when not known. */
  private plaintextBuffer(chunkBytes: number): Buffer | null {
    const body = (this.storedBytes ?? 0) - HEADER_BYTES;
    if (body < TAG_BYTES) return null;
    const chunks = Math.ceil(body / (chunkBytes + TAG_BYTES));
    if (body - chunks * TAG_BYTES > bufferLimits.MAX_LENGTH) return null;
    // Every byte is written before the buffer is handed over (finish checks), so it need
    // not be zeroed first.
    return Buffer.allocUnsafeSlow(body - chunks * TAG_BYTES);
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      this.failed = true;
      this.forget();
      throw error;
    }
  }

  private takeBytes(bytes: number): Buffer {
    const all =
      this.buffered.length === 1
        ? this.buffered[0]!
        : Buffer.concat(this.buffered, this.bufferedBytes);
    const out = all.subarray(0, bytes);
    this.buffered = bytes < all.length ? [all.subarray(bytes)] : [];
    this.bufferedBytes -= bytes;
    return out;
  }

  private tryOpen(stored: Buffer, index: number, final: boolean): Buffer | null {
    const header = this.header!;
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.dataKey,
      chunkNonce(header.noncePrefix, index, final),
    );
    decipher.setAAD(this.aad!);
    decipher.setAuthTag(stored.subarray(stored.length - TAG_BYTES));
    const body = decipher.update(stored.subarray(0, stored.length - TAG_BYTES));
    try {
      decipher.final();
      return body;
    } catch {
      body.fill(0);
      return null;
    }
  }

  private open(stored: Buffer, final: boolean): void {
    const plaintext = this.tryOpen(stored, this.index, final);
    if (!plaintext) throw this.explain(stored, final);
    this.index += 1;
    if (plaintext.length === 0) return;
    if (
      this.whole &&
      this.plaintext.length === 0 &&
      this.written + plaintext.length <= this.whole.length
    ) {
      plaintext.copy(this.whole, this.written);
      this.written += plaintext.length;
      plaintext.fill(0);
    } else {
      this.plaintext.push(plaintext);
    }
  }

  /** Works out why chunk `index` failed, so the person is told what happened to the record. */
  private explain(stored: Buffer, final: boolean): VaultError {
    const position = this.index + 1;
    if (this.tryOpen(stored, this.index, !final)) {
      return final
        ? new VaultError(
            'VAULT_TRUNCATED',
            `The record ends early: it was cut after chunk ${position}.`,
          )
        : new VaultError(
            'VAULT_TRAILING_DATA',
            `Unexpected data follows the record's last chunk (${position}).`,
          );
    }
    for (let offset = 1; offset <= DIAGNOSIS_WINDOW; offset++) {
      for (const candidate of [this.index + offset, this.index - offset]) {
        if (candidate < 0) continue;
        if (this.tryOpen(stored, candidate, final) || this.tryOpen(stored, candidate, !final)) {
          return candidate > this.index
            ? new VaultError(
                'VAULT_MISSING_CHUNK',
                `Chunk ${position} of the record is missing (chunk ${candidate + 1} is in its place).`,
              )
            : new VaultError(
                'VAULT_REORDERED',
                `The record's chunks are out of order (chunk ${candidate + 1} is at position ${position}).`,
              );
        }
      }
    }
    return new VaultError(
      'VAULT_ALTERED',
      this.index === 0
        ? 'The record failed authentication at its first chunk: it was altered, or this is not the key it was shared with.'
        : `Chunk ${position} of the record failed authentication: it was altered.`,
    );
  }
}
