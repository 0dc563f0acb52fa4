// Object keys: random, well-formed, and carrying nothing about the patient.
import { describe, expect, it } from 'vitest';
import { companionKey, isObjectKey, newObjectKey } from '../../src/main/storage/keys';

// What a caller has at hand when it stores a record; none of it may end up in a key.
const PATIENT = {
  name: 'Jane Doe',
  pseudonym: 'psn-4f1c2a9e',
  birthDate: '1957-03-14',
  mrn: 'MRN0042137',
  category: 'rt-plan',
};

function forms(value: string): string[] {
  const b = Buffer.from(value);
  return [
    value,
    value.toLowerCase(),
    value.replace(/[^a-z0-9]/gi, '').toLowerCase(),
    b.toString('hex'),
    b.toString('base64url'),
  ].filter((f) => f.length >= 4);
}

describe('object keys', () => {
  it('are records/ + 32 lowercase hex characters', () => {
    const key = newObjectKey();
    expect(key).toMatch(/^records\/[0-9a-f]{32}$/);
    expect(isObjectKey(key)).toBe(true);
  });

  it('are different every time (10,000 keys, no repeats, every hex digit used at every position)', () => {
    const keys = Array.from({ length: 10_000 }, newObjectKey);
    expect(new Set(keys).size).toBe(keys.length);
    // A key derived from input or a counter would leave positions nearly constant.
    for (let pos = 8; pos < 40; pos++) {
      const seen = new Set(keys.map((k) => k[pos]));
      expect(seen.size).toBe(16);
    }
  });

  it('carry none of the patient data a caller holds, in plain, hex or base64 form', () => {
    const keys = Array.from({ length: 2000 }, newObjectKey);
    for (const value of Object.values(PATIENT)) {
      for (const form of forms(value)) {
        for (const key of keys) expect(key.includes(form)).toBe(false);
      }
    }
  });

  it('refuses keys that could carry data', () => {
    for (const bad of [
      `records/${PATIENT.pseudonym}`,
      `records/${PATIENT.name}`,
      `${PATIENT.category}/${newObjectKey().slice(8)}`,
      `records/${Buffer.from(PATIENT.mrn).toString('hex')}`, // wrong length
      `records/${newObjectKey().slice(8).toUpperCase()}`,
      `records/${newObjectKey().slice(8)}/${PATIENT.birthDate}`,
      `records/${newObjectKey().slice(8)}.${PATIENT.name}`,
      '',
    ]) {
      expect(isObjectKey(bad)).toBe(false);
    }
  });

  it('companion keys sit beside a record under a fixed word', () => {
    const key = newObjectKey();
    const keys = companionKey(key, 'keys');
    expect(keys).toBe(`${key}.keys`);
    expect(isObjectKey(keys)).toBe(true);
    expect(companionKey(keys, 'meta')).toBe(`${key}.meta`);
    expect(() => companionKey(key, 'Jane Doe')).toThrow(/suffix/);
    expect(() => companionKey('records/jane', 'keys')).toThrow(/not an object key/);
  });
});
