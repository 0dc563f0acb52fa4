import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATEGORIES, parseCategory } from '../src/validation/categories';
import { parseInteger, parseUtcTime } from '../src/validation/primitives';

describe('parseUtcTime', () => {
  it('reads UTC instants with optional milliseconds', () => {
    assert.equal(parseUtcTime('t', '2024-02-29T23:59:59Z'), Date.UTC(2024, 1, 29, 23, 59, 59));
    assert.equal(parseUtcTime('t', '2025-03-03T08:00:00.5Z'), Date.UTC(2025, 2, 3, 8, 0, 0, 500));
    assert.equal(parseUtcTime('t', '2025-03-03T08:00:00.123Z'), Date.UTC(2025, 2, 3, 8, 0, 0, 123));
  });

  it('refuses impossible dates, offsets, local times and extra precision', () => {
    for (const bad of [
      '2025-02-29T00:00:00Z',
      '2025-03-03T24:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-03-03T08:00:60Z',
      '0099-01-01T00:00:00Z',
    ]) {
      assert.throws(
        () => parseUtcTime('validFrom', bad),
        /^ChaincodeError: INVALID_ARGUMENT\(validFrom\): is not a real calendar time/,
        bad,
      );
    }
    for (const bad of [
      '2025-03-03T08:00:00',
      '2025-03-03T08:00:00+00:00',
      '2025-03-03',
      '1741000000000',
      '2025-03-03T08:00:00.1234Z',
      '',
    ]) {
      assert.throws(
        () => parseUtcTime('validFrom', bad),
        /^ChaincodeError: INVALID_ARGUMENT\(validFrom\): must be an ISO-8601 UTC time/,
        bad,
      );
    }
  });
});

describe('parseInteger', () => {
  it('accepts plain decimal within bounds only', () => {
    assert.equal(parseInteger('n', '0', 0, 5), 0);
    assert.equal(parseInteger('n', '5', 0, 5), 5);
    for (const bad of ['6', '+1', '1e3', '0x10', ' 1', '']) {
      assert.throws(() => parseInteger('n', bad, 0, 5), /INVALID_ARGUMENT\(n\)/, bad);
    }
  });
});

describe('categories', () => {
  it('is the closed, documented list', () => {
    assert.deepEqual(
      [...CATEGORIES],
      [
        'radiotherapy-plan',
        'dose',
        'imaging',
        'treatment-record',
        'clinical-note',
        'lab',
        'medication',
      ],
    );
    assert.equal(parseCategory('category', 'lab'), 'lab');
    assert.throws(
      () => parseCategory('category', 'LAB'),
      /INVALID_ARGUMENT\(category\): "LAB" is not one of/,
    );
    assert.throws(
      () => parseCategory('category', undefined),
      /INVALID_ARGUMENT\(category\): undefined is not one of/,
    );
  });
});
