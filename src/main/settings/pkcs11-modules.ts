// Which PKCS#11 libraries this workstation may load. Loading a shared library runs its
// native constructors before anything can be checked, so a path from the renderer (or a
// settings row it wrote) is never loaded unless it lies in a folder the platform's card
// software installs into — folders only an administrator can write — or in one hospital
// IT named outside the app: the ACTION_EHR_PKCS11_MODULES environment variable, or the
// policy file pkcs11-modules.txt in the workstation's policy folder.
import { readFileSync, realpathSync } from 'node:fs';
import { pathsOf, policyDir } from './machine-policy';

export { POLICY_DIR_ENV } from './machine-policy';
export const PKCS11_MODULES_ENV = 'ACTION_EHR_PKCS11_MODULES';
export const PKCS11_POLICY_FILE = 'pkcs11-modules.txt';

/** Where OpenSC, SoftHSM2 and card vendors install their modules, per platform. */
function platformFolders(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  const { join } = pathsOf(platform);
  if (platform === 'win32') {
    const windows = env.SystemRoot ?? 'C:\\Windows';
    return [
      join(windows, 'System32'),
      env.ProgramFiles ?? 'C:\\Program Files',
      env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)',
    ];
  }
  if (platform === 'darwin') {
    return ['/Library/OpenSC/lib', '/usr/local/lib', '/opt/homebrew/lib', '/usr/lib'];
  }
  return ['/usr/lib', '/usr/lib64', '/lib', '/lib64', '/usr/local/lib', '/opt'];
}

/** The paths in the policy file: one per line; blank lines and # comments ignored. */
function policyFileEntries(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export class Pkcs11ModulePolicy {
  /** Folders (and single files) a module may be loaded from, symlinks resolved. */
  readonly allowed: readonly string[];
  private readonly sep: string;

  constructor(entries: readonly string[], platform: NodeJS.Platform = process.platform) {
    const paths = pathsOf(platform);
    this.sep = paths.sep;
    this.allowed = [...new Set(entries.filter((e) => paths.isAbsolute(e)).map(realOrSelf))];
  }

  /** The platform's folders plus what hospital IT configured outside the app. */
  static fromMachine(
    env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform,
  ): Pkcs11ModulePolicy {
    const paths = pathsOf(platform);
    const fromEnv = (env[PKCS11_MODULES_ENV] ?? '').split(paths.delimiter).filter(Boolean);
    return new Pkcs11ModulePolicy(
      [
        ...platformFolders(platform, env),
        ...fromEnv,
        ...policyFileEntries(paths.join(policyDir(env, platform), PKCS11_POLICY_FILE)),
      ],
      platform,
    );
  }

  /**
   * Null when `path` may be loaded; otherwise the sentence for hospital IT. The real path
   * is judged, so neither "..", nor a symlink, leads out of an allowed folder.
   */
  refusal(path: string): string | null {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return `There is no file at ${path}.`;
    }
    const inside = this.allowed.some(
      (entry) => real === entry || real.startsWith(entry + this.sep),
    );
    if (inside) return null;
    return (
      `${path} is not in a folder smart-card libraries are loaded from (${this.allowed.join(', ')}). ` +
      `Hospital IT can allow another folder in ${PKCS11_MODULES_ENV} or the ${PKCS11_POLICY_FILE} policy file.`
    );
  }
}
