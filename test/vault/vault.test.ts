// The vault format: round trips, and every kind of damage refused with its own error and
// no plaintext released.
import { randomBytes, generateKeyPairSync, diffieHellman } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RecordDecryptor } from '../../src/main/vault/decryptor';
import { EncryptStream, type SealedObject } from '../../src/main/vault/encrypt-stream';
import { HEADER_BYTES, TAG_BYTES, VaultError, sealedSize } from '../../src/main/vault/format';
import { decryptToMemory } from '../../src/main/vault/memory';
import { StoredBytesHasher } from '../../src/main/vault/stored-bytes-hasher';
import { unwrapDataKey, wrapDataKey } from '../../src/main/vault/envelope';
import { publicKeyFromPoint } from '../../src/main/keystore/ec-point';

const CHUNK = 4096;
/** The storage pointer of the ledger record the test's objects are sealed for. */
const POINTER = 's3://action-ehr-records/records/0f3a';

async function seal(
  plaintext: Buffer,
  key: Buffer,
  boundTo = POINTER,
): Promise<{ stored: Buffer; sealed: SealedObject }> {
  const pieceBytes = 1000;
  const pieces: Buffer[] = [];
  for (let i = 0; i < plaintext.length; i += pieceBytes)
    pieces.push(plaintext.subarray(i, i + pieceBytes));
  const encryptor = new EncryptStream(key, { chunkBytes: CHUNK, boundTo });
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    encryptor,
    new Writable({
      write(chunk: Buffer, _e, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return { stored: Buffer.concat(out), sealed: encryptor.result() };
}

/** Stored bytes split into header and chunks (ciphertext + tag). */
function split(stored: Buffer): { header: Buffer; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  for (let i = HEADER_BYTES; i < stored.length; i += CHUNK + TAG_BYTES)
    chunks.push(stored.subarray(i, i + CHUNK + TAG_BYTES));
  return { header: stored.subarray(0, HEADER_BYTES), chunks };
}

async function expectRefused(
  stored: Buffer,
  key: Buffer,
  sha256: string,
  code: VaultError['code'],
  message: RegExp,
  storagePointer = POINTER,
) {
  const attempt = decryptToMemory(
    Readable.from([stored.subarray(0, 3000), stored.subarray(3000)]),
    key,
    { sha256, storagePointer },
  );
  const error = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  expect((error as VaultError).code).toBe(code);
  expect((error as VaultError).message).toMatch(message);
  await expect(decryptToMemory(stored, key, { sha256, storagePointer })).rejects.toMatchObject({
    code,
  });
  // Laid out into one buffer as it verifies (the ledger states the stored size): the same.
  await expect(
    decryptToMemory(stored, key, { sha256, storagePointer, sizeBytes: stored.length }),
  ).rejects.toMatchObject({ code });
  // Hashed on the way, before the key was there (an opening's download): the same.
  await expect(
    decryptToMemory(hashedOnTheWay(stored), key, { sha256, storagePointer }),
  ).rejects.toMatchObject({ code });
}

/** The stored bytes as an opening's head start hands them over: hashed as they passed. */
function hashedOnTheWay(stored: Buffer): StoredBytesHasher {
  const hasher = new StoredBytesHasher({ highWaterMark: stored.length });
  Readable.from([stored.subarray(0, 3000), stored.subarray(3000)]).pipe(hasher);
  return hasher;
}

describe('vault stream format', () => {
  const key = randomBytes(32);
  const plaintext = randomBytes(CHUNK * 5 + 123);

  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK * 3, CHUNK * 5 + 123])(
    'round-trips %i bytes',
    async (size) => {
      const data = plaintext.subarray(0, size);
      const { stored, sealed } = await seal(data, key);
      expect(sealed.plaintextBytes).toBe(size);
      expect(sealed.storedBytes).toBe(stored.length);
      expect(sealed.chunks).toBe(Math.max(1, Math.ceil(size / CHUNK)));
      expect(stored.length).toBe(HEADER_BYTES + size + sealed.chunks * TAG_BYTES);
      // What an upload announces as its length before encrypting.
      expect(sealedSize(size, CHUNK)).toBe(stored.length);
      expect(
        await decryptToMemory(stored, key, { sha256: sealed.sha256, storagePointer: POINTER }),
      ).toEqual(data);
      // With the stored size known the plaintext is laid out as it verifies; a mis-stated
      // size still gives the record, whole and nothing more.
      for (const sizeBytes of [stored.length, stored.length - 700, stored.length + 5000]) {
        const pieces = Readable.from([stored.subarray(0, 3000), stored.subarray(3000)]);
        expect(
          await decryptToMemory(pieces, key, {
            sha256: sealed.sha256,
            storagePointer: POINTER,
            sizeBytes,
          }),
        ).toEqual(data);
      }
    },
  );

  it('takes the hash its stream made on the way, and only for the very bytes it read', async () => {
    const data = randomBytes(3 * CHUNK + 77);
    const { stored, sealed } = await seal(data, key);
    const facts = { sha256: sealed.sha256, storagePointer: POINTER, sizeBytes: stored.length };
    expect(await decryptToMemory(hashedOnTheWay(stored), key, facts)).toEqual(data);
    // A stream that hashed other bytes (here: one more) vouches for nothing.
    const other = new StoredBytesHasher();
    other.end(Buffer.concat([stored, Buffer.alloc(1)]));
    other.resume();
    await new Promise((done) => other.once('end', done));
    const decryptor = new RecordDecryptor(key, {
      expectedSha256: sealed.sha256,
      boundTo: POINTER,
      hashedAlongside: other,
    });
    decryptor.update(stored);
    expect(() => decryptor.finish()).toThrow(/does not match the hash recorded on the ledger/);
  });

  it('never stores the plaintext and never repeats a nonce between objects', async () => {
    const a = await seal(plaintext, key);
    const b = await seal(plaintext, key);
    expect(a.stored.includes(plaintext.subarray(0, 64))).toBe(false);
    expect(a.stored.subarray(0, HEADER_BYTES).equals(b.stored.subarray(0, HEADER_BYTES))).toBe(
      false,
    );
    expect(a.sealed.sha256).not.toBe(b.sealed.sha256);
  });

  describe('refuses damaged records', () => {
    it('a flipped bit in a chunk', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      const damaged = Buffer.from(stored);
      damaged[HEADER_BYTES + 2 * (CHUNK + TAG_BYTES) + 17]! ^= 0x01;
      await expectRefused(
        damaged,
        key,
        sealed.sha256,
        'VAULT_ALTERED',
        /Chunk 3 of the record failed authentication/,
      );
    });

    it('a flipped bit in the header', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      const damaged = Buffer.from(stored);
      damaged[16]! ^= 0x80;
      await expectRefused(damaged, key, sealed.sha256, 'VAULT_ALTERED', /first chunk/);
    });

    it('a whole object sealed for another record, even with the right key and its hash', async () => {
      // E.g. another record's object copied under this record's pointer, and registered
      // with its hash: it was sealed for the other pointer, so not one chunk opens.
      const other = await seal(plaintext, key, 's3://action-ehr-records/records/other');
      await expectRefused(
        other.stored,
        key,
        other.sealed.sha256,
        'VAULT_ALTERED',
        /failed authentication at its first chunk/,
      );
    });

    it('a download that stops half-way, giving back nothing', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      async function* cutOff() {
        yield stored.subarray(0, HEADER_BYTES + 3 * (CHUNK + TAG_BYTES));
        throw new Error('connection reset');
      }
      await expect(
        decryptToMemory(cutOff(), key, { sha256: sealed.sha256, storagePointer: POINTER }),
      ).rejects.toThrow('connection reset');
    });

    it('a decryptor that refused once stays refused', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      const decryptor = new RecordDecryptor(key, {
        expectedSha256: sealed.sha256,
        boundTo: 's3://elsewhere/records/1',
      });
      expect(() => decryptor.update(stored)).toThrow(VaultError);
      expect(() => decryptor.finish()).toThrow(/already refused/);
    });

    it('a missing chunk', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      const { header, chunks } = split(stored);
      const damaged = Buffer.concat([header, ...chunks.filter((_, i) => i !== 1)]);
      await expectRefused(
        damaged,
        key,
        sealed.sha256,
        'VAULT_MISSING_CHUNK',
        /Chunk 2 of the record is missing/,
      );
    });

    it('two swapped chunks', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      const { header, chunks } = split(stored);
      const swapped = [chunks[0]!, chunks[2]!, chunks[1]!, ...chunks.slice(3)];
      await expectRefused(
        Buffer.concat([header, ...swapped]),
        key,
        sealed.sha256,
        'VAULT_MISSING_CHUNK',
        /Chunk 2 .* missing \(chunk 3 is in its place\)/,
      );
      const backwards = [chunks[1]!, chunks[0]!, ...chunks.slice(2)];
      await expectRefused(
        Buffer.concat([header, ...backwards]),
        key,
        sealed.sha256,
        'VAULT_MISSING_CHUNK',
        /chunk 2 is in its place/,
      );
    });

    it('a chunk moved back', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      const { header, chunks } = split(stored);
      const repeated = [chunks[0]!, chunks[1]!, chunks[0]!, ...chunks.slice(3)];
      await expectRefused(
        Buffer.concat([header, ...repeated]),
        key,
        sealed.sha256,
        'VAULT_REORDERED',
        /chunk 1 is at position 3/,
      );
    });

    it('a record cut at a chunk boundary', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      const cut = stored.subarray(0, HEADER_BYTES + 3 * (CHUNK + TAG_BYTES));
      await expectRefused(cut, key, sealed.sha256, 'VAULT_TRUNCATED', /cut after chunk 3/);
    });

    it('a record cut inside a tag', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      const cut = stored.subarray(0, HEADER_BYTES + (CHUNK + TAG_BYTES) + 10);
      await expectRefused(cut, key, sealed.sha256, 'VAULT_TRUNCATED', /cut inside chunk 2/);
    });

    it('bytes appended after the last chunk', async () => {
      // After a full last chunk the decryptor can tell exactly what happened…
      const whole = await seal(plaintext.subarray(0, CHUNK * 3), key);
      await expectRefused(
        Buffer.concat([whole.stored, randomBytes(40)]),
        key,
        whole.sealed.sha256,
        'VAULT_TRAILING_DATA',
        /follows the record's last chunk \(3\)/,
      );
      // …after a short one the chunk borders shift, and it is refused as altered.
      const { stored, sealed } = await seal(plaintext, key);
      await expectRefused(
        Buffer.concat([stored, randomBytes(CHUNK)]),
        key,
        sealed.sha256,
        'VAULT_ALTERED',
        /Chunk 6 of the record failed authentication/,
      );
    });

    it('an intact record whose hash is not the ledger one', async () => {
      const { stored } = await seal(plaintext, key);
      await expectRefused(
        stored,
        key,
        'a'.repeat(64),
        'VAULT_HASH_MISMATCH',
        /does not match the hash recorded on the ledger/,
      );
    });

    it('the wrong key', async () => {
      const { stored, sealed } = await seal(plaintext, key);
      await expectRefused(
        stored,
        randomBytes(32),
        sealed.sha256,
        'VAULT_ALTERED',
        /not the key it was shared with/,
      );
    });

    it('something that is not a vault object', async () => {
      await expectRefused(
        Buffer.from('%PDF-1.7 not ours at all, sorry'),
        key,
        'b'.repeat(64),
        'VAULT_BAD_HEADER',
        /not an ACTION-EHR encrypted record/,
      );
      await expectRefused(
        Buffer.from('short'),
        key,
        'b'.repeat(64),
        'VAULT_BAD_HEADER',
        /too short/,
      );
    });
  });
});

