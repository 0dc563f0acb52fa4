import { invalidArgument } from '../errors';
import { requireString } from './primitives';

/**
 * A break-glass reason is what the patient and his hospital's auditors read to judge an
 * emergency opening, so it has to say something: enough visible characters and several
 * different words. Characters nobody sees count for nothing, and characters that reorder
 * text are refused, because the patient would read another reason than the one stored.
 *
 * The rules use Unicode properties only (no locale, no word-segmentation dictionary), so
 * every peer's chaincode decides the same.
 */
export interface ReasonLimits {
  minReasonLength: number;
  maxReasonLength: number;
  minReasonWords: number;
}

/** Format characters (zero-width spaces, joiners, BOM) and the other default-ignorable code
 *  points (Hangul fillers, variation selectors, tag characters): present, but invisible. */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/** Embeddings, overrides and isolates; the plain marks (LRM, RLM, ALM) stay allowed. */
const BIDI_REORDERING = /[\u202A-\u202E\u2066-\u2069]/u;

/** Scripts written without spaces between words: each letter is counted as a word there. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

const LETTER_RUN = /[\p{L}\p{M}]+/gu;

export function visibleLength(text: string): number {
  return [...text.replace(INVISIBLE, '')].length;
}

/**
 * Different words of letters, case-insensitively. A word of one letter repeated ("aaaa")
 * says nothing and is not counted.
 */
export function distinctWords(text: string): number {
  const visible = text.replace(INVISIBLE, '').normalize('NFKC').toLowerCase();
  const words = new Set<string>();
  for (const run of visible.match(LETTER_RUN) ?? []) {
    let spaced = '';
    const flush = () => {
      if (new Set(spaced.replace(/\p{M}/gu, '')).size >= 2) words.add(spaced);
      spaced = '';
    };
    for (const char of run) {
      if (UNSPACED.test(char)) {
        flush();
        if (/\p{L}/u.test(char)) words.add(char);
      } else {
        spaced += char;
      }
    }
    flush();
  }
  return words.size;
}

export function parseBreakGlassReason(
  field: string,
  reason: unknown,
  limits: ReasonLimits,
): string {
  const text = requireString(field, reason).trim();
  const visible = visibleLength(text);
  if (visible < limits.minReasonLength) {
    throw invalidArgument(
      field,
      `must explain the emergency in at least ${limits.minReasonLength} characters; got ${visible}`,
    );
  }
  if (text.length > limits.maxReasonLength) {
    throw invalidArgument(
      field,
      `must be at most ${limits.maxReasonLength} characters; got ${text.length}`,
    );
  }
  if (/\p{Cc}/u.test(text.replace(/\r?\n/g, ' '))) {
    throw invalidArgument(field, 'must not contain control characters other than line breaks');
  }
  if (BIDI_REORDERING.test(text)) {
    throw invalidArgument(
      field,
      'must not contain bidirectional override or isolate characters (U+202A-U+202E, U+2066-U+2069): they make the text read differently from what is stored',
    );
  }
  const words = distinctWords(text);
  if (words < limits.minReasonWords) {
    throw invalidArgument(
      field,
      `must explain the emergency in words: at least ${limits.minReasonWords} different words of letters; got ${words}`,
    );
  }
  return text;
}
