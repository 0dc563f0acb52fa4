// The only way decrypted bytes leave the vault for the app: whole, verified, in memory.
// Never a temp file, and nothing before the record has verified to its end (see
// decryptor.ts). On any failure every partial buffer is zeroed before the error goes on.
import type { Readable } from 'node:stream';
import { RecordDecryptor } from './decryptor';
import { StoredBytesHasher } from './stored-bytes-hasher';

export interface DecryptProgress {
  storedBytesRead: number;
}

export interface StoredRecordFacts {
  /** Hex SHA-256 of the stored bytes, from the ledger. */
  sha256: string;
  /** The record's storage pointer on the ledger, which the object was sealed for. */
  storagePointer: string;
  /** The stored object's size, from the ledger: lets the plaintext be laid out as it comes. */
  sizeBytes?: number;
}

export async function decryptToMemory(
  source: Readable | AsyncIterable<Buffer> | Buffer,
  dataKey: Buffer,
  record: StoredRecordFacts,
  onProgress?: (progress: DecryptProgress) => void,
): Promise<Buffer> {
  const decryptor = new RecordDecryptor(dataKey, {
    expectedSha256: record.sha256,
    boundTo: record.storagePointer,
    ...(record.sizeBytes !== undefined ? { storedBytes: record.sizeBytes } : {}),
    ...(source instanceof StoredBytesHasher ? { hashedAlongside: source } : {}),
  });
  const input: AsyncIterable<Buffer> | Iterable<Buffer> = Buffer.isBuffer(source)
    ? [source]
    : source;
  let storedBytesRead = 0;
  try {
    for await (const chunk of input) {
      decryptor.update(chunk);
      storedBytesRead += chunk.length;
      onProgress?.({ storedBytesRead });
    }
  } catch (error) {
    decryptor.forget();
    throw error;
  }
  return decryptor.finish();
}
