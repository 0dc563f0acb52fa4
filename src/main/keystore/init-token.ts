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
  /** Re-initialise (wipe) this initialised token; absent: the first blank one. */
  serial?: string;
}

export interface InitializedToken {
  serial: string;
  label: string;
}

/**
 * Why a token was not initialised, as data: the child-process boundary carries only a
 * message, and the administrator's screen must tell a wrong SO PIN from a missing card.
 */
export type InitTokenRefusal =
  'no-blank-card' | 'card-not-found' | 'wrong-so-pin' | 'so-pin-locked';

export type InitTokenOutcome = InitializedToken | { refused: InitTokenRefusal; detail: string };

const CKF_TOKEN_INITIALIZED = 0x400;
const trim = (text: string) => text.replace(/\0/g, '').trim();
const pkcs11Code = (error: unknown) =>
  error instanceof Error ? (error.message.split(/[\s:]/)[0] ?? '') : '';

/** Like initialiseToken, but a refusal the person can act on is answered, not thrown. */
export function initialiseTokenOutcome(request: InitTokenRequest): InitTokenOutcome {
  try {
    return initialiseToken(request);
  } catch (error) {
    if (error instanceof CardError && error.code === 'CARD_NOT_PRESENT') {
      return {
        refused: request.serial ? 'card-not-found' : 'no-blank-card',
        detail: error.message,
      };
    }
    const code = pkcs11Code(error);
    if (code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_INVALID' || code === 'CKR_PIN_LEN_RANGE')
      return { refused: 'wrong-so-pin', detail: code };
    if (code === 'CKR_PIN_LOCKED') return { refused: 'so-pin-locked', detail: code };
    throw error;
  }
}

export function initialiseToken(request: InitTokenRequest): InitializedToken {
  if (Buffer.byteLength(request.label, 'utf8') > 32) {
    throw new CardError('CARD_OPERATION_FAILED', 'A card label has at most 32 bytes.');
  }
  const pkcs11 = new pkcs11js.PKCS11();
  pkcs11.load(request.modulePath);
  pkcs11.C_Initialize();
  try {
    const slots = pkcs11.C_GetSlotList(true);
    const target = slots.find((slot) => {
      const info = pkcs11.C_GetTokenInfo(slot);
      const initialised = (info.flags & CKF_TOKEN_INITIALIZED) !== 0;
      return request.serial === undefined
        ? !initialised
        : initialised && trim(info.serialNumber) === request.serial;
    });
    if (!target) {
      throw new CardError(
        'CARD_NOT_PRESENT',
        request.serial === undefined
          ? 'There is no blank card in the reader.'
          : `Card ${request.serial} is not in the reader.`,
      );
    }
    // Re-initialising keeps the token's serial; a blank one gets its serial now.
    const before = new Set(
      slots
        .filter((s) => (pkcs11.C_GetTokenInfo(s).flags & CKF_TOKEN_INITIALIZED) !== 0)
        .map((s) => trim(pkcs11.C_GetTokenInfo(s).serialNumber)),
    );
    if (request.serial !== undefined) before.delete(request.serial);
    pkcs11.C_InitToken(target, request.soPin, request.label.padEnd(32, ' '));
    // Some modules (SoftHSM2) move an initialised token to a new slot id: find it again.
    const slot =
      pkcs11.C_GetSlotList(true).find((s) => {
        const info = pkcs11.C_GetTokenInfo(s);
        return (
          (info.flags & CKF_TOKEN_INITIALIZED) !== 0 &&
          trim(info.label) === request.label &&
          !before.has(trim(info.serialNumber))
        );
      }) ?? target;
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
