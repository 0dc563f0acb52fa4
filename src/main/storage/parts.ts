// Cuts a stream of unknown length into upload parts of a fixed size.
//
// Each part is a Buffer of its own: a part that fails can be sent again byte for byte (a
// one-shot stream could not be replayed), and the SDK can sign and checksum it without
// buffering a second copy. Reading ahead by one chunk tells whether a full part is the last,
// so an object that fits in one part goes up as a single PutObject.
import { StorageError } from './errors';

export interface Part {
  data: Buffer;
  last: boolean;
}

/** A Node Readable, any (async) iterable of Buffers/Uint8Arrays, or one Buffer. */
export type ByteSource = AsyncIterable<unknown> | Iterable<unknown> | Uint8Array;

function iterate(source: ByteSource): AsyncIterator<unknown> {
  if (source instanceof Uint8Array) source = [source];
  if (typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  }
  if (typeof (source as Iterable<unknown>)[Symbol.iterator] === 'function') {
    const it = (source as Iterable<unknown>)[Symbol.iterator]();
    return {
      next: async () => it.next(),
      return: async () => it.return?.() ?? { done: true, value: undefined },
    };
  }
  throw new StorageError('SOURCE_FAILED', 'The data to upload is not a stream of bytes.');
}

export class PartReader {
  private readonly it: AsyncIterator<unknown>;
  private leftover: Buffer | undefined;
  private done = false;
  /** Bytes taken from the source so far. */
  bytesRead = 0;

  constructor(
    source: ByteSource,
    private readonly partSize: number,
  ) {
    this.it = iterate(source);
  }

  private async pull(): Promise<Buffer | undefined> {
    if (this.leftover) {
      const b = this.leftover;
      this.leftover = undefined;
      return b;
    }
    if (this.done) return undefined;
    let r: IteratorResult<unknown>;
    try {
      r = await this.it.next();
    } catch (e) {
      this.done = true;
      throw new StorageError(
        'SOURCE_FAILED',
        `The data to upload could not be read: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    if (r.done) {
      this.done = true;
      return undefined;
    }
    const v = r.value;
    const chunk =
      typeof v === 'string'
        ? Buffer.from(v)
        : v instanceof Uint8Array
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
          : undefined;
    if (!chunk) {
      this.done = true;
      throw new StorageError('SOURCE_FAILED', 'The data to upload is not a stream of bytes.');
    }
    this.bytesRead += chunk.length;
    return chunk;
  }

  /** The next part, or undefined when the source had nothing more (only for an empty source). */
  async next(): Promise<Part | undefined> {
    const out = Buffer.allocUnsafe(this.partSize);
    let filled = 0;
    while (filled < this.partSize) {
      const chunk = await this.pull();
      if (!chunk) break;
      const take = Math.min(chunk.length, this.partSize - filled);
      chunk.copy(out, filled, 0, take);
      filled += take;
      if (take < chunk.length) this.leftover = chunk.subarray(take);
    }
    if (filled === 0 && this.done) return undefined;
    // Full part: peek one chunk to know whether anything follows.
    if (filled === this.partSize && !this.leftover) {
      let peek = await this.pull();
      while (peek && peek.length === 0) peek = await this.pull();
      this.leftover = peek;
    }
    const last = !this.leftover && this.done;
    return { data: filled === this.partSize ? out : out.subarray(0, filled), last };
  }

  /** Stops reading; a Node Readable source is destroyed, so whoever feeds it stops too. */
  async close(): Promise<void> {
    this.done = true;
    this.leftover = undefined;
    try {
      await this.it.return?.();
    } catch {
      // The source's own failure has already been reported (or is irrelevant now).
    }
  }
}
