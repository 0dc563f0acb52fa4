// Asks a PKCS#11 module who it is. Loading a shared library runs its native
// initialisers, so this only ever runs in a child process (see pkcs11-probe.child.ts).
import pkcs11js from 'pkcs11js';

export interface Pkcs11ProbeInput {
  modulePath: string;
}

export interface Pkcs11ProbeResult {
  library: string;
  manufacturer: string;
  cryptokiVersion: string;
  /** Set when the module loaded but C_Initialize failed (e.g. missing configuration). */
  initialiseError?: string;
}

function trimPadded(text: string): string {
  return text.replace(/\0/g, '').trim();
}

export function probePkcs11Module({ modulePath }: Pkcs11ProbeInput): Pkcs11ProbeResult {
  const pkcs11 = new pkcs11js.PKCS11();
  try {
    pkcs11.load(modulePath);
  } catch (error) {
    const reason = (error as Error).message.replace(`${modulePath}: `, '').trim();
    throw new Error(`not a PKCS#11 library (${reason})`);
  }
  try {
    pkcs11.C_Initialize();
  } catch (error) {
    pkcs11.close();
    return {
      library: '',
      manufacturer: '',
      cryptokiVersion: '',
      initialiseError: (error as Error).message,
    };
  }
  try {
    const info = pkcs11.C_GetInfo();
    return {
      library: trimPadded(info.libraryDescription),
      manufacturer: trimPadded(info.manufacturerID),
      cryptokiVersion: `${info.cryptokiVersion.major}.${info.cryptokiVersion.minor}`,
    };
  } finally {
    pkcs11.C_Finalize();
    pkcs11.close();
  }
}
