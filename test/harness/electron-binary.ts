// Finds the Electron binary that the npm package would have downloaded. On machines where
// that download cannot happen (our CI), says why instead.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './browser-shell';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

export function findElectronBinary(): ElectronBinary {
  const pkg = join(REPO_ROOT, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      found: false,
      reason:
        'no Electron binary on this machine (its download is not reachable here; run `EHR_WITH_ELECTRON=1 npm run setup` where it is)',
    };
  }
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { found: false, reason: `Electron binary missing at ${binary}` };
  return { found: true, path: binary };
}
