// What hospital IT decides for this machine, outside the app: the renderer can reach the
// settings database, but not the environment or a root-owned policy folder. Read at start.
import { existsSync, readFileSync } from 'node:fs';
import { posix, win32 } from 'node:path';

/** Overrides the policy folder (e.g. for a test, or a site that keeps it elsewhere). */
export const POLICY_DIR_ENV = 'ACTION_EHR_POLICY_DIR';
/** Set to 1 to allow developer tools in a packaged staff workstation. */
export const DEVTOOLS_ENV = 'ACTION_EHR_DEVTOOLS';
/** A file of this name in the policy folder does the same. */
export const DEVTOOLS_POLICY_FILE = 'allow-devtools';

/** Minutes without use before the workstation signs out (1 to 60); default below. */
export const IDLE_LOGOFF_ENV = 'ACTION_EHR_IDLE_LOGOFF_MINUTES';
/** A file of this name in the policy folder, holding the minutes, does the same. */
export const IDLE_LOGOFF_POLICY_FILE = 'idle-logoff-minutes';
/** HIPAA §164.312(a)(2)(iii) automatic logoff: short at a kiosk, longer for staff. */
export const DEFAULT_IDLE_LOGOFF_MINUTES = { kiosk: 2, staff: 15 } as const;

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

/** Seconds without use before sign-out, from the policy or the default for the kind. */
export function idleLogoffSeconds(opts: {
  kiosk: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}): number {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  let text = env[IDLE_LOGOFF_ENV];
  if (text === undefined) {
    try {
      text = readFileSync(
        pathsOf(platform).join(policyDir(env, platform), IDLE_LOGOFF_POLICY_FILE),
        'utf8',
      );
    } catch {
      text = undefined;
    }
  }
  const minutes = Number(text?.trim());
  const chosen =
    text !== undefined && Number.isFinite(minutes) && minutes >= 1 && minutes <= 60
      ? minutes
      : DEFAULT_IDLE_LOGOFF_MINUTES[opts.kiosk ? 'kiosk' : 'staff'];
  return Math.round(chosen * 60);
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
