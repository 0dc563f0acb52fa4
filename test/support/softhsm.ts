// Per-test SoftHSM2 tokens: each test gets its own token folder and configuration, so
// tests never share a card and leave nothing behind.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CardClient } from '../../src/main/keystore/card-client';
import { initTokenOrThrow } from '../../src/main/keystore/init-token-run';
import { CARD_SERVICE_FROM_SOURCE, INIT_TOKEN_FROM_SOURCE } from './child-scripts';
import { softhsmModulePath } from './fixtures';
import { tempDir } from './tmp';

export interface TestTokens {
  env: NodeJS.ProcessEnv;
  /** Creates (initialises) a token and returns its serial; the PINs go on no command line. */
  createToken(label: string, pin: string): Promise<string>;
  deleteToken(serial: string): void;
  startClient(options?: { presencePollMs?: number; timeoutMs?: number }): Promise<CardClient>;
  cleanup(): void;
}

/** The security officer PIN of every test token. */
export const SO_PIN = '87654321';

export function softhsmTokens(): TestTokens {
  const home = tempDir('softhsm');
  const tokenDir = join(home.path, 'tokens');
  execFileSync('mkdir', ['-p', tokenDir]);
  const conf = join(home.path, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const util = (args: string[]) => execFileSync('softhsm2-util', args, { env, encoding: 'utf8' });
  const clients: CardClient[] = [];
  return {
    env,
    async createToken(label, pin) {
      const token = await initTokenOrThrow(
        INIT_TOKEN_FROM_SOURCE,
        { modulePath: softhsmModulePath(), label, soPin: SO_PIN, userPin: pin },
        env,
      );
      return token.serial;
    },
    deleteToken(serial) {
      util(['--delete-token', '--serial', serial]);
    },
    async startClient(options = {}) {
      const client = await CardClient.start({
        modulePath: softhsmModulePath(),
        script: CARD_SERVICE_FROM_SOURCE,
        env,
        ...options,
      });
      clients.push(client);
      return client;
    },
    cleanup() {
      for (const client of clients) void client.stop();
      home.cleanup();
    },
  };
}
