// What a packaged build is made with: the fuses electron-builder flips in the binary.
// (That the app's helpers need no RunAsNode is proven in electron-entry.test.ts.)
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const config = load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

describe('packaged build', () => {
  it('ships an Electron major that is still supported (the latest three)', () => {
    const { version } = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as {
      version: string;
    };
    // Electron 45 is the newest major at the time of writing (2026-12).
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(43);
  });

  it('flips the fuses of the security checklist', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
