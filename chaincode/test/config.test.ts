import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BREAK_GLASS_MAX_HOURS_ENV,
  DEFAULT_BREAK_GLASS_MAX_HOURS,
  loadBreakGlassPolicy,
  loadClockPolicy,
  TX_TIME_TOLERANCE_ENV,
} from '../src/config';
import { readServerConfig } from '../src/server-config';

describe('break-glass policy from the environment', () => {
  it('defaults to 4 hours when unset or empty', () => {
    assert.equal(DEFAULT_BREAK_GLASS_MAX_HOURS, 4);
    assert.equal(loadBreakGlassPolicy({}).maxHours, 4);
    assert.equal(loadBreakGlassPolicy({ [BREAK_GLASS_MAX_HOURS_ENV]: '' }).maxHours, 4);
  });

  it('takes whole hours from 1 to 72', () => {
    assert.equal(loadBreakGlassPolicy({ [BREAK_GLASS_MAX_HOURS_ENV]: '1' }).maxHours, 1);
    assert.equal(loadBreakGlassPolicy({ [BREAK_GLASS_MAX_HOURS_ENV]: '72' }).maxHours, 72);
  });

  it('refuses to start with anything else', () => {
    for (const bad of ['0', '73', '4.5', '-1', 'four', ' 4', '04']) {
      assert.throws(
        () => loadBreakGlassPolicy({ [BREAK_GLASS_MAX_HOURS_ENV]: bad }),
        new RegExp(
          `^Error: ${BREAK_GLASS_MAX_HOURS_ENV} must be a whole number of hours from 1 to 72`,
        ),
        `accepted ${JSON.stringify(bad)}`,
      );
    }
  });
});

describe('transaction time tolerance from the environment', () => {
  it('defaults to 300 s and takes whole seconds from 10 to 3600', () => {
    assert.equal(loadClockPolicy({}).toleranceMillis, 300_000);
    assert.equal(loadClockPolicy({ [TX_TIME_TOLERANCE_ENV]: '' }).toleranceMillis, 300_000);
    assert.equal(loadClockPolicy({ [TX_TIME_TOLERANCE_ENV]: '10' }).toleranceMillis, 10_000);
    assert.equal(loadClockPolicy({ [TX_TIME_TOLERANCE_ENV]: '3600' }).toleranceMillis, 3_600_000);
  });

  it('refuses to start with anything else', () => {
    for (const bad of ['0', '9', '3601', '30.5', '-30', 'five minutes', '060']) {
      assert.throws(
        () => loadClockPolicy({ [TX_TIME_TOLERANCE_ENV]: bad }),
        /^Error: ACTION_EHR_TX_TIME_TOLERANCE_SECONDS must be a whole number of seconds from 10 to 3600/,
        `accepted ${JSON.stringify(bad)}`,
      );
    }
  });
});

describe('chaincode server settings', () => {
  const files: Record<string, Buffer> = {
    '/tls/cert.pem': Buffer.from('CERT'),
    '/tls/key.pem': Buffer.from('KEY'),
    '/tls/ca.pem': Buffer.from('CA'),
  };
  const readFile = (path: string): Buffer => {
    const content = files[path];
    if (!content) throw new Error(`ENOENT ${path}`);
    return content;
  };
  const base = {
    CHAINCODE_SERVER_ADDRESS: '127.0.0.1:9999',
    CHAINCODE_ID: 'action-ehr_1.0:abc123',
  };

  it('reads address and chaincode id, plaintext by default', () => {
    assert.deepEqual(readServerConfig(base, readFile), {
      address: '127.0.0.1:9999',
      ccid: 'action-ehr_1.0:abc123',
      tls: null,
    });
  });

  it('serves TLS, and mutual TLS with a client CA', () => {
    const tls = readServerConfig(
      { ...base, CHAINCODE_TLS_CERT: '/tls/cert.pem', CHAINCODE_TLS_KEY: '/tls/key.pem' },
      readFile,
    );
    assert.deepEqual(tls.tls, {
      cert: files['/tls/cert.pem'],
      key: files['/tls/key.pem'],
      clientCACerts: null,
    });
    const mutual = readServerConfig(
      {
        ...base,
        CHAINCODE_TLS_CERT: '/tls/cert.pem',
        CHAINCODE_TLS_KEY: '/tls/key.pem',
        CHAINCODE_CLIENT_CA_CERT: '/tls/ca.pem',
      },
      readFile,
    );
    assert.deepEqual(mutual.tls?.clientCACerts, files['/tls/ca.pem']);
  });

  it('refuses missing or inconsistent settings', () => {
    assert.throws(
      () => readServerConfig({ CHAINCODE_ID: 'x' }, readFile),
      /CHAINCODE_SERVER_ADDRESS must be set/,
    );
    assert.throws(
      () => readServerConfig({ CHAINCODE_SERVER_ADDRESS: '127.0.0.1:9999' }, readFile),
      /CHAINCODE_ID must be set/,
    );
    assert.throws(
      () => readServerConfig({ ...base, CHAINCODE_SERVER_ADDRESS: '9999' }, readFile),
      /must be host:port/,
    );
    assert.throws(
      () => readServerConfig({ ...base, CHAINCODE_TLS_CERT: '/tls/cert.pem' }, readFile),
      /must be set together/,
    );
    assert.throws(
      () => readServerConfig({ ...base, CHAINCODE_CLIENT_CA_CERT: '/tls/ca.pem' }, readFile),
      /needs CHAINCODE_TLS_CERT/,
    );
    assert.throws(
      () =>
        readServerConfig(
          { ...base, CHAINCODE_TLS_CERT: '/nope', CHAINCODE_TLS_KEY: '/tls/key.pem' },
          readFile,
        ),
      /ENOENT \/nope/,
    );
  });
});
