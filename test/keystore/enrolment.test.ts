// Card enrolment against a real fabric-ca-server: keys generated on the card, a CSR signed
// on the card, the certificate issued by the hospital CA written back, identity read back.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionCard, readCardIdentity } from '../../src/main/keystore/provision';
import { fabricCaBinaries, startFabricCa, type RunningFabricCa } from '../support/fabric-ca-server';
import { softhsmTokens, type TestTokens } from '../support/softhsm';

const PIN = '314159';
const binaries = fabricCaBinaries();
if (!binaries)
  console.log('Enrolment tests skipped: fabric-ca-server is not built (npm run devnet:build).');

describe.skipIf(!binaries)('enrolment at the hospital Fabric CA', () => {
  let ca: RunningFabricCa;
  let tokens: TestTokens;

  beforeAll(async () => {
    ca = await startFabricCa();
    tokens = softhsmTokens();
  });
  afterAll(() => {
    ca?.stop();
    tokens?.cleanup();
  });

  it('provisions a doctor card and reads the same identity back after a restart', async () => {
    ca.register('dr-lovelace', 'enrol-secret-1', {
      role: 'caregiver',
      department: 'Radiation Oncology',
    });
    const serial = await tokens.createToken('doctor', PIN);
    const card = await tokens.startClient();
    await card.call('signIn', { serial, pin: PIN });
    const identity = await provisionCard(card, {
      enrollmentId: 'dr-lovelace',
      secret: 'enrol-secret-1',
      ca: { url: ca.url, tlsCaPem: ca.tlsCaPem },
    });
    expect(identity.enrollmentId).toBe('dr-lovelace');
    expect(identity.attributes).toMatchObject({
      role: 'caregiver',
      department: 'Radiation Oncology',
    });
    expect(identity.issuer).toMatch(/ca\.hospital-a\.example/);
    expect(identity.encryptionPublicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const cert = new X509Certificate(identity.certificatePem);
    expect(identity.certificateFingerprint).toBe(
      cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    );
    await card.stop();

    const again = await tokens.startClient();
    await again.call('signIn', { serial, pin: PIN });
    expect(await readCardIdentity(again)).toEqual(identity);
  });

  it('refuses a wrong enrolment secret and keeps no certificate', async () => {
    ca.register('pat-2b7e', 'right-secret', { role: 'patient' });
    const serial = await tokens.createToken('patient', PIN);
    const card = await tokens.startClient();
    await card.call('signIn', { serial, pin: PIN });
    await expect(
      provisionCard(card, {
        enrollmentId: 'pat-2b7e',
        secret: 'wrong-secret',
        ca: { url: ca.url, tlsCaPem: ca.tlsCaPem },
      }),
    ).rejects.toThrow(/The hospital CA refused the enrolment: .*Authentication failure/);
    expect(await card.call('readCertificate', undefined)).toBeNull();
  });

  it('refuses a CA whose TLS certificate is not from the configured TLS CA', async () => {
    const serial = await tokens.createToken('untrusted', PIN);
    const card = await tokens.startClient();
    await card.call('signIn', { serial, pin: PIN });
    const other = await startFabricCa();
    try {
      await expect(
        provisionCard(card, {
          enrollmentId: 'x',
          secret: 'y',
          ca: { url: ca.url, tlsCaPem: other.tlsCaPem },
        }),
      ).rejects.toThrow(
        /is not trusted: its TLS certificate does not chain to the configured TLS CA/,
      );
    } finally {
      other.stop();
    }
  });

  it('says when the CA cannot be reached', async () => {
    const serial = await tokens.createToken('offline', PIN);
    const card = await tokens.startClient();
    await card.call('signIn', { serial, pin: PIN });
    await expect(
      provisionCard(card, {
        enrollmentId: 'x',
        secret: 'y',
        ca: { url: 'https://127.0.0.1:1', tlsCaPem: ca.tlsCaPem },
      }),
    ).rejects.toThrow(/cannot be reached/);
  });
});
