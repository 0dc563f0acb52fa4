// What is in the card readers, for the administrator's enrolment screen: blank cards and
// initialised ones, and for those whether they already hold ACTION-EHR keys and for whom
// the certificate on them was issued. Reads only public objects (no PIN, no login), in a
// child process of its own (card-slots.child.ts) so a fresh module sees every card now
// inserted.
import { createHash, X509Certificate } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { CERTIFICATE_LABEL, SIGNING_KEY_ID } from './pkcs11-card';

export interface CardSlot {
  /** Token serial; '' for a blank (uninitialised) card. */
  serial: string;
  label: string;
  blank: boolean;
  /** Holds ACTION-EHR keys (a public signing key or its certificate). */
  holdsKeys: boolean;
  /** Common name (the user id) of the certificate on the card, if any. */
  enrolledAs: string | null;
  /** SHA-256 of that certificate, to tell the administrator's own card. */
  certificateFingerprint: string | null;
}

const CKF_TOKEN_INITIALIZED = 0x400;
const trim = (text: string) => text.replace(/\0/g, '').trim();

export function listCardSlots(request: { modulePath: string }): CardSlot[] {
  const pkcs11 = new pkcs11js.PKCS11();
  pkcs11.load(request.modulePath);
  pkcs11.C_Initialize();
  try {
    const slots: CardSlot[] = [];
    for (const slot of pkcs11.C_GetSlotList(true)) {
      let info: pkcs11js.TokenInfo;
      try {
        info = pkcs11.C_GetTokenInfo(slot);
      } catch {
        continue; // removed between the two calls
      }
      if ((info.flags & CKF_TOKEN_INITIALIZED) === 0) {
        slots.push({
          serial: '',
          label: '',
          blank: true,
          holdsKeys: false,
          enrolledAs: null,
          certificateFingerprint: null,
        });
        continue;
      }
      slots.push({
        serial: trim(info.serialNumber),
        label: trim(info.label),
        blank: false,
        ...publicContents(pkcs11, slot),
      });
    }
    // One blank entry is enough: SoftHSM2 always offers a free slot, a reader offers its card.
    const blank = slots.findIndex((s) => s.blank);
    return slots.filter((s, i) => !s.blank || i === blank);
  } finally {
    pkcs11.C_Finalize();
    pkcs11.close();
  }
}

function publicContents(
  pkcs11: pkcs11js.PKCS11,
  slot: Buffer,
): Pick<CardSlot, 'holdsKeys' | 'enrolledAs' | 'certificateFingerprint'> {
  const session = pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    const find = (template: pkcs11js.Template) => {
      pkcs11.C_FindObjectsInit(session, template);
      try {
        return pkcs11.C_FindObjects(session) ?? null;
      } finally {
        pkcs11.C_FindObjectsFinal(session);
      }
    };
    const key = find([
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
      { type: pkcs11js.CKA_ID, value: SIGNING_KEY_ID },
    ]);
    const cert = find([
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_LABEL, value: CERTIFICATE_LABEL },
    ]);
    if (!cert) return { holdsKeys: key !== null, enrolledAs: null, certificateFingerprint: null };
    const [value] = pkcs11.C_GetAttributeValue(session, cert, [{ type: pkcs11js.CKA_VALUE }]);
    const der = Buffer.from(value?.value as Buffer);
    let enrolledAs: string | null = null;
    try {
      enrolledAs = /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(der).subject)?.[1] ?? null;
    } catch {
      enrolledAs = null;
    }
    return {
      holdsKeys: true,
      enrolledAs,
      certificateFingerprint: createHash('sha256').update(der).digest('hex'),
    };
  } finally {
    pkcs11.C_CloseSession(session);
  }
}
