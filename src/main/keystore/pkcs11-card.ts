// The smart card through PKCS#11, synchronously, as the API is. Only the card process
// (card-service.child.ts) uses this: a real card takes 100 ms–1 s per call, and a vendor
// module may hang or crash, so none of it runs on the main process's event loop.
//
// Keys on an ACTION-EHR card (both generated on the card, private halves sensitive and
// never extractable):
//   CKA_ID 01 "ACTION-EHR signing"     ECDSA P-256: Fabric transaction signatures (CKM_ECDSA
//                                       over a SHA-256 digest computed by the host)
//   CKA_ID 02 "ACTION-EHR encryption"  ECDH P-256 (CKM_ECDH1_DERIVE): unwraps data keys
//   CKA_ID 01 X.509 certificate from the hospital's Fabric CA for the signing key
import pkcs11js from 'pkcs11js';
import { CardError } from './errors';
import { rawEcdsaToLowSDer } from './ecdsa-signature';

const P256_OID_DER = Buffer.from('06082a8648ce3d030107', 'hex');
export const SIGNING_KEY_ID = Buffer.from([1]);
export const ENCRYPTION_KEY_ID = Buffer.from([2]);
export const SIGNING_LABEL = 'ACTION-EHR signing';
export const ENCRYPTION_LABEL = 'ACTION-EHR encryption';
export const CERTIFICATE_LABEL = 'ACTION-EHR signing certificate';

const CKF_USER_PIN_COUNT_LOW = 0x10000;
const CKF_USER_PIN_FINAL_TRY = 0x20000;
const CKF_USER_PIN_LOCKED = 0x40000;
const CKF_TOKEN_INITIALIZED = 0x400;

export interface TokenSummary {
  serial: string;
  label: string;
  manufacturer: string;
  model: string;
  initialized: boolean;
}

export interface CardPublicKeys {
  /** Uncompressed P-256 points (65 bytes). */
  signing: Buffer;
  encryption: Buffer;
}

const trim = (text: string) => text.replace(/\0/g, '').trim();

function pkcs11Code(error: unknown): string {
  return error instanceof Error ? (error.message.split(/[\s:]/)[0] ?? '') : '';
}

/** CKA_EC_POINT is a DER OCTET STRING around the point on most modules; some give it bare. */
export function unwrapEcPoint(value: Buffer): Buffer {
  if (value.length === 65 && value[0] === 0x04) return value;
  if (value[0] === 0x04 && value[1] === 0x41 && value.length === 67) return value.subarray(2);
  throw new CardError(
    'CARD_OPERATION_FAILED',
    'The card returned a public key that is not a P-256 point.',
  );
}

export class Pkcs11Card {
  private readonly module = new pkcs11js.PKCS11();
  private slot: Buffer | null = null;
  private serial: string | null = null;
  private session: Buffer | null = null;

  constructor(modulePath: string) {
    try {
      this.module.load(modulePath);
      this.module.C_Initialize();
    } catch (error) {
      throw new CardError(
        'CARD_MODULE',
        `The smart-card library ${modulePath} could not be started: ${(error as Error).message}`,
      );
    }
  }

  listTokens(): TokenSummary[] {
    const tokens: TokenSummary[] = [];
    for (const slot of this.module.C_GetSlotList(true)) {
      try {
        const info = this.module.C_GetTokenInfo(slot);
        tokens.push({
          serial: trim(info.serialNumber),
          label: trim(info.label),
          manufacturer: trim(info.manufacturerID),
          model: trim(info.model),
          initialized: (info.flags & CKF_TOKEN_INITIALIZED) !== 0,
        });
      } catch {
        // A slot whose token vanished between the two calls: not a card to offer.
      }
    }
    return tokens.filter((t) => t.initialized);
  }

  private findSlot(serial: string): Buffer {
    for (const slot of this.module.C_GetSlotList(true)) {
      try {
        if (trim(this.module.C_GetTokenInfo(slot).serialNumber) === serial) return slot;
      } catch {
        continue;
      }
    }
    throw new CardError('CARD_NOT_PRESENT', 'The card is not in the reader.');
  }

  signIn(serial: string, pin: string): void {
    this.signOut();
    const slot = this.findSlot(serial);
    const session = this.module.C_OpenSession(
      slot,
      pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION,
    );
    try {
      this.module.C_Login(session, pkcs11js.CKU_USER, pin);
    } catch (error) {
      this.module.C_CloseSession(session);
      throw this.loginError(slot, error);
    }
    this.slot = slot;
    this.serial = serial;
    this.session = session;
  }

