import type { Role } from '../validation/ids';

/** How the user's encryption key is made (what senders wrap data keys with). */
export type EncryptionKeyType = 'ec-p256' | 'rsa';

/** A directory entry. Patients carry no name: only their pseudonym, hospital and keys. */
export interface DirectoryUser {
  userId: string;
  role: Role;
  /** The hospital (Fabric organisation) that registered the user. */
  mspId: string;
  /** SHA-256 over the DER bytes of the user's signing certificate, lowercase hex. */
  certFingerprint: string;
  /** SPKI PEM of the key others wrap data keys with. */
  encryptionPublicKey: string;
  encryptionKeyType: EncryptionKeyType;
  encryptionKeyBits: number;
  /** Caregivers and admins only; always null for patients. */
  displayName: string | null;
  department: string | null;
  registeredAt: string;
  /** Fabric identity (x509 subject::issuer) of the admin who registered the user. */
  registeredBy: string;
  txId: string;
  /** 'revoked' once his hospital's administrator has revoked him: from then on every
   *  transaction he signs is refused and his grants give no access. Entries written before
   *  revocation existed carry no status and are active. */
  status?: UserStatus;
  revokedAt?: string;
  /** Fabric identity of the admin who revoked him. */
  revokedBy?: string;
}

export type UserStatus = 'active' | 'revoked';

export const isRevoked = (user: DirectoryUser): boolean => user.status === 'revoked';
