// The record gateway's request checks without a network: real certificates made by openssl
// (a hospital CA, a card certificate it issued, and a CA outside the channel), real ECDSA
// signatures over the canonical request. The ledger's part is tested in
// test/integration/record-gateway.test.ts.
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signers } from '@hyperledger/fabric-gateway';
import { afterAll, describe, expect, it } from 'vitest';
import { NonceCache } from '../../src/gateway/nonce-cache';
import { GatewayRefused } from '../../src/gateway/refusal';
import { verifyPresignRequest } from '../../src/gateway/verify-request';
import { signPresignRequest } from '../../src/main/gateway-client/sign-request';
import { PRESIGN_PATH, type PresignRequest } from '../../src/shared/gateway/protocol';
import { tempDir } from '../support/tmp';

const dir = tempDir('gateway-verify');
const openssl = (...args: string[]) =>
  execFileSync('openssl', args, { cwd: dir.path, stdio: 'pipe' });

function makeCa(name: string): string {
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}.key`,
    '-subj',
    `/CN=${name}`,
    '-days',
    '30',
    '-out',
    `${name}.pem`,
  );
  return readFileSync(join(dir.path, `${name}.pem`), 'utf8');
}

function issueCard(ca: string, name: string) {
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
  openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
  writeFileSync(join(dir.path, `${name}.ext`), 'basicConstraints=CA:FALSE\n');
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-set_serial',
    '7',
    '-days',
    '10',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
  return {
    certificatePem: readFileSync(join(dir.path, `${name}.pem`), 'utf8'),
    signDigest: signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(join(dir.path, `${name}.key`))),
    ),
  };
}

const hospitalCa = makeCa('hospital-ca');
makeCa('rogue-ca');
const card = issueCard('hospital-ca', 'card');
const rogueCard = issueCard('rogue-ca', 'rogue-card');
const roots = [{ mspId: 'HospitalAMSP', certificatePem: hospitalCa }];
const request: PresignRequest = {
  operation: 'read',
  patientId: 'pat-0123456789abcdef0123456789abcdef',
  objectKey: 'records/0123456789abcdef0123456789abcdef',
};

afterAll(() => dir.cleanup());

function refusal(fn: () => unknown): GatewayRefused {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayRefused) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const check = (
  signed: { body: string; headers: Record<string, string> },
  nonces = new NonceCache(),
  now?: Date,
) =>
  verifyPresignRequest(
    { method: 'POST', path: PRESIGN_PATH, headers: signed.headers, body: signed.body },
    roots,
    nonces,
    now,
  );

describe('the gateway checks a signed request', () => {
  it('accepts a request signed by a card of a channel CA and names that hospital', async () => {
    const verified = check(await signPresignRequest(request, card));
    expect(verified.issuerMspId).toBe('HospitalAMSP');
    expect(verified.request).toEqual(request);
  });

  it('refuses the same request twice (replay), but not two requests', async () => {
    const nonces = new NonceCache();
    const signed = await signPresignRequest(request, card);
    check(signed, nonces);
    expect(refusal(() => check(signed, nonces)).rule).toBe('request-replayed');
    check(await signPresignRequest(request, card), nonces);
  });

  it('refuses a request signed outside the window, either way', async () => {
    const old = await signPresignRequest(request, card, new Date(Date.now() - 61_000));
    expect(refusal(() => check(old)).rule).toBe('request-expired');
    const ahead = await signPresignRequest(request, card, new Date(Date.now() + 61_000));
    expect(refusal(() => check(ahead))).toMatchObject({ status: 401, rule: 'request-expired' });
  });

  it('refuses a changed body, a signature by another key, and a CA outside the channel', async () => {
    const signed = await signPresignRequest(request, card);
    const changed = { ...signed, body: signed.body.replace('"read"', '"write"') };
    expect(refusal(() => check(changed)).rule).toBe('request-signature');
    const forged = await signPresignRequest(request, {
      ...rogueCard,
      certificatePem: card.certificatePem,
    });
    expect(refusal(() => check(forged)).rule).toBe('request-signature');
    const outsider = await signPresignRequest(request, rogueCard);
    expect(refusal(() => check(outsider)).rule).toBe('certificate-untrusted');
  });

  it('refuses missing headers, and a well-signed request that asks for nothing sensible', async () => {
    const signed = await signPresignRequest(request, card);
    expect(refusal(() => check({ body: signed.body, headers: {} })).rule).toBe('request-signature');
    const noCategory = await signPresignRequest({ ...request, operation: 'write' }, card);
    expect(refusal(() => check(noCategory))).toMatchObject({
      status: 400,
      rule: 'malformed-request',
    });
  });
});

describe('the nonce cache', () => {
  it('forgets a nonce once its window has passed', () => {
    const nonces = new NonceCache();
    expect(nonces.claim('a', 1000, 0)).toBe(true);
    expect(nonces.claim('a', 1000, 500)).toBe(false);
    expect(nonces.claim('b', 5000, 2000)).toBe(true);
    expect(nonces.size).toBe(1);
  });
});
