// Object keys are random and carry no patient data.
//
// A key is visible to anyone who can list the bucket (the storage provider, its backups, its
// access logs), so it must not reveal whose record it is, what kind of record, or when it was
// made: no pseudonym, no name, no category, no date. 128 random bits make keys unguessable and
// collision-free in practice; the ledger's EHR metadata is the only map from a patient's
// pseudonym to a key, and it is access-controlled.
//
// The store accepts only keys of this shape, so no caller can slip a name into one by accident.
// An optional short suffix names a companion object stored beside a record (the vault keeps the
// wrapped data keys at `<key>.keys`); suffixes are fixed words, never data.
import { randomBytes } from 'node:crypto';

export const RECORD_PREFIX = 'records/';
const KEY_PATTERN = /^records\/[0-9a-f]{32}(?:\.[a-z]{1,16})?$/;

/** A fresh key: `records/` + 32 lowercase hex characters (128 bits from the OS's CSPRNG). */
export function newObjectKey(): string {
  return RECORD_PREFIX + randomBytes(16).toString('hex');
}

/** The key of a companion object stored beside `key`, e.g. companionKey(k, 'keys'). */
export function companionKey(key: string, suffix: string): string {
  if (!/^[a-z]{1,16}$/.test(suffix)) throw new Error(`invalid companion suffix "${suffix}"`);
  if (!isObjectKey(key)) throw new Error('not an object key');
  const base = key.replace(/\.[a-z]{1,16}$/, '');
  return `${base}.${suffix}`;
}

export function isObjectKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
