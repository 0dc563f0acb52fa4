// The whole path of a shared record, with every real part: two smart cards (SoftHSM2)
// enrolled at a real Fabric CA, a 200 MB study encrypted for the doctor and the patient,
// stored in a real S3 server (MinIO), fetched back, the data key unwrapped on the doctor's
// card, decrypted in memory, and compared. Nothing decrypted may land on disk.
import {
  createCipheriv,
  createHash,
  randomBytes,
  type KeyObject,
  createPublicKey,
} from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardClient } from '../../src/main/keystore/card-client';
import { provisionCard, type CardIdentity } from '../../src/main/keystore/provision';
import { companionKey, newObjectKey } from '../../src/main/storage/keys';
import { pointerUri } from '../../src/main/storage/record-storage';
import { ObjectStore } from '../../src/main/storage/store';
import { EncryptStream } from '../../src/main/vault/encrypt-stream';
import { unwrapDataKey, wrapDataKey, type KeyEnvelope } from '../../src/main/vault/envelope';
import { decryptToMemory } from '../../src/main/vault/memory';
import { fabricCaBinaries, startFabricCa, type RunningFabricCa } from '../support/fabric-ca-server';
import { softhsmTokens, type TestTokens } from '../support/softhsm';
import { minioMissingReason, startTestS3, type TestS3 } from '../storage/helpers';

const STUDY_BYTES = 200 * 1024 * 1024;
const PIN = '271828';
const missing = !fabricCaBinaries() ? 'fabric-ca-server is not built' : minioMissingReason();
if (missing) console.log(`Record round trip skipped: ${missing}.`);

/** A deterministic synthetic "study": AES-CTR keystream, produced in 1 MiB pieces. */
function* syntheticStudy(seed: Buffer): Generator<Buffer> {
  const stream = createCipheriv('aes-256-ctr', seed, Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let sent = 0; sent < STUDY_BYTES; sent += zeros.length) yield stream.update(zeros);
}

function studyHash(seed: Buffer): string {
  const hash = createHash('sha256');
  for (const piece of syntheticStudy(seed)) hash.update(piece);
  return hash.digest('hex');
}

const encryptionKeyOf = (identity: CardIdentity): KeyObject =>
  createPublicKey(identity.encryptionPublicKeyPem);
const cardEcdh = (card: CardClient) => async (point: Buffer) =>
  Buffer.from(await card.call('deriveSharedSecret', { peerPoint: point }));

function filesUnder(dir: string, since: number, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    try {
      const info = statSync(path);
      if (info.isDirectory()) filesUnder(path, since, out);
      else if (info.isFile() && info.mtimeMs >= since) out.push(path);
    } catch {
      // vanished meanwhile
    }
  }
  return out;
}

