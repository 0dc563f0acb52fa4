// The checks that need the machine: does the file exist, is it a CA certificate, does
// the library load as PKCS#11. Each answer is one sentence a hospital's IT can act on.
// The renderer asks these questions, so they must not become a way to read or run what
// it names: a certificate is read only from a certificate file, and a PKCS#11 module is
// loaded only from the folders the module policy allows.
import { X509Certificate } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { checkSettingSyntax, type SettingKey } from '../../shared/settings';
import type { FieldCheck } from '../../shared/ipc/contract';
import { ChildTaskError, runChildTask, type ChildScript } from '../offload/child-task';
import type { Pkcs11ProbeInput, Pkcs11ProbeResult } from '../offload/pkcs11-info';
import { Pkcs11ModulePolicy } from './pkcs11-modules';

export interface SettingCheckDeps {
  /** The child-process script that probes PKCS#11 modules. */
  pkcs11Probe: ChildScript;
  /** Where PKCS#11 modules may be loaded from; default: this machine's policy. */
  pkcs11Modules?: Pkcs11ModulePolicy;
  now?: () => Date;
}

const CERTIFICATE_FILE = /\.(pem|crt|cer)$/i;

const PROBE_TIMEOUT_MS = 15_000;
const MAX_CERT_FILE_BYTES = 1024 * 1024;

async function checkReadableFile(path: string): Promise<string | null> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return `There is no file at ${path}.`;
  }
  if (info.isDirectory()) return `${path} is a folder, not a file.`;
  if (!info.isFile()) return `${path} is not a regular file.`;
  try {
    await access(path, constants.R_OK);
  } catch {
    return `${path} exists but this user may not read it.`;
  }
  return null;
}

async function checkTlsCaFile(path: string, now: Date): Promise<FieldCheck> {
  const info = await stat(path);
  if (info.size > MAX_CERT_FILE_BYTES) {
    return { valid: false, message: `${path} is too large to be a certificate file.` };
  }
  const text = await readFile(path, 'utf8');
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    return {
      valid: false,
      message: `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`,
    };
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(text);
  } catch (error) {
    return {
      valid: false,
      message: `${path} holds a certificate that cannot be read: ${(error as Error).message}.`,
    };
  }
  if (!cert.ca) {
    return {
      valid: false,
      message: `This is not a CA certificate (${cert.subject.replace(/\n/g, ', ')}). Choose the CA that signed the peer's TLS certificate.`,
    };
  }
  if (new Date(cert.validTo) < now) {
    return { valid: false, message: `This CA certificate expired on ${cert.validTo}.` };
  }
  if (new Date(cert.validFrom) > now) {
    return { valid: false, message: `This CA certificate is not valid before ${cert.validFrom}.` };
  }
  return {
    valid: true,
    detail: `CA ${cert.subject.replace(/\n/g, ', ')}, valid until ${cert.validTo}`,
  };
}

async function checkPkcs11Module(path: string, probe: ChildScript): Promise<FieldCheck> {
  try {
    const info = await runChildTask<Pkcs11ProbeInput, Pkcs11ProbeResult>(
      probe,
      { modulePath: path },
      PROBE_TIMEOUT_MS,
    );
    if (info.initialiseError) {
      return {
        valid: true,
        detail: `PKCS#11 library; it loads but does not start yet (${info.initialiseError}). Check its configuration.`,
      };
    }
    return {
      valid: true,
      detail: `${info.library} by ${info.manufacturer}, Cryptoki ${info.cryptokiVersion}`,
    };
  } catch (error) {
    if (error instanceof ChildTaskError && error.kind === 'failed') {
      return { valid: false, message: `${path} is ${error.message}.` };
    }
    const why = error instanceof Error ? error.message : String(error);
    return { valid: false, message: `Loading ${path} as a PKCS#11 library failed: ${why}` };
  }
}

export async function checkSetting(
  key: SettingKey,
  value: string,
  deps: SettingCheckDeps,
): Promise<FieldCheck> {
  const syntax = checkSettingSyntax(key, value);
  if (syntax) return { valid: false, message: syntax };
  if (value.length === 0) return { valid: true };
  if (key === 'peerTlsCaPath' || key === 'caTlsCaPath') {
    if (!CERTIFICATE_FILE.test(value)) {
      return {
        valid: false,
        message: 'Choose the certificate file itself: a .pem, .crt or .cer file.',
      };
    }
    const fileProblem = await checkReadableFile(value);
    if (fileProblem) return { valid: false, message: fileProblem };
    return checkTlsCaFile(value, deps.now?.() ?? new Date());
  }
  if (key === 'pkcs11ModulePath') {
    const fileProblem = await checkReadableFile(value);
    if (fileProblem) return { valid: false, message: fileProblem };
    const refusal = (deps.pkcs11Modules ?? Pkcs11ModulePolicy.fromMachine()).refusal(value);
    if (refusal) return { valid: false, message: refusal };
    return checkPkcs11Module(value, deps.pkcs11Probe);
  }
  return { valid: true };
}
