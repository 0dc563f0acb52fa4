// Tests and tools run on the Node major of the Electron we ship (native modules, the AWS
// SDK and Node's own behaviour are the app's then): scripts/node-version follows Electron.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pinned = readFileSync('scripts/node-version', 'utf8').trim();
// Electron publishes its Node major as the @types/node it depends on.
const electronTypes = (
  JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies['@types/node']!;

describe('Node.js runtime', () => {
  it("pins the Node major of the shipped Electron's", () => {
    expect(pinned.split('.')[0]).toBe(/\d+/.exec(electronTypes)?.[0]);
  });

  it('runs these tests on it', () => {
    expect(process.versions.node.split('.')[0]).toBe(pinned.split('.')[0]);
  });
});