describe.skipIf(Boolean(missing))('a shared 200 MB study, end to end', () => {
  let ca: RunningFabricCa;
  let s3: TestS3;
  let tokens: TestTokens;
  let store: ObjectStore;
  const cards: Record<
    'patient' | 'doctor' | 'stranger',
    { card: CardClient; identity: CardIdentity }
  > = {} as never;

  beforeAll(async () => {
    [ca, s3] = await Promise.all([startFabricCa(), startTestS3()]);
    tokens = softhsmTokens();
    store = new ObjectStore(s3.settings);
    for (const [who, attrs] of [
      ['patient', { role: 'patient' }],
      ['doctor', { role: 'caregiver', department: 'Radiation Oncology' }],
      ['stranger', { role: 'caregiver', department: 'Cardiology' }],
    ] as const) {
      const secret = randomBytes(12).toString('hex');
      ca.register(`${who}-${secret.slice(0, 6)}`, secret, attrs);
      const serial = await tokens.createToken(who, PIN);
      const card = await tokens.startClient({ timeoutMs: 60_000 });
      await card.call('signIn', { serial, pin: PIN });
      const identity = await provisionCard(card, {
        enrollmentId: `${who}-${secret.slice(0, 6)}`,
        secret,
        ca: { url: ca.url, tlsCaPem: ca.tlsCaPem },
      });
      cards[who] = { card, identity };
    }
  }, 120_000);

  afterAll(async () => {
    store?.close();
    await s3?.stop();
    ca?.stop();
    tokens?.cleanup();
  });

  it('arrives intact for the doctor and the patient, and for nobody else', async () => {
    const started = Date.now();
    const seed = randomBytes(32);
    const expected = studyHash(seed);

    // Share: a fresh data key, the study encrypted while it streams to storage.
    const dataKey = randomBytes(32);
    const objectKey = newObjectKey();
    const storagePointer = pointerUri(store.bucket, objectKey);
    const encryptor = new EncryptStream(dataKey, { boundTo: storagePointer });
    const uploaded = await store.put(Readable.from(syntheticStudy(seed)).pipe(encryptor), {
      key: objectKey,
    });
    const sealed = encryptor.result();
    expect(sealed.plaintextBytes).toBe(STUDY_BYTES);
    const envelopes: KeyEnvelope[] = (['doctor', 'patient'] as const).map((who) =>
      wrapDataKey(
        dataKey,
        cards[who].identity.enrollmentId,
        cards[who].identity.encryptionPublicKeyPem,
      ),
    );
    dataKey.fill(0);
    await store.put(Buffer.from(JSON.stringify(envelopes)), {
      key: companionKey(uploaded.key, 'keys'),
    });

    // Download as the doctor: envelopes, unwrap on the card, stream, verify, decrypt.
    const stored = JSON.parse(
      (await readStream(await store.getStream(companionKey(uploaded.key, 'keys')))).toString(
        'utf8',
      ),
    ) as KeyEnvelope[];
    const doctor = cards.doctor;
    const mine = stored.find((e) => e.recipientId === doctor.identity.enrollmentId)!;
    const doctorKey = await unwrapDataKey(
      mine,
      encryptionKeyOf(doctor.identity),
      cardEcdh(doctor.card),
    );
    const progress: number[] = [];
    const study = await decryptToMemory(
      await store.getStream(uploaded.key),
      doctorKey,
      { sha256: sealed.sha256, storagePointer },
      (p) => progress.push(p.storedBytesRead),
    );
    expect(study.length).toBe(STUDY_BYTES);
    expect(createHash('sha256').update(study).digest('hex')).toBe(expected);
    expect(progress.at(-1)).toBe(sealed.storedBytes);

    // The patient's card opens its own envelope to the same key.
    const patient = cards.patient;
    const patientEnvelope = stored.find((e) => e.recipientId === patient.identity.enrollmentId)!;
    expect(
      await unwrapDataKey(
        patientEnvelope,
        encryptionKeyOf(patient.identity),
        cardEcdh(patient.card),
      ),
    ).toEqual(doctorKey);

    // A caregiver the record was not shared with cannot open any envelope.
    const stranger = cards.stranger;
    for (const envelope of stored) {
      await expect(
        unwrapDataKey(envelope, encryptionKeyOf(stranger.identity), cardEcdh(stranger.card)),
      ).rejects.toThrow(/not shared with the key on this card/);
    }

    // Nothing decrypted reached the disk: no file written during the test holds the study.
    const needle = study.subarray(5 * 1024 * 1024, 5 * 1024 * 1024 + 64);
    const written = filesUnder(tmpdir(), started);
    expect(written.length).toBeGreaterThan(0); // MinIO's object files are among them
    for (const file of written) {
      if (statSync(file).size > 512 * 1024 * 1024) continue;
      expect(readFileSync(file).includes(needle), `${file} holds decrypted bytes`).toBe(false);
    }
    study.fill(0);
    doctorKey.fill(0);
  }, 180_000);

  it('refuses a stored record altered in storage, releasing nothing', async () => {
    const dataKey = randomBytes(32);
    const key = newObjectKey();
    const storagePointer = pointerUri(store.bucket, key);
    const encryptor = new EncryptStream(dataKey, { boundTo: storagePointer });
    const plaintext = randomBytes(3 * 1024 * 1024);
    await store.put(Readable.from([plaintext]).pipe(encryptor), { key });
    const sealed = encryptor.result();
    const bytes = await readStream(await store.getStream(key));
    bytes[bytes.length >> 1]! ^= 0x04;
    await store.delete(key);
    await store.put(bytes, { key });
    await expect(
      decryptToMemory(await store.getStream(key), dataKey, {
        sha256: sealed.sha256,
        storagePointer,
      }),
    ).rejects.toMatchObject({
      code: 'VAULT_ALTERED',
    });
  });
});

async function readStream(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}
