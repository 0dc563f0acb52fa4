// The record gateway on the real network with real cards and a real bucket: it hands out a
// presigned URL only when the caller's hospital peer says so — the patient for his own
// records, a caregiver after his committed disclosure — and refuses everything else with a
// JSON answer naming the rule: no disclosure, a revoked grant, a revoked user, a forged
// signature, an expired request, a replayed nonce.
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/server';
import { signPresignRequest, type RequestSigner } from '../../src/main/gateway-client/sign-request';
import { GatewayRefusedError, requestPresignedUrl } from '../../src/main/gateway-client/presign';
import { connectToPeer } from '../../src/main/ledger/connection';
import { EhrLedger } from '../../src/main/ledger/ehr-ledger';
import type { CardClient } from '../../src/main/keystore/card-client';
import { companionKey, newObjectKey } from '../../src/main/storage/keys';
import { GatewayObjectStore } from '../../src/main/storage/gateway-store';
import {
  GATEWAY_HEADERS,
  PRESIGN_PATH,
  type PresignAnswer,
  type PresignRequest,
  type GatewayRefusal,
} from '../../src/shared/gateway/protocol';
import type { RecordMetadata } from '../../src/shared/ledger';
import { ledgerSkipReason } from '../support/ledger-network';
import { freePort } from '../support/fabric-ca-server';
import {
  PEOPLE,
  PIN,
  startRecordWorld,
  type Person,
  type RecordWorld,
} from '../support/record-world';
import { startTestGateway } from '../support/record-gateway';
import { startFaultProxy } from '../storage/fault-proxy';
import { minioMissingReason } from '../storage/helpers';

const skip = ledgerSkipReason() ?? minioMissingReason();
if (skip) console.log(`Record gateway tests skipped: ${skip}.`);

