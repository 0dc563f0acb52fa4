// A stream a stored record's bytes pass through on their way to the decryptor, hashing them
// as they go. An opening fetches the encrypted object while its disclosure commits, before
// the data key exists; hashing then, rather than after the key arrives, takes the SHA-256
// of a large record out of the person's wait. The decryptor reads the hash only from the
// very stream it read its bytes from (vault/memory.ts) and checks it saw as many bytes.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';

export class StoredBytesHasher extends Transform {
  readonly #hash = createHash('sha256');
  #bytes = 0;
  #sha256: string | null = null;

  constructor(options: Pick<TransformOptions, 'highWaterMark'> = {}) {
    super(options);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#sha256 = this.#hash.digest('hex');
    done();
  }

  /** The hex SHA-256 and count of every byte that passed, once the last one has; else null. */
  get digest(): { sha256: string; bytes: number } | null {
    return this.#sha256 === null ? null : { sha256: this.#sha256, bytes: this.#bytes };
  }
}
