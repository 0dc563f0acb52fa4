// Settings against the real machine: SQLite on disk, real certificate files made by
// openssl, and the real SoftHSM2 PKCS#11 module loaded in a child process.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../src/main/cache/database';
import { MIGRATIONS } from '../../src/main/cache/migrations';
import { EhrError } from '../../src/main/errors';
import { SettingsStore } from '../../src/main/settings/store';
import {
  PKCS11_MODULES_ENV,
  PKCS11_POLICY_FILE,
  POLICY_DIR_ENV,
  Pkcs11ModulePolicy,
} from '../../src/main/settings/pkcs11-modules';
import { CardSession } from '../../src/main/session/card-session';
import {
  DEVTOOLS_POLICY_FILE,
  IDLE_LOGOFF_POLICY_FILE,
  developerToolsAllowed,
  idleLogoffSeconds,
} from '../../src/main/settings/machine-policy';
import { CARD_SERVICE_FROM_SOURCE, PKCS11_PROBE_FROM_SOURCE } from '../support/child-scripts';
import { libraryThatLeavesAMark, makeCertificates, softhsmModulePath } from '../support/fixtures';
import { tempDir } from '../support/tmp';

describe('settings store', () => {
  let home: ReturnType<typeof tempDir>;
  let dbFile: string;
  let certs: ReturnType<typeof makeCertificates>;

  const open = (now?: () => Date, pkcs11Modules?: Pkcs11ModulePolicy) => {
    const db = openDatabase(dbFile);
    return {
      db,
      store: new SettingsStore(db, { pkcs11Probe: PKCS11_PROBE_FROM_SOURCE, now, pkcs11Modules }),
    };
  };
  /** This machine's module policy, plus the test's own folder as hospital IT would add it. */
  const allowingHome = () =>
    Pkcs11ModulePolicy.fromMachine({ ...process.env, [PKCS11_MODULES_ENV]: home.path });

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
      pacsUrl: 'ftp://pacs.hospital-a.example',
    });
    await expect(attempt).rejects.toBeInstanceOf(EhrError);
    await attempt.catch((error: EhrError) => {
      expect(error.code).toBe('INVALID_SETTING');
      expect(error.message).toBe('Nothing was saved: one setting needs correcting.');
      expect(error.fields).toEqual({
        pacsUrl: 'Only http:// or https:// URLs are supported (got ftp:).',
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
      [
        'folder',
        () => {
          mkdirSync(join(home.path, 'certs.pem'));
          return join(home.path, 'certs.pem');
        },
        /is a folder, not a file/,
      ],
      ['text file', () => certs.notPem, /a \.pem, \.crt or \.cer file/],
      ['leaf certificate', () => certs.leafPem, /This is not a CA certificate/],
    ])('refuses a %s', async (_name, path, message) => {
      const { db, store } = open();
      const result = await store.check('peerTlsCaPath', path());
      expect(result.valid).toBe(false);
      expect(!result.valid && result.message).toMatch(message);
      db.close();
    });

    it('reads nothing but a certificate file', async () => {
      const { db, store } = open();
      const notCert = join(home.path, 'secret.key');
      writeFileSync(notCert, '-----BEGIN CERTIFICATE-----\n');
      const result = await store.check('peerTlsCaPath', notCert);
      expect(!result.valid && result.message).toBe(
        'Choose the certificate file itself: a .pem, .crt or .cer file.',
      );
      // The same answer whether the file exists or not: the check is no file oracle.
      expect(await store.check('peerTlsCaPath', join(home.path, 'missing.key'))).toEqual(result);
      const pemText = join(home.path, 'not-a-cert.pem');
      writeFileSync(pemText, 'hello\n');
      expect(await store.check('peerTlsCaPath', pemText)).toMatchObject({ valid: false });
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
      const { db, store } = open(undefined, allowingHome());
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

    describe('only from the allowed folders', () => {
      const marker = () => join(home.path, 'constructor-ran');

      it('never loads a library outside them, so its code does not run', async () => {
        const library = libraryThatLeavesAMark(home.path, marker());
        const { db, store } = open();
        for (const path of [library, `/usr/lib/../..${library}`]) {
          const result = await store.check('pkcs11ModulePath', path);
          expect(!result.valid && result.message).toMatch(
            /is not in a folder smart-card libraries are loaded from \(.*\/usr\/lib.*\)\. Hospital IT can allow another folder in ACTION_EHR_PKCS11_MODULES/,
          );
        }
        await expect(store.save({ pkcs11ModulePath: library })).rejects.toMatchObject({
          code: 'INVALID_SETTING',
        });
        expect(store.read().pkcs11ModulePath).toBeNull();
        expect(existsSync(marker())).toBe(false);
        db.close();
      });

      it('loads from a folder hospital IT allows in the environment', async () => {
        const library = libraryThatLeavesAMark(home.path, marker());
        const { db, store } = open(undefined, allowingHome());
        const result = await store.check('pkcs11ModulePath', library);
        expect(!result.valid && result.message).toMatch(/is not a PKCS#11 library/);
        expect(existsSync(marker())).toBe(true);
        db.close();
      });

      it('loads from a folder named in the policy file', () => {
        const library = libraryThatLeavesAMark(home.path, marker());
        const policyDir = join(home.path, 'policy');
        mkdirSync(policyDir);
        writeFileSync(
          join(policyDir, PKCS11_POLICY_FILE),
          `# vendor module for the reception's readers\n\n${home.path}\n`,
        );
        const policy = Pkcs11ModulePolicy.fromMachine({
          ...process.env,
          [POLICY_DIR_ENV]: policyDir,
        });
        expect(policy.refusal(library)).toBeNull();
        expect(Pkcs11ModulePolicy.fromMachine(process.env).refusal(library)).not.toBeNull();
      });

      it('allows the platform folders OpenSC and SoftHSM2 install into', () => {
        expect(Pkcs11ModulePolicy.fromMachine({}).refusal(softhsmModulePath())).toBeNull();
        const win = Pkcs11ModulePolicy.fromMachine({ ProgramFiles: 'C:\\Program Files' }, 'win32');
        expect(win.allowed).toContain('C:\\Program Files');
      });

      it('signs in with no library outside them, even one the settings database names', async () => {
        const library = libraryThatLeavesAMark(home.path, marker());
        const session = new CardSession({
          modulePath: () => library,
          mspId: () => 'HospitalAMSP',
          cardScript: CARD_SERVICE_FROM_SOURCE,
          pkcs11Modules: Pkcs11ModulePolicy.fromMachine({}),
        });
        await expect(session.listCards()).rejects.toMatchObject({
          code: 'CARD_UNAVAILABLE',
          message: expect.stringMatching(/is not in a folder smart-card libraries are loaded from/),
        });
        expect(existsSync(marker())).toBe(false);
        await session.close();
      });
    });
  });
});

describe('machine policy', () => {
  it('signs out after 2 idle minutes on a kiosk, 15 for staff, or what hospital IT set', () => {
    const home = tempDir('policy');
    const env = { [POLICY_DIR_ENV]: home.path };
    expect(idleLogoffSeconds({ kiosk: true, env })).toBe(120);
    expect(idleLogoffSeconds({ kiosk: false, env })).toBe(900);
    writeFileSync(join(home.path, IDLE_LOGOFF_POLICY_FILE), '5\n');
    expect(idleLogoffSeconds({ kiosk: false, env })).toBe(300);
    expect(
      idleLogoffSeconds({ kiosk: true, env: { ...env, ACTION_EHR_IDLE_LOGOFF_MINUTES: '1' } }),
    ).toBe(60);
    // Out of range or not a number: the safe default, not "never".
    for (const bad of ['0', '600', 'never', '']) {
      expect(
        idleLogoffSeconds({ kiosk: true, env: { ...env, ACTION_EHR_IDLE_LOGOFF_MINUTES: bad } }),
      ).toBe(120);
    }
    home.cleanup();
  });

  it('allows developer tools in a packaged build only through the policy folder or env', () => {
    const home = tempDir('policy');
    const env = { [POLICY_DIR_ENV]: home.path };
    expect(developerToolsAllowed({ kiosk: false, packaged: false, env })).toBe(true);
    expect(developerToolsAllowed({ kiosk: false, packaged: true, env })).toBe(false);
    writeFileSync(join(home.path, DEVTOOLS_POLICY_FILE), '');
    expect(developerToolsAllowed({ kiosk: false, packaged: true, env })).toBe(true);
    expect(developerToolsAllowed({ kiosk: true, packaged: true, env })).toBe(false);
    expect(
      developerToolsAllowed({ kiosk: false, packaged: true, env: { ACTION_EHR_DEVTOOLS: '1' } }),
    ).toBe(true);
    home.cleanup();
  });
});