describe.skipIf(Boolean(skip))('the record gateway of HospitalA', () => {
  let world: RecordWorld;
  let gateway: RunningGateway;
  let card: CardClient;
  let record: RecordMetadata;
  const stored = randomBytes(4096);

  /** Signs in `person`'s card for the duration of `fn`. */
  const asCard = async <T>(person: Person, fn: (signer: RequestSigner) => Promise<T>) => {
    await card.call('signIn', { serial: person.serial, pin: PIN });
    try {
      return await fn({
        certificatePem: person.identity.certificatePem,
        signDigest: async (digest) => Uint8Array.from(await card.call('signDigest', { digest })),
      });
    } finally {
      await card.call('signOut', undefined);
    }
  };
  /** The person's own ledger connection, signed by his card, to his hospital's peer. */
  const ledgerOf = <T>(person: Person, fn: (ledger: EhrLedger) => Promise<T>) =>
    asCard(person, async (signer) => {
      const profile = world.net.profile(PEOPLE[person.name].hospital);
      const connection = connectToPeer(
        {
          endpoint: profile.peer.endpoint,
          tlsCaPem: readFileSync(profile.peer.tlsCACertPath, 'utf8'),
        },
        {
          mspId: profile.mspId,
          certificatePem: signer.certificatePem,
          signDigest: signer.signDigest,
        },
      );
      try {
        return await fn(
          new EhrLedger(
            connection.gateway.getNetwork(profile.channel).getContract(profile.chaincode),
          ),
        );
      } finally {
        connection.close();
      }
    });

  const post = async (body: string, headers: Record<string, string>) => {
    const res = await fetch(`${gateway.url}${PRESIGN_PATH}`, { method: 'POST', body, headers });
    return { status: res.status, json: (await res.json()) as PresignAnswer & GatewayRefusal };
  };
  const ask = (person: Person, request: PresignRequest, now?: Date) =>
    asCard(person, async (signer) => {
      const signed = await signPresignRequest(request, signer, now);
      return post(signed.body, signed.headers);
    });
  const readOf = (key = objectKey()): PresignRequest => ({
    operation: 'read',
    patientId: world.people.patient.id,
    objectKey: key,
  });
  const objectKey = () => record.storagePointer.replace(/^s3:\/\/[^/]+\//, '');

  beforeAll(async () => {
    world = await startRecordWorld();
    gateway = await startTestGateway(world.net, world.s3, 0);
    card = await world.tokens.startClient({ timeoutMs: 60_000 });
    const { patient, oncologistB } = world.people;
    // The patient stores a record of his own and grants HospitalB's oncologist read on it.
    const key = newObjectKey();
    const envelopes = companionKey(key, 'keys');
    for (const [k, body] of [
      [key, stored],
      [envelopes, Buffer.from('[]')],
    ] as const) {
      await world.s3.raw.send(
        new PutObjectCommand({ Bucket: world.s3.bucket, Key: k, Body: body }),
      );
    }
    record = await ledgerOf(patient, async (ledger) => {
      const added = await ledger.addRecord({
        patientId: patient.id,
        category: 'dose',
        storagePointer: `s3://${world.s3.bucket}/${key}`,
        sha256: createHash('sha256').update(stored).digest('hex'),
        sizeBytes: stored.length,
        contentType: 'application/dicom',
        keyEnvelopeRef: `s3://${world.s3.bucket}/${envelopes}`,
      });
      await ledger.grant({
        patientId: patient.id,
        caregiverId: oncologistB.id,
        category: 'dose',
        validFrom: new Date(Date.now() - 60_000),
        validTo: new Date(Date.now() + 86_400_000),
        read: true,
        write: false,
      });
      return added.value;
    });
  }, 300_000);

  afterAll(async () => {
    await card?.stop();
    await gateway?.close();
    await world?.stop();
  });

  it('gives the patient a short-lived URL to his own record, which fetches its bytes', async () => {
    const { status, json } = await ask(world.people.patient, readOf());
    expect(status).toBe(200);
    expect(json.rule).toBe('patient-self');
    expect(json.method).toBe('GET');
    expect(Date.parse(json.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    const body = Buffer.from(await (await fetch(json.url)).arrayBuffer());
    expect(body.equals(stored)).toBe(true);
  });

  it('gives a caregiver the encrypted object with his grant, its key envelopes only once his disclosure is committed', async () => {
    const { oncologistB, patient } = world.people;
    const envelopes = () => readOf(companionKey(objectKey(), 'keys'));
    // The bytes alone are noise: they may download while the disclosure commits.
    const early = await ask(oncologistB, readOf());
    expect(early.status).toBe(200);
    expect(early.json.rule).toBe('caregiver-read-basis');
    expect(Buffer.from(await (await fetch(early.json.url)).arrayBuffer()).equals(stored)).toBe(
      true,
    );
    // Their key is not given before the ledger has the disclosure.
    const before = await ask(oncologistB, envelopes());
    expect(before.status).toBe(403);
    expect(before.json.error.rule).toBe('download-disclosure');
    expect(before.json.url).toBeUndefined();
    // What the workstation's client makes of it: a coded error with a sentence.
    const refused = await asCard(oncologistB, (signer) =>
      requestPresignedUrl(gateway.url, envelopes(), signer).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(refused).toBeInstanceOf(GatewayRefusedError);
    expect(refused).toMatchObject({ code: 'LEDGER_REFUSED', rule: 'download-disclosure' });
    expect((refused as Error).message).toMatch(/download of this record is not recorded/);

    await ledgerOf(oncologistB, (ledger) => ledger.recordDownload(patient.id, record.recordId));
    const after = await ask(oncologistB, envelopes());
    expect(after.status).toBe(200);
    expect(after.json.rule).toBe('caregiver-disclosure');
    expect(await (await fetch(after.json.url)).text()).toBe('[]');
  });

  it('refuses a caregiver with no write grant, and lets the patient store a new object', async () => {
    const { oncologistB, patient } = world.people;
    const write = (): PresignRequest => ({
      operation: 'write',
      patientId: patient.id,
      objectKey: newObjectKey(),
      category: 'dose',
    });
    const refused = await ask(oncologistB, write());
    expect(refused.status).toBe(403);
    expect(refused.json.error.rule).toBe('caregiver-write-grant');

    // With a write grant, a caregiver stores new objects but never over an existing one.
    await ledgerOf(patient, (ledger) =>
      ledger.grant({
        patientId: patient.id,
        caregiverId: world.people.oncologistA.id,
        category: 'dose',
        validFrom: new Date(Date.now() - 60_000),
        validTo: new Date(Date.now() + 86_400_000),
        read: false,
        write: true,
      }),
    );
    const fresh = write();
    expect((await ask(world.people.oncologistA, fresh)).json.rule).toBe('caregiver-write-grant');
    const inFlight = newObjectKey();
    await world.s3.raw.send(
      new PutObjectCommand({ Bucket: world.s3.bucket, Key: inFlight, Body: 'x' }),
    );
    const over = await ask(world.people.oncologistA, { ...write(), objectKey: inFlight });
    expect([over.status, over.json.error.rule]).toEqual([409, 'object-exists']);

    const request = write();
    const allowed = await ask(patient, request);
    expect(allowed.status).toBe(200);
    expect((await fetch(allowed.json.url, { method: 'PUT', body: 'new' })).status).toBe(200);
    const got = await world.s3.raw.send(
      new GetObjectCommand({ Bucket: world.s3.bucket, Key: request.objectKey }),
    );
    expect(await got.Body!.transformToString()).toBe('new');
  });

  it('refuses a forged signature, an expired request and a replayed one', async () => {
    const { patient, oncologistA } = world.people;
    // Signed by another card but sent with the patient's certificate.
    const forged = await asCard(oncologistA, (signer) =>
      signPresignRequest(readOf(), { ...signer, certificatePem: patient.identity.certificatePem }),
    );
    const f = await post(forged.body, forged.headers);
    expect([f.status, f.json.error.rule]).toEqual([401, 'request-signature']);

    // A body changed after signing.
    const signed = await asCard(patient, (signer) => signPresignRequest(readOf(), signer));
    const tampered = await post(signed.body.replace('"read"', '"delete"'), signed.headers);
    expect([tampered.status, tampered.json.error.rule]).toEqual([401, 'request-signature']);

    const old = await ask(patient, readOf(), new Date(Date.now() - 5 * 60_000));
    expect([old.status, old.json.error.rule]).toEqual([401, 'request-expired']);

    expect((await post(signed.body, signed.headers)).status).toBe(200);
    const replay = await post(signed.body, signed.headers);
    expect([replay.status, replay.json.error.rule]).toEqual([401, 'request-replayed']);

    const bare = await post(signed.body, { 'content-type': 'application/json' });
    expect(bare.json.error.rule).toBe('request-signature');
    const noCert = { ...signed.headers, [GATEWAY_HEADERS.certificate]: 'bm90IGEgY2VydA==' };
    expect((await post(signed.body, noCert)).json.error.rule).toBe('certificate-untrusted');
  });

  it('says so when the gateway does not answer, and nothing is fetched', async () => {
    const gone = await asCard(world.people.patient, (signer) =>
      requestPresignedUrl('http://127.0.0.1:9', readOf(), signer).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(gone).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((gone as Error).message).toMatch(
      /record gateway at http:\/\/127\.0\.0\.1:9 does not answer/,
    );
  });

  it('runs as its own process from the devnet profiles, with its service identity', async () => {
    const port = await freePort();
    const profiles = join(world.net.cfg.stateDir, 'profiles');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/gateway/main.ts',
        '--profile',
        join(profiles, 'hospitala.json'),
        '--trust',
        join(profiles, 'hospitalb.json'),
        '--bucket',
        world.s3.bucket,
        '--s3-endpoint',
        world.s3.settings.endpoint,
        '--port',
        String(port),
        '--owner-pid',
        String(process.pid),
        '--lifetime-ms',
        '120000',
      ],
      {
        env: {
          ...process.env,
          EHR_GATEWAY_S3_ACCESS_KEY_ID: world.s3.settings.accessKeyId,
          EHR_GATEWAY_S3_SECRET_ACCESS_KEY: world.s3.settings.secretAccessKey,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('listening at')) resolve();
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (code) => reject(new Error(`gateway exited with ${code}: ${output}`)));
      });
      const answer = await asCard(world.people.patient, (signer) =>
        requestPresignedUrl(`http://127.0.0.1:${port}`, readOf(), signer),
      );
      expect(answer.rule).toBe('patient-self');
      expect(Buffer.from(await (await fetch(answer.url)).arrayBuffer()).equals(stored)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('stores, streams back and deletes objects with no bucket credentials on the workstation', async () => {
    const { patient, emergencyB } = world.people;
    const key = newObjectKey();
    const pieces = [randomBytes(300_000), randomBytes(5), randomBytes(700_001)];
    const scope = { patientId: patient.id, category: 'dose' };
    const back = await asCard(patient, async (signer) => {
      const store = new GatewayObjectStore({
        gatewayUrl: gateway.url,
        bucket: world.s3.bucket,
        signer,
      });
      await store.put(
        key,
        {
          stream: (async function* () {
            yield* pieces;
          })(),
          size: pieces.reduce((n, p) => n + p.length, 0),
        },
        scope,
      );
      const up = await world.s3.raw.send(
        new GetObjectCommand({ Bucket: world.s3.bucket, Key: key }),
      );
      expect(Buffer.from(await up.Body!.transformToByteArray()).equals(Buffer.concat(pieces))).toBe(
        true,
      );
      // A new object is no record yet, so reading it back goes by the record it joins: here
      // the patient reads his record and deletes the new object again.
      const download = await store.get(objectKey(), scope);
      const parts: Buffer[] = [];
      for await (const part of download.body) parts.push(part as Buffer);
      await store.delete(key, scope);
      return Buffer.concat(parts);
    });
    expect(back.equals(stored)).toBe(true);
    await expect(
      world.s3.raw.send(new GetObjectCommand({ Bucket: world.s3.bucket, Key: key })),
    ).rejects.toThrow();

    const refused = await asCard(emergencyB, (signer) =>
      new GatewayObjectStore({ gatewayUrl: gateway.url, bucket: world.s3.bucket, signer })
        .get(objectKey(), scope)
        .then(
          () => null,
          (e: unknown) => e,
        ),
    );
    expect(refused).toMatchObject({ code: 'LEDGER_REFUSED', rule: 'caregiver-read-grant' });
  });

  it('resumes a download the network cut, from the byte it stopped at, and refuses a changed object', async () => {
    const { patient } = world.people;
    const big = randomBytes(1_500_000);
    const key = newObjectKey();
    const envelopes = companionKey(key, 'keys');
    for (const [k, body] of [
      [key, big],
      [envelopes, Buffer.from('[]')],
    ] as const) {
      await world.s3.raw.send(
        new PutObjectCommand({ Bucket: world.s3.bucket, Key: k, Body: body }),
      );
    }
    await ledgerOf(patient, (ledger) =>
      ledger.addRecord({
        patientId: patient.id,
        category: 'imaging',
        storagePointer: `s3://${world.s3.bucket}/${key}`,
        sha256: createHash('sha256').update(big).digest('hex'),
        sizeBytes: big.length,
        contentType: 'application/dicom',
        keyEnvelopeRef: `s3://${world.s3.bucket}/${envelopes}`,
      }),
    );
    // The first GET of the object is cut after 200 kB, as a flaky hospital uplink would.
    let changeBeforeResume = false;
    const proxy = await startFaultProxy(world.s3.settings.endpoint, async (req) => {
      const isObject = req.method === 'GET' && req.url?.includes(key) && !req.url.includes('.keys');
      if (!isObject) return { kind: 'pass' };
      if (req.headers.range && changeBeforeResume) {
        await world.s3.raw.send(
          new PutObjectCommand({ Bucket: world.s3.bucket, Key: key, Body: randomBytes(10) }),
        );
      }
      return req.headers.range ? { kind: 'pass' } : { kind: 'cut', afterBytes: 200_000 };
    });
    const flaky = await startTestGateway(world.net, world.s3, 0, { s3Endpoint: proxy.endpoint });
    try {
      const read = () =>
        asCard(patient, async (signer) => {
          const store = new GatewayObjectStore({
            gatewayUrl: flaky.url,
            bucket: world.s3.bucket,
            signer,
          });
          const download = await store.get(key, { patientId: patient.id });
          const parts: Buffer[] = [];
          for await (const part of download.body) parts.push(part as Buffer);
          return Buffer.concat(parts);
        });
      expect((await read()).equals(big)).toBe(true);
      const gets = proxy.seen.filter((r) => r.method === 'GET' && r.path.includes(key));
      expect(gets.map((r) => [r.fault, r.range])).toEqual([
        ['cut', undefined],
        ['pass', expect.stringMatching(/^bytes=\d+-$/)],
      ]);
      expect(Number(/bytes=(\d+)-/.exec(gets[1]!.range!)![1])).toBeGreaterThan(0);

      // The object changes between the cut and the resume: the stream fails, nothing spliced.
      changeBeforeResume = true;
      await expect(read()).rejects.toMatchObject({ code: 'CHANGED' });
    } finally {
      await flaky.close();
      await proxy.close();
    }
  });

  it('refuses once the patient revoked the grant, and a user his hospital revoked', async () => {
    const { oncologistB, patient, emergencyB } = world.people;
    await ledgerOf(patient, (ledger) => ledger.revoke(patient.id, oncologistB.id, 'dose'));
    const revokedGrant = await ask(oncologistB, readOf());
    expect([revokedGrant.status, revokedGrant.json.error.rule]).toEqual([
      403,
      'caregiver-read-grant',
    ]);

    const admin = world.net.connect(1, world.net.appadmin(1)).ledger;
    await admin.revokeUser(emergencyB.id);
    const revokedUser = await ask(emergencyB, readOf());
    expect([revokedUser.status, revokedUser.json.error.rule]).toEqual([403, 'revoked-user']);
    expect(revokedUser.json.error.message).toMatch(/revoked by his hospital/);
  });
});
