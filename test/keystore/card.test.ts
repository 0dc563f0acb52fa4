// The keystore against a real PKCS#11 token (SoftHSM2), through the card process.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, verify } from 'node:crypto';
import { buildCsr } from '../../src/main/keystore/csr';
import { publicKeyFromPoint } from '../../src/main/keystore/ec-point';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardClient } from '../../src/main/keystore/card-client';
import { isLowS } from '../../src/main/keystore/ecdsa-signature';
import { unwrapDataKey, wrapDataKey } from '../../src/main/vault/envelope';
import { softhsmTokens, type TestTokens } from '../support/softhsm';
import pkcs11js from 'pkcs11js';
import { softhsmModulePath } from '../support/fixtures';

const PIN = '246810';

const pointToKey = publicKeyFromPoint;

const cardDerive = (client: CardClient) => async (point: Buffer) =>
  Buffer.from(await client.call('deriveSharedSecret', { peerPoint: point }));

describe('smart card (SoftHSM2 through PKCS#11)', () => {
  let tokens: TestTokens;
  let client: CardClient;
  let serial: string;

  beforeEach(async () => {
    tokens = softhsmTokens();
    serial = await tokens.createToken('patient-card', PIN);
    client = await tokens.startClient({ presencePollMs: 100 });
  });
  afterEach(() => tokens.cleanup());

  it('lists the inserted card', async () => {
    const list = await client.call('listTokens', undefined);
    expect(list).toEqual([
      expect.objectContaining({ serial, label: 'patient-card', initialized: true }),
    ]);
  });

  it('says a wrong PIN is wrong, without repeating it', async () => {
    const attempt = client.call('signIn', { serial, pin: '999999' });
    await expect(attempt).rejects.toMatchObject({ code: 'CARD_WRONG_PIN' });
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^Wrong PIN\./);
    expect(error.message).not.toContain('999999');
    await expect(client.call('publicKeys', undefined)).rejects.toMatchObject({
      code: 'CARD_NOT_SIGNED_IN',
    });
  });

  it('says when the card is not in the reader', async () => {
    await expect(client.call('signIn', { serial: 'no-such-card', pin: PIN })).rejects.toMatchObject(
      {
        code: 'CARD_NOT_PRESENT',
      },
    );
  });

  it('says a blank card has no ACTION-EHR keys', async () => {
    await client.call('signIn', { serial, pin: PIN });
    await expect(client.call('publicKeys', undefined)).rejects.toMatchObject({
      code: 'CARD_NOT_PROVISIONED',
    });
  });

  describe('with keys generated on the card', () => {
    beforeEach(async () => {
      await client.call('signIn', { serial, pin: PIN });
      await client.call('generateKeys', undefined);
    });

    it('keeps private keys sensitive and never extractable', () => {
      const module = new pkcs11js.PKCS11();
      process.env.SOFTHSM2_CONF = tokens.env.SOFTHSM2_CONF;
      module.load(softhsmModulePath());
      module.C_Initialize();
      try {
        const slot = module
          .C_GetSlotList(true)
          .find((s) => module.C_GetTokenInfo(s).serialNumber.trim() === serial)!;
        const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
        module.C_Login(session, pkcs11js.CKU_USER, PIN);
        module.C_FindObjectsInit(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        ]);
        const keys = module.C_FindObjects(session, 10);
        module.C_FindObjectsFinal(session);
        expect(keys).toHaveLength(2);
        for (const key of keys) {
          const [sensitive, extractable] = module.C_GetAttributeValue(session, key, [
            { type: pkcs11js.CKA_SENSITIVE },
            { type: pkcs11js.CKA_EXTRACTABLE },
          ]);
          expect(sensitive?.value).toEqual(Buffer.from([1]));
          expect(extractable?.value).toEqual(Buffer.from([0]));
          expect(() =>
            module.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_VALUE }]),
          ).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
        }
      } finally {
        module.C_Finalize();
        module.close();
      }
    });

    it('refuses to generate a second set of keys', async () => {
      await expect(client.call('generateKeys', undefined)).rejects.toMatchObject({
        code: 'CARD_ALREADY_PROVISIONED',
      });
    });

    it('signs digests as Fabric expects: DER, low-S, verifiable with the public key', async () => {
      const { signing } = await client.call('publicKeys', undefined);
      for (let i = 0; i < 8; i++) {
        const message = randomBytes(100);
        const digest = createHash('sha256').update(message).digest();
        const signature = Buffer.from(await client.call('signDigest', { digest }));
        expect(signature[0]).toBe(0x30);
        expect(isLowS(signature)).toBe(true);
        expect(verify('sha256', message, pointToKey(signing), signature)).toBe(true);
      }
    });

    it('unwraps a data key wrapped for its encryption key', async () => {
      const { encryption } = await client.call('publicKeys', undefined);
      const publicKey = pointToKey(encryption);
      const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const dataKey = randomBytes(32);
      const envelope = wrapDataKey(dataKey, 'patient-1', pem);
      expect(await unwrapDataKey(envelope, publicKey, cardDerive(client))).toEqual(dataKey);
    });

    it('agrees on the same secret with another card in both directions', async () => {
      const otherSerial = await tokens.createToken('doctor-card', PIN);
      const other = await tokens.startClient();
      await other.call('signIn', { serial: otherSerial, pin: PIN });
      await other.call('generateKeys', undefined);
      const mine = await client.call('publicKeys', undefined);
      const theirs = await other.call('publicKeys', undefined);
      const ab = await client.call('deriveSharedSecret', { peerPoint: theirs.encryption });
      const ba = await other.call('deriveSharedSecret', { peerPoint: mine.encryption });
      expect(Buffer.from(ab)).toEqual(Buffer.from(ba));
      expect(ab.length).toBe(32);
    });

    it('refuses an envelope meant for another card', async () => {
      const otherSerial = await tokens.createToken('doctor-card', PIN);
      const other = await tokens.startClient();
      await other.call('signIn', { serial: otherSerial, pin: PIN });
      const otherKeys = await other.call('generateKeys', undefined);
      const doctorKey = pointToKey(otherKeys.encryption);
      const envelope = wrapDataKey(
        randomBytes(32),
        'doctor-1',
        doctorKey.export({ format: 'pem', type: 'spki' }).toString(),
      );
      const mine = pointToKey((await client.call('publicKeys', undefined)).encryption);
      await expect(unwrapDataKey(envelope, mine, cardDerive(client))).rejects.toThrow(
        /not shared with the key on this card/,
      );
      // Even forcing the wrong card's ECDH onto it cannot open it.
      await expect(unwrapDataKey(envelope, doctorKey, cardDerive(client))).rejects.toThrow(
        /could not be unwrapped/,
      );
    });

    it('reports the card pulled out: an event, and operations refused', async () => {
      const removed = new Promise<string>((resolve) => client.once('removed', resolve));
      tokens.deleteToken(serial);
      expect(await removed).toBe(serial);
      await expect(client.call('signDigest', { digest: randomBytes(32) })).rejects.toMatchObject({
        code: 'CARD_NOT_SIGNED_IN',
      });
    });

    it('reports a card pulled during an operation as removed, to the caller and as the event', async () => {
      const slow = await tokens.startClient({ presencePollMs: 60_000 });
      await slow.call('signIn', { serial, pin: PIN });
      // The watch would not look for a minute: the operation finds the card gone first, and
      // the session must still hear of it (it locks on the event, not on one failed call).
      let heard: string | null = null;
      slow.once('removed', (s: string) => (heard = s));
      tokens.deleteToken(serial);
      await expect(slow.call('signDigest', { digest: randomBytes(32) })).rejects.toMatchObject({
        code: 'CARD_REMOVED',
        message: 'The card was removed during signing.',
      });
      expect(heard).toBe(serial);
    });
  });
});