  private loginError(slot: Buffer, error: unknown): CardError {
    const code = pkcs11Code(error);
    if (code === 'CKR_PIN_LOCKED') {
      return new CardError(
        'CARD_PIN_LOCKED',
        'The card is locked after too many wrong PINs. Ask your hospital to unlock it.',
      );
    }
    if (
      code === 'CKR_PIN_INCORRECT' ||
      code === 'CKR_PIN_INVALID' ||
      code === 'CKR_PIN_LEN_RANGE'
    ) {
      let flags = 0;
      try {
        flags = this.module.C_GetTokenInfo(slot).flags;
      } catch {
        flags = 0;
      }
      if (flags & CKF_USER_PIN_LOCKED) {
        return new CardError(
          'CARD_PIN_LOCKED',
          'Wrong PIN. The card is now locked. Ask your hospital to unlock it.',
        );
      }
      if (flags & CKF_USER_PIN_FINAL_TRY) {
        return new CardError('CARD_WRONG_PIN', 'Wrong PIN. One try is left before the card locks.');
      }
      if (flags & CKF_USER_PIN_COUNT_LOW) {
        return new CardError(
          'CARD_WRONG_PIN',
          'Wrong PIN. Few tries are left before the card locks.',
        );
      }
      return new CardError('CARD_WRONG_PIN', 'Wrong PIN.');
    }
    return new CardError(
      'CARD_OPERATION_FAILED',
      `Sign-in failed on the card (${code || 'unknown error'}).`,
    );
  }

  signOut(): void {
    if (this.session) {
      try {
        this.module.C_Logout(this.session);
      } catch {
        // already gone (card removed)
      }
      try {
        this.module.C_CloseSession(this.session);
      } catch {
        // already gone
      }
    }
    this.session = null;
    this.slot = null;
    this.serial = null;
  }

  get signedInSerial(): string | null {
    return this.serial;
  }

  /** Is the signed-in card still in its reader? */
  present(): boolean {
    if (!this.slot || !this.serial) return false;
    try {
      return trim(this.module.C_GetTokenInfo(this.slot).serialNumber) === this.serial;
    } catch {
      return false;
    }
  }

  private requireSession(): Buffer {
    if (!this.session) throw new CardError('CARD_NOT_SIGNED_IN', 'Sign in with the card first.');
    return this.session;
  }

  /** Runs a card operation; a failure with the card gone is reported as its removal. */
  private onCard<T>(what: string, operation: (session: Buffer) => T): T {
    const session = this.requireSession();
    try {
      return operation(session);
    } catch (error) {
      // A vanished card shows up as odd errors (missing objects, invalid handles, general
      // errors): whatever the error, if the card is gone, say that.
      if (!this.present()) {
        this.signOut();
        throw new CardError('CARD_REMOVED', `The card was removed during ${what}.`);
      }
      if (error instanceof CardError) throw error;
      throw new CardError(
        'CARD_OPERATION_FAILED',
        `${what} failed on the card (${pkcs11Code(error) || (error as Error).message}).`,
      );
    }
  }

  private findObject(session: Buffer, template: pkcs11js.Template): Buffer | null {
    this.module.C_FindObjectsInit(session, template);
    try {
      return this.module.C_FindObjects(session) ?? null;
    } finally {
      this.module.C_FindObjectsFinal(session);
    }
  }

  private findKey(session: Buffer, keyClass: number, id: Buffer): Buffer | null {
    return this.findObject(session, [
      { type: pkcs11js.CKA_CLASS, value: keyClass },
      { type: pkcs11js.CKA_ID, value: id },
    ]);
  }

  private requireKey(session: Buffer, keyClass: number, id: Buffer): Buffer {
    const key = this.findKey(session, keyClass, id);
    if (!key)
      throw new CardError(
        'CARD_NOT_PROVISIONED',
        'This card holds no ACTION-EHR keys. Ask your hospital to enrol it.',
      );
    return key;
  }

  publicKeys(): CardPublicKeys {
    return this.onCard('reading the public keys', (session) => {
      const point = (id: Buffer) => {
        const key = this.requireKey(session, pkcs11js.CKO_PUBLIC_KEY, id);
        const [attribute] = this.module.C_GetAttributeValue(session, key, [
          { type: pkcs11js.CKA_EC_POINT },
        ]);
        return unwrapEcPoint(attribute?.value as Buffer);
      };
      return { signing: point(SIGNING_KEY_ID), encryption: point(ENCRYPTION_KEY_ID) };
    });
  }

