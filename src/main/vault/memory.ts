// The only way decrypted bytes leave the vault for the app: whole, verified, in memory.
// Never a temp file. On any failure every partial buffer is zeroed before the error goes on.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { DecryptStream } from './decrypt-stream';

export interface DecryptProgress {
  storedBytesRead: number;
}

export async function decryptToMemory(
  source: Readable | AsyncIterable<Buffer> | Buffer,
  dataKey: Buffer,
  expectedSha256: string,
  onProgress?: (progress: DecryptProgress) => void,
): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let storedBytesRead = 0;
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : Readable.from(source);
  if (onProgress) {
    input.on('data', (chunk: Buffer) => {
      storedBytesRead += chunk.length;
      onProgress({ storedBytesRead });
    });
  }
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pieces.push(chunk);
      done();
    },
  });
  try {
    await pipeline(input, new DecryptStream(dataKey, { expectedSha256 }), collect);
  } catch (error) {
    for (const piece of pieces) piece.fill(0);
    throw error;
  }
  const whole = Buffer.concat(pieces);
  for (const piece of pieces) piece.fill(0);
  return whole;
}
