// Real files for the settings checks: a CA and a leaf certificate made by openssl, and
// the machine's SoftHSM2 PKCS#11 module (Debian package softhsm2).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOFTHSM_MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
];

export function softhsmModulePath(): string {
  const found = SOFTHSM_MODULE_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'SoftHSM2 is not installed (apt-get install softhsm2); `npm run setup` installs it.',
    );
  }
  return found;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

/** Writes ca.pem (a CA certificate) and leaf.pem (not a CA) into dir. */
export function makeCertificates(dir: string): { caPem: string; leafPem: string; notPem: string } {
  const caKey = join(dir, 'ca.key');
  const caPem = join(dir, 'ca.pem');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey]);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    caKey,
    '-out',
    caPem,
    '-days',
    '3650',
    '-subj',
    '/O=HospitalA/CN=tlsca.hospital-a.example',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const leafKey = join(dir, 'leaf.key');
  const leafCsr = join(dir, 'leaf.csr');
  const leafPem = join(dir, 'leaf.pem');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', leafKey]);
  openssl([
    'req',
    '-new',
    '-key',
    leafKey,
    '-out',
    leafCsr,
    '-subj',
    '/O=HospitalA/CN=peer0.hospital-a.example',
  ]);
  const ext = join(dir, 'leaf.ext');
  writeFileSync(ext, 'basicConstraints=CA:FALSE\n');
  openssl([
    'x509',
    '-req',
    '-in',
    leafCsr,
    '-CA',
    caPem,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    leafPem,
    '-days',
    '365',
    '-extfile',
    ext,
  ]);
  const notPem = join(dir, 'notes.txt');
  writeFileSync(notPem, 'this is not a certificate\n');
  return { caPem, leafPem, notPem };
}

/**
 * Builds a shared library whose constructor writes `marker` when it is loaded: proof of
 * whether the workstation ran a library's native code (gcc is on every build machine).
 */
export function libraryThatLeavesAMark(dir: string, marker: string): string {
  const source = join(dir, 'mark.c');
  const library = join(dir, 'libmark.so');
  writeFileSync(
    source,
    `#include <stdio.h>\n__attribute__((constructor)) static void mark(void) {\n` +
      `  FILE *f = fopen(${JSON.stringify(marker)}, "w"); if (f) { fputs("loaded", f); fclose(f); }\n}\n`,
  );
  execFileSync('gcc', ['-shared', '-fPIC', '-o', library, source], { stdio: 'pipe' });
  return library;
}
