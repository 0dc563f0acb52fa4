// Settings against the real machine: SQLite on disk, real certificate files made by
// openssl, and the real SoftHSM2 PKCS#11 module loaded in a child process.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../src/main/cache/database';
import { MIGRATIONS } from '../../src/main/cache/migrations';
import { EhrError } from '../../src/main/errors';
import { SettingsStore } from '../../src/main/settings/store';
import { PKCS11_PROBE_FROM_SOURCE } from '../support/child-scripts';
import { makeCertificates, softhsmModulePath } from '../support/fixtures';
import { tempDir } from '../support/tmp';

describe('settings store', () => {
  let home: ReturnType<typeof tempDir>;
  let dbFile: string;
  let certs: ReturnType<typeof makeCertificates>;

  const open = (now?: () => Date) => {
    const db = openDatabase(dbFile);
    return { db, store: new SettingsStore(db, { pkcs11Probe: PKCS11_PROBE_FROM_SOURCE, now }) };
  };

  beforeEach(() => {
    home = tempDir('settings');
    dbFile = join(home.path, 'workstation.sqlite');
    certs = makeCertificates(home.path);
  });
  afterEach(() => home.cleanup());

  it('opens the database in WAL mode at the newest schema version', () => {
    const { db } = open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    db.close();
  });

  it('refuses a database written by a newer workstation and leaves it alone', () => {
    const { db } = open();
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(dbFile)).toThrow(/schema version 99, newer than this version/);
    const again = openDatabase(dbFile, [...MIGRATIONS, { version: 99, description: 'x', sql: '' }]);
    expect(schemaVersion(again)).toBe(99);
    again.close();
  });

  it('saves valid settings and reads them back after reopening', async () => {
    const first = open();
    await first.store.save({
      peerEndpoint: '127.0.0.1:7051',
      peerTlsCaPath: certs.caPem,
      pkcs11ModulePath: softhsmModulePath(),
    });
    first.db.close();
    const second = open();
    const settings = second.store.read();
    expect(settings.peerEndpoint).toBe('127.0.0.1:7051');
    expect(settings.peerTlsCaPath).toBe(certs.caPem);
    expect(settings.pkcs11ModulePath).toBe(softhsmModulePath());
    expect(settings.mspId).toBeNull();
    second.db.close();
  });

  it('saves nothing when one of several values is invalid', async () => {
    const { db, store } = open();
    await store.save({ mspId: 'HospitalAMSP' });
    const attempt = store.save({
      mspId: 'HospitalBMSP',
      peerEndpoint: 'peer0:7051',
      storageBucket: 'Bad_Bucket',
    });
    await expect(attempt).rejects.toBeInstanceOf(EhrError);
    await attempt.catch((error: EhrError) => {
      expect(error.code).toBe('INVALID_SETTING');
      expect(error.message).toBe('Nothing was saved: one setting needs correcting.');
      expect(error.fields).toEqual({
        storageBucket: 'A bucket name uses lower-case letters only.',
      });
    });
    expect(store.read().mspId).toBe('HospitalAMSP');
    expect(store.read().peerEndpoint).toBeNull();
    db.close();
  });

  it('clears a setting saved as empty', async () => {
    const { db, store } = open();
    await store.save({ mspId: 'HospitalAMSP' });
    await store.save({ mspId: null });
    expect(store.read().mspId).toBeNull();
    db.close();
  });

  describe('TLS CA file', () => {
    it('accepts a CA certificate and says whose it is', async () => {
      const { db, store } = open();
      const result = await store.check('peerTlsCaPath', certs.caPem);
      expect(result).toMatchObject({ valid: true });
      expect(result.valid && result.detail).toMatch(/CN=tlsca\.hospital-a\.example/);
      db.close();
    });

    it.each([
      ['missing file', () => join(home.path, 'missing.pem'), /There is no file at/],
      ['folder', () => home.path, /is a folder, not a file/],
      ['text file', () => certs.notPem, /holds no PEM certificate/],
      ['leaf certificate', () => certs.leafPem, /This is not a CA certificate/],
    ])('refuses a %s', async (_name, path, message) => {
      const { db, store } = open();
      const result = await store.check('peerTlsCaPath', path());
      expect(result.valid).toBe(false);
      expect(!result.valid && result.message).toMatch(message);
      db.close();
    });

    it('refuses an expired CA', async () => {
      const { db, store } = open(() => new Date('2100-01-01T00:00:00Z'));
      const result = await store.check('peerTlsCaPath', certs.caPem);
      expect(!result.valid && result.message).toMatch(/This CA certificate expired on/);
      db.close();
    });

    it('refuses a corrupt PEM', async () => {
      const { db, store } = open();
      const corrupt = join(home.path, 'corrupt.pem');
      writeFileSync(corrupt, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      const result = await store.check('peerTlsCaPath', corrupt);
      expect(!result.valid && result.message).toMatch(/cannot be read/);
      db.close();
    });

    it('says when the file may not be read', async () => {
      if (process.getuid?.() === 0) return; // root reads everything; nothing to observe
      const { db, store } = open();
      chmodSync(certs.caPem, 0o000);
      const result = await store.check('peerTlsCaPath', certs.caPem);
      expect(!result.valid && result.message).toMatch(/may not read it/);
      db.close();
    });
  });

  describe('PKCS#11 module', () => {
    it('loads SoftHSM2 in a child process and names it', async () => {
      const { db, store } = open();
      const result = await store.check('pkcs11ModulePath', softhsmModulePath());
      expect(result.valid).toBe(true);
      expect(result.valid && result.detail).toMatch(/SoftHSM.*Cryptoki 2\.\d+/);
      db.close();
    });

    it('refuses a file that is not a shared library', async () => {
      const { db, store } = open();
      const result = await store.check('pkcs11ModulePath', certs.notPem);
      expect(!result.valid && result.message).toMatch(/is not a PKCS#11 library/);
      db.close();
    });

    it('refuses a shared library that is not PKCS#11', async () => {
      const { db, store } = open();
      const libz = [
        '/usr/lib/x86_64-linux-gnu/libz.so.1',
        '/lib/x86_64-linux-gnu/libz.so.1',
        '/usr/lib/aarch64-linux-gnu/libz.so.1',
      ].find((p) => existsSync(p));
      expect(libz, 'zlib is part of every Debian system').toBeDefined();
      if (!libz) return;
      const result = await store.check('pkcs11ModulePath', libz);
      expect(!result.valid && result.message).toMatch(
        /is not a PKCS#11 library.*C_GetFunctionList/,
      );
      db.close();
    });
  });
});