  /** ECDSA P-256 over a SHA-256 digest; DER, low-S, as Fabric expects. */
  signDigest(digest: Buffer): Buffer {
    if (digest.length !== 32)
      throw new CardError('CARD_BAD_REQUEST', 'A signature is made over a 32-byte SHA-256 digest.');
    return this.onCard('signing', (session) => {
      const key = this.requireKey(session, pkcs11js.CKO_PRIVATE_KEY, SIGNING_KEY_ID);
      this.module.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key);
      return rawEcdsaToLowSDer(this.module.C_Sign(session, digest, Buffer.alloc(64)));
    });
  }

  /** ECDH with the card's encryption key: returns the shared secret Z for the host's KDF. */
  deriveSharedSecret(peerPoint: Buffer): Buffer {
    if (peerPoint.length !== 65 || peerPoint[0] !== 4) {
      throw new CardError('CARD_BAD_REQUEST', 'ECDH needs an uncompressed P-256 point.');
    }
    return this.onCard('unwrapping a key', (session) => {
      const key = this.requireKey(session, pkcs11js.CKO_PRIVATE_KEY, ENCRYPTION_KEY_ID);
      const secret = this.module.C_DeriveKey(
        session,
        {
          mechanism: pkcs11js.CKM_ECDH1_DERIVE,
          parameter: {
            type: pkcs11js.CK_PARAMS_EC_DH,
            kdf: pkcs11js.CKD_NULL,
            publicData: peerPoint,
          } as pkcs11js.ECDH1,
        },
        key,
        [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
          { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
          { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
          { type: pkcs11js.CKA_TOKEN, value: false },
          { type: pkcs11js.CKA_SENSITIVE, value: false },
          { type: pkcs11js.CKA_EXTRACTABLE, value: true },
        ],
      );
      try {
        const [value] = this.module.C_GetAttributeValue(session, secret, [
          { type: pkcs11js.CKA_VALUE },
        ]);
        return Buffer.from(value?.value as Buffer);
      } finally {
        this.module.C_DestroyObject(session, secret);
      }
    });
  }

  /** Generates both ACTION-EHR key pairs on the card; refuses if the card already has them. */
  generateKeys(): CardPublicKeys {
    this.onCard('checking for existing keys', (session) => {
      if (this.findKey(session, pkcs11js.CKO_PRIVATE_KEY, SIGNING_KEY_ID)) {
        throw new CardError('CARD_ALREADY_PROVISIONED', 'This card already holds ACTION-EHR keys.');
      }
    });
    this.onCard('generating keys', (session) => {
      const generate = (id: Buffer, label: string, usage: 'sign' | 'derive') =>
        this.module.C_GenerateKeyPair(
          session,
          { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
          [
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_PRIVATE, value: false },
            { type: pkcs11js.CKA_EC_PARAMS, value: P256_OID_DER },
            { type: pkcs11js.CKA_VERIFY, value: usage === 'sign' },
            { type: pkcs11js.CKA_DERIVE, value: usage === 'derive' },
            { type: pkcs11js.CKA_ID, value: id },
            { type: pkcs11js.CKA_LABEL, value: label },
          ],
          [
            { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_PRIVATE, value: true },
            { type: pkcs11js.CKA_SENSITIVE, value: true },
            { type: pkcs11js.CKA_EXTRACTABLE, value: false },
            { type: pkcs11js.CKA_SIGN, value: usage === 'sign' },
            { type: pkcs11js.CKA_DERIVE, value: usage === 'derive' },
            { type: pkcs11js.CKA_ID, value: id },
            { type: pkcs11js.CKA_LABEL, value: label },
          ],
        );
      generate(SIGNING_KEY_ID, SIGNING_LABEL, 'sign');
      generate(ENCRYPTION_KEY_ID, ENCRYPTION_LABEL, 'derive');
    });
    return this.publicKeys();
  }

  writeCertificate(der: Buffer, subjectDer: Buffer): void {
    this.onCard('writing the certificate', (session) => {
      const existing = this.findObject(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_ID, value: SIGNING_KEY_ID },
      ]);
      if (existing) this.module.C_DestroyObject(session, existing);
      this.module.C_CreateObject(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: false },
        { type: pkcs11js.CKA_ID, value: SIGNING_KEY_ID },
        { type: pkcs11js.CKA_LABEL, value: CERTIFICATE_LABEL },
        { type: pkcs11js.CKA_SUBJECT, value: subjectDer },
        { type: pkcs11js.CKA_VALUE, value: der },
      ]);
    });
  }

  readCertificate(): Buffer | null {
    return this.onCard('reading the certificate', (session) => {
      const cert = this.findObject(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_ID, value: SIGNING_KEY_ID },
      ]);
      if (!cert) return null;
      const [value] = this.module.C_GetAttributeValue(session, cert, [
        { type: pkcs11js.CKA_VALUE },
      ]);
      return Buffer.from(value?.value as Buffer);
    });
  }

  close(): void {
    this.signOut();
    try {
      this.module.C_Finalize();
      this.module.close();
    } catch {
      // nothing left to release
    }
  }
}
