import { invalidArgument } from '../errors';
import { requireString } from './primitives';
import { distinctWords, visibleLength } from './break-glass-reason';

/** A review says what it found ("justified: the patient was unconscious in the ER"); "ok"
 *  is no finding the patient or an auditor could read later. */
export const REVIEW_COMMENT_LIMITS = { minLength: 10, maxLength: 1000, minWords: 2 } as const;

const BIDI_REORDERING = /[\u202A-\u202E\u2066-\u2069]/u;

export function parseReviewComment(field: string, comment: unknown): string {
  const text = requireString(field, comment).trim();
  const { minLength, maxLength, minWords } = REVIEW_COMMENT_LIMITS;
  const visible = visibleLength(text);
  if (visible < minLength) {
    throw invalidArgument(
      field,
      `must say what the review found, in at least ${minLength} characters; got ${visible}`,
    );
  }
  if (text.length > maxLength) {
    throw invalidArgument(field, `must be at most ${maxLength} characters; got ${text.length}`);
  }
  if (/\p{Cc}/u.test(text.replace(/\r?\n/g, ' ')) || BIDI_REORDERING.test(text)) {
    throw invalidArgument(
      field,
      'must not contain control characters (other than line breaks) or bidirectional overrides',
    );
  }
  const words = distinctWords(text);
  if (words < minWords) {
    throw invalidArgument(
      field,
      `must say what the review found in words: at least ${minWords} different words of letters; got ${words}`,
    );
  }
  return text;
}
