// What hospital IT decides for this machine, outside the app: the renderer can reach the
// settings database, but not the environment or a root-owned policy folder. Read at start.
import { existsSync } from 'node:fs';
import { posix, win32 } from 'node:path';

/** Overrides the policy folder (e.g. for a test, or a site that keeps it elsewhere). */
export const POLICY_DIR_ENV = 'ACTION_EHR_POLICY_DIR';
/** Set to 1 to allow developer tools in a packaged staff workstation. */
export const DEVTOOLS_ENV = 'ACTION_EHR_DEVTOOLS';
/** A file of this name in the policy folder does the same. */
export const DEVTOOLS_POLICY_FILE = 'allow-devtools';

export const pathsOf = (platform: NodeJS.Platform) => (platform === 'win32' ? win32 : posix);

export function policyDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env[POLICY_DIR_ENV]) return env[POLICY_DIR_ENV];
  const { join } = pathsOf(platform);
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'ACTION-EHR');
  if (platform === 'darwin') return '/Library/Application Support/ACTION-EHR';
  return '/etc/action-ehr';
}

/**
 * Developer tools: never on a kiosk; in a packaged staff build only when hospital IT
 * allows them; always in a development run (not packaged).
 */
export function developerToolsAllowed(opts: {
  kiosk: boolean;
  packaged: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}): boolean {
  if (opts.kiosk) return false;
  if (!opts.packaged) return true;
  const env = opts.env ?? process.env;
  if (env[DEVTOOLS_ENV] === '1') return true;
  const platform = opts.platform ?? process.platform;
  return existsSync(pathsOf(platform).join(policyDir(env, platform), DEVTOOLS_POLICY_FILE));
}
