import type { Category } from '../validation/categories';
import type { Role } from '../validation/ids';

/**
 * What the ledger knows about one encrypted object in off-chain storage. The object's bytes,
 * and the data keys wrapped for each reader, stay off-chain; the hash lets every reader
 * verify what it downloaded before decrypting a byte.
 */
export interface RecordMetadata {
  /** The id of the transaction that added the record. */
  recordId: string;
  patientId: string;
  category: Category;
  /** The patient's pseudonym or the caregiver's id; always the transaction's signer. */
  uploaderId: string;
  uploaderRole: Extract<Role, 'patient' | 'caregiver'>;
  storagePointer: string;
  /** SHA-256 of the stored (encrypted) bytes, lowercase hex. */
  sha256: string;
  sizeBytes: number;
  contentType: string;
  /** Where the wrapped-key envelopes for this record live. */
  keyEnvelopeRef: string;
  recordedAt: string;
}
