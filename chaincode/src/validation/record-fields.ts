import { invalidArgument } from '../errors';
import { matchPattern, parseInteger, requireString } from './primitives';

const MAX_URI_LENGTH = 2048;
const URI = /^[a-z][a-z0-9+.-]*:\/\/[\x21-\x7e]+$/;

/**
 * Where the encrypted object (or its wrapped-key envelopes) lives, e.g.
 * s3://hospital-a-ehr/objects/3f2a.... Printable ASCII without spaces, so the same string
 * is an unambiguous lookup key for every client.
 */
export function parseObjectUri(field: string, value: unknown): string {
  const text = requireString(field, value);
  if (text.length > MAX_URI_LENGTH)
    throw invalidArgument(field, `must be at most ${MAX_URI_LENGTH} characters`);
  return matchPattern(
    field,
    text,
    URI,
    'a URI such as s3://bucket/key (printable ASCII, no spaces)',
  );
}

/** A media type without parameters, e.g. application/dicom or application/fhir+json. */
export const parseContentType = (field: string, value: unknown): string =>
  matchPattern(
    field,
    value,
    /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/,
    'a lowercase media type such as application/dicom',
  );

/** Size of the stored (encrypted) bytes; an AEAD ciphertext is never empty. */
export const parseSizeBytes = (field: string, value: unknown): number =>
  parseInteger(field, value, 1, Number.MAX_SAFE_INTEGER);