describe('key envelopes', () => {
  const recipient = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const recipientPem = recipient.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  // Software stand-in for the card's ECDH (the card test does this through PKCS#11).
  const softwareDerive =
    (privateKey = recipient.privateKey) =>
    async (point: Buffer) =>
      diffieHellman({
        privateKey,
        publicKey: publicKeyFromPoint(point),
      });

  it('wraps a data key that only the recipient can unwrap', async () => {
    const dataKey = randomBytes(32);
    const envelope = wrapDataKey(dataKey, 'caregiver-1', recipientPem);
    expect(envelope.wrappedKey).not.toContain(dataKey.toString('base64'));
    expect(await unwrapDataKey(envelope, recipient.publicKey, softwareDerive())).toEqual(dataKey);
  });

  it('refuses an envelope meant for another key', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const envelope = wrapDataKey(randomBytes(32), 'caregiver-1', recipientPem);
    await expect(
      unwrapDataKey(envelope, other.publicKey, softwareDerive(other.privateKey)),
    ).rejects.toThrow(/not shared with the key on this card/);
  });

  it('refuses an altered envelope', async () => {
    const envelope = wrapDataKey(randomBytes(32), 'caregiver-1', recipientPem);
    const wrapped = Buffer.from(envelope.wrappedKey, 'base64');
    wrapped[5]! ^= 1;
    await expect(
      unwrapDataKey(
        { ...envelope, wrappedKey: wrapped.toString('base64') },
        recipient.publicKey,
        softwareDerive(),
      ),
    ).rejects.toThrow(/could not be unwrapped/);
  });

  it('refuses a recipient key that is not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    expect(() => wrapDataKey(randomBytes(32), 'x', rsa)).toThrow(/not an EC P-256 key/);
    expect(() => wrapDataKey(randomBytes(32), 'x', 'not a key')).toThrow(/cannot be read/);
  });
});
