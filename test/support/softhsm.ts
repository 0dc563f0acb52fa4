// Per-test SoftHSM2 tokens: each test gets its own token folder and configuration, so
// tests never share a card and leave nothing behind.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CardClient } from '../../src/main/keystore/card-client';
import { CARD_SERVICE_FROM_SOURCE } from './child-scripts';
import { softhsmModulePath } from './fixtures';
import { tempDir } from './tmp';

export interface TestTokens {
  env: NodeJS.ProcessEnv;
  /** Creates (initialises) a token and returns its serial. */
  createToken(label: string, pin: string): string;
  deleteToken(serial: string): void;
  startClient(options?: { presencePollMs?: number; timeoutMs?: number }): Promise<CardClient>;
  cleanup(): void;
}

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
    createToken(label, pin) {
      util(['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '87654321']);
      const listing = util(['--show-slots']);
      const block = listing
        .split(/\nSlot /)
        .find((b) => new RegExp(`Label:\\s+${label}\\s`).test(b));
      const serial = block ? /Serial number:\s+(\S+)/.exec(block)?.[1] : undefined;
      if (!serial) throw new Error(`SoftHSM token ${label} not found after creating it`);
      return serial;
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
