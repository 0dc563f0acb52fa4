// Initialises a token: C_InitToken with the security officer's PIN (which wipes whatever
// the token held), then the user's PIN. The PINs arrive as data, never on a command line,
// where every user of the machine could read them (softhsm2-util and pkcs11-tool only take
// them there or from a terminal). Loads the module itself, so it runs in a child process
// of its own (init-token.child.ts), one token per run: a PKCS#11 module lists the free
// slots it had when it started.
import pkcs11js from 'pkcs11js';
import { CardError } from './errors';

export interface InitTokenRequest {
  modulePath: string;
  label: string;
  soPin: string;
  userPin: string;
}

export interface InitializedToken {
  serial: string;
  label: string;
}

const CKF_TOKEN_INITIALIZED = 0x400;
const trim = (text: string) => text.replace(/\0/g, '').trim();

export function initialiseToken(request: InitTokenRequest): InitializedToken {
  if (Buffer.byteLength(request.label, 'utf8') > 32) {
    throw new CardError('CARD_OPERATION_FAILED', 'A card label has at most 32 bytes.');
  }
  const pkcs11 = new pkcs11js.PKCS11();
  pkcs11.load(request.modulePath);
  pkcs11.C_Initialize();
  try {
    const free = pkcs11
      .C_GetSlotList(true)
      .find((slot) => (pkcs11.C_GetTokenInfo(slot).flags & CKF_TOKEN_INITIALIZED) === 0);
    if (!free) {
      throw new CardError('CARD_NOT_PRESENT', 'There is no blank card in the reader.');
    }
    pkcs11.C_InitToken(free, request.soPin, request.label.padEnd(32, ' '));
    // Some modules (SoftHSM2) move an initialised token to a new slot id: find it again.
    const slot =
      pkcs11.C_GetSlotList(true).find((s) => {
        const info = pkcs11.C_GetTokenInfo(s);
        return (info.flags & CKF_TOKEN_INITIALIZED) !== 0 && trim(info.label) === request.label;
      }) ?? free;
    const session = pkcs11.C_OpenSession(
      slot,
      pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION,
    );
    try {
      pkcs11.C_Login(session, pkcs11js.CKU_SO, request.soPin);
      pkcs11.C_InitPIN(session, request.userPin);
      pkcs11.C_Logout(session);
    } finally {
      pkcs11.C_CloseSession(session);
    }
    return { serial: trim(pkcs11.C_GetTokenInfo(slot).serialNumber), label: request.label };
  } finally {
    pkcs11.C_Finalize();
    pkcs11.close();
  }
}