describe('certificate signing request', () => {
  let tokens: TestTokens;
  afterEach(() => tokens.cleanup());

  it('is signed on the card and verifies with openssl', async () => {
    tokens = softhsmTokens();
    const serial = await tokens.createToken('new-card', PIN);
    const client = await tokens.startClient();
    await client.call('signIn', { serial, pin: PIN });
    const keys = await client.call('generateKeys', undefined);
    const csr = await buildCsr('dr-house', Buffer.from(keys.signing), async (digest) =>
      Buffer.from(await client.call('signDigest', { digest })),
    );
    expect(csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const verifyCsr = (pem: string) =>
      spawnSync('openssl', ['req', '-verify', '-noout', '-text'], { input: pem, encoding: 'utf8' });
    const good = verifyCsr(csr);
    expect(good.stderr + good.stdout).toMatch(/verify OK/i);
    expect(good.stdout).toMatch(/CN\s*=\s*dr-house/);
    expect(good.stdout).toMatch(/ecdsa-with-SHA256/);
    expect(good.stdout).toMatch(/prime256v1|P-256/);
    const bad = verifyCsr(buildTamperedCsr(csr));
    expect(bad.stderr + bad.stdout).not.toMatch(/verify OK/i);
    expect(bad.stderr + bad.stdout).toMatch(/verify fail/i);
  });
});

/** Flips one byte inside the signed part of a CSR. */
function buildTamperedCsr(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const at = der.indexOf(Buffer.from('dr-house'));
  der[at] = 'x'.charCodeAt(0);
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
}
