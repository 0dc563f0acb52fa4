import { invalidArgument } from '../errors';

/**
 * Fabric passes every argument as a string; these turn them into values or refuse with the
 * argument's name. They also check the type, because contracts are called directly in tests
 * and a missing argument must not slip through as `undefined`.
 */
export function requireString(field: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidArgument(field, 'is required and must be a string');
  return value;
}

export function matchPattern(
  field: string,
  value: unknown,
  pattern: RegExp,
  expected: string,
): string {
  const text = requireString(field, value);
  if (!pattern.test(text))
    throw invalidArgument(field, `must be ${expected}; got ${quoteShort(text)}`);
  return text;
}

/** Exactly "true" or "false": anything looser ("1", "yes", "") is a client bug worth seeing. */
export function parseBoolean(field: string, value: unknown): boolean {
  const text = requireString(field, value);
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw invalidArgument(field, `must be "true" or "false"; got ${quoteShort(text)}`);
}

/** A decimal integer without sign or leading zeros, within [min, max]. */
export function parseInteger(field: string, value: unknown, min: number, max: number): number {
  const text = requireString(field, value);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) {
    throw invalidArgument(
      field,
      `must be a whole number written in decimal digits; got ${quoteShort(text)}`,
    );
  }
  const number = Number(text);
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw invalidArgument(field, `must be between ${min} and ${max}; got ${text}`);
  }
  return number;
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/**
 * An ISO-8601 instant in UTC ("2025-03-01T08:00:00Z", optional milliseconds). Offsets and
 * local times are refused so that every peer and client reads the same instant; impossible
 * dates such as February 30th are refused instead of rolled over.
 */
export function parseUtcTime(field: string, value: unknown): number {
  const text = requireString(field, value);
  const parts = ISO_UTC.exec(text);
  if (!parts) {
    throw invalidArgument(
      field,
      `must be an ISO-8601 UTC time like 2025-03-01T08:00:00Z; got ${quoteShort(text)}`,
    );
  }
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((parts[7] ?? '').padEnd(3, '0'));
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(time);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    throw invalidArgument(field, `is not a real calendar time: ${quoteShort(text)}`);
  }
  return time;
}

/** Free text shown to people (names, departments): printable, trimmed, bounded. */
export function parseDisplayText(field: string, value: unknown, maxLength: number): string {
  const text = requireString(field, value).trim();
  if (text.length === 0) throw invalidArgument(field, 'must not be empty');
  if (text.length > maxLength)
    throw invalidArgument(field, `must be at most ${maxLength} characters`);
  if (/\p{Cc}/u.test(text)) throw invalidArgument(field, 'must not contain control characters');
  return text;
}

/** Quotes user input in messages, cut short so a huge argument does not flood the error. */
export function quoteShort(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
