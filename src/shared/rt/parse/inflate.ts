// Deflated Explicit VR Little Endian (PS3.5 A.5): everything after the meta header is one
// raw deflate stream. Inflated with the platform's own DecompressionStream (Node ≥ 20 and
// every browser worker have it, so one code path serves the CLI and the viewer) rather than
// a package; it is asynchronous, so this runs before the synchronous parse. The output is
// bounded: a few kilobytes of hostile stream cannot expand into gigabytes.

import { RtError } from '../errors';
import { MAX_GRID_SAMPLES } from './limits';

/** The largest inflated data set: the largest dose grid (32-bit) plus room for the rest. */
export const MAX_INFLATED_BYTES = MAX_GRID_SAMPLES * 4 + 64 * 2 ** 20;

export async function inflateDataSet(
  deflated: Uint8Array,
  file: string,
  limit = MAX_INFLATED_BYTES,
): Promise<Uint8Array> {
  const stream = new Blob([deflated as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel();
        throw new RtError(
          'BAD_VALUE',
          `the deflated data set expands beyond ${limit} bytes, more than any RT object`,
          file,
        );
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RtError) throw error;
    throw new RtError(
      'TRUNCATED',
      `the deflated data set cannot be inflated (${error instanceof Error ? error.message : String(error)})`,
      file,
    );
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
