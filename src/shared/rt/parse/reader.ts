// A defensive view over a dicom-parser data set. dicom-parser is lenient (it returns
// undefined, NaN or reads neighbouring bytes); every accessor here instead checks presence,
// the declared VR and the value (finite, within its physical range, a well-formed UID), and
// fails with an RtError that names the file, the attribute and where in nested sequences
// it sits. Elements found damaged when the file was opened read as absent; the object
// carries the warnings, and a required one fails with the reason.

import type { Damage } from './damage';
import { dicomParser, type DataSet, type Element } from './dicom-parser';
import { LIMITS, outsideLimit } from './limits';
import { allowedVrs, describeTag, parserKey, vrOf, type Keyword } from '../dictionary';
import { RtError, type RtErrorCode } from '../errors';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const BINARY_WIDTH: Partial<Record<string, number>> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8 };
// Digits and dots, no empty component, at most 64 characters (PS3.5 9.1). Components with
// a leading zero are tolerated: real exports carry them and matching compares whole strings.
const UID = /^\d+(\.\d+)*$/;
// Code strings: letters, digits, space, underscore (lower case tolerated, as some planning
// systems write it); anything else is a garbled value.
const CODE_STRING = /^[A-Za-z0-9 _\\]*$/;

export class DicomReader {
  constructor(
    readonly dataSet: DataSet,
    readonly file: string,
    /** Where this data set sits, e.g. "BeamSequence[2] > ControlPointSequence[1]". */
    readonly path = '',
    /** What open found damaged in the whole file, shared by every nested reader. */
    private readonly damage: Damage = { damaged: new Map(), warnings: [] },
  ) {}

  /**
   * Warnings about the whole file: damage that made content unreadable, notices from the
   * open, and optional content the parse had to do without (see `note`).
   */
  get warnings(): string[] {
    return [...this.damage.warnings, ...(this.damage.notices ?? []), ...(this.damage.notes ?? [])];
  }

  /**
   * Records that optional content is unusable (an empty cross-reference, say) and the object
   * was read without it. Shared with every reader of the same file, like the damage.
   */
  note(keyword: Keyword | undefined, message: string): void {
    (this.damage.notes ??= []).push(`${this.subject(keyword)}${message}`);
  }

  /** "(tag) Keyword in Sequence[n]: " — what an error or a note is about. */
  private subject(keyword: Keyword | undefined): string {
    const where = this.path ? ` in ${this.path}` : '';
    const tag = keyword ? describeTag(keyword) : undefined;
    return tag ? `${tag}${where}: ` : where ? `${where.slice(4)}: ` : '';
  }

  fail(code: RtErrorCode, keyword: Keyword | undefined, message: string): RtError {
    return new RtError(
      code,
      `${this.subject(keyword)}${message}`,
      this.file,
      keyword ? describeTag(keyword) : undefined,
    );
  }

  /** The raw element after checking its declared VR, or undefined when absent or empty. */
  private element(keyword: Keyword): Element | undefined {
    const element = this.dataSet.elements[parserKey(keyword)];
    if (!element || this.damage.damaged.has(element)) return undefined;
    if (element.vr !== undefined && element.vr !== 'UN') {
      const allowed = allowedVrs(keyword);
      if (!allowed.includes(element.vr as never))
        throw this.fail(
          'WRONG_VR',
          keyword,
          `declared VR ${JSON.stringify(element.vr)}, expected ${allowed.join(' or ')}`,
        );
    }
    if (element.dataOffset + element.length > this.dataSet.byteArray.length)
      throw this.fail('TRUNCATED', keyword, 'value runs past the end of the file');
    if (element.length === 0 && !element.items?.length) return undefined;
    return element;
  }

  has(keyword: Keyword): boolean {
    return this.element(keyword) !== undefined;
  }

  /** The whole text value with padding removed; undefined when absent or empty. */
  string(keyword: Keyword): string | undefined {
    const element = this.element(keyword);
    if (!element) return undefined;
    const text = dicomParser
      .readFixedString(this.dataSet.byteArray, element.dataOffset, element.length)
      .trim();
    if (text === '') return undefined;
    const vr = vrOf(keyword);
    if (vr === 'UI' && (text.length > 64 || !UID.test(text)))
      throw this.fail(
        'BAD_VALUE',
        keyword,
        `${JSON.stringify(text.slice(0, 70))} is not a valid UID`,
      );
    if (vr === 'CS' && !CODE_STRING.test(text))
      throw this.fail(
        'BAD_VALUE',
        keyword,
        `${JSON.stringify(text.slice(0, 40))} is not a valid code string`,
      );
    return text;
  }

  /** The error for a required attribute that reads as absent: missing, or damaged. */
  private missing(keyword: Keyword, what = 'attribute'): RtError {
    const element = this.dataSet.elements[parserKey(keyword)];
    const damaged = element && this.damage.damaged.get(element);
    if (damaged) return this.fail('BAD_VALUE', keyword, `required ${what} ${damaged}`);
    // Absent because the parse stopped early: say where.
    const cause = this.damage.warnings[0];
    return this.fail(
      'MISSING_TAG',
      keyword,
      `required ${what} missing${what === 'sequence' ? ' or empty' : ''}${cause ? ` (the file is damaged: ${cause})` : ''}`,
    );
  }

  requireString(keyword: Keyword): string {
    const value = this.string(keyword);
    if (value === undefined) throw this.missing(keyword);
    return value;
  }

  /** Multi-valued text split on the DICOM separator. */
  strings(keyword: Keyword): string[] {
    const value = this.string(keyword);
    return value === undefined ? [] : value.split('\\').map((part) => part.trim());
  }

  /** All numeric values, whatever the VR (DS/IS text or binary US/SS/UL/SL/FL/FD). */
  numbers(keyword: Keyword): number[] | undefined {
    const values = this.rawNumbers(keyword);
    const limit = LIMITS[keyword];
    if (values && limit)
      for (let index = 0; index < values.length; index++) {
        const outside = outsideLimit(values[index] as number, limit);
        if (outside) throw this.fail('BAD_VALUE', keyword, `value ${index + 1}: ${outside}`);
      }
    return values;
  }

  private rawNumbers(keyword: Keyword): number[] | undefined {
    const element = this.element(keyword);
    if (!element) return undefined;
    const vr = element.vr ?? vrOf(keyword);
    const width = BINARY_WIDTH[vr];
    if (width !== undefined) {
      if (element.length % width !== 0)
        throw this.fail(
          'BAD_VALUE',
          keyword,
          `length ${element.length} is not a multiple of ${width}`,
        );
      const count = element.length / width;
      const values: number[] = [];
      for (let i = 0; i < count; i++) {
        const read =
          vr === 'US'
            ? this.dataSet.uint16(parserKey(keyword), i)
            : vr === 'SS'
              ? this.dataSet.int16(parserKey(keyword), i)
              : vr === 'UL'
                ? this.dataSet.uint32(parserKey(keyword), i)
                : vr === 'SL'
                  ? this.dataSet.int32(parserKey(keyword), i)
                  : vr === 'FL'
                    ? this.dataSet.float(parserKey(keyword), i)
                    : this.dataSet.double(parserKey(keyword), i);
        if (read === undefined || !Number.isFinite(read))
          throw this.fail('BAD_VALUE', keyword, 'not a finite number');
        values.push(read);
      }
      return values;
    }
    const pattern = vr === 'IS' ? INTEGER : DECIMAL;
    return this.strings(keyword).map((part, index) => {
      if (!pattern.test(part))
        throw this.fail(
          'BAD_VALUE',
          keyword,
          `value ${index + 1} ${JSON.stringify(part.slice(0, 40))} is not a valid ${vr === 'IS' ? 'integer' : 'number'}`,
        );
      const value = Number(part);
      // "1e999" is a well-formed decimal string, and Infinity.
      if (!Number.isFinite(value))
        throw this.fail('BAD_VALUE', keyword, `value ${index + 1} ${part} is not a finite number`);
      return value;
    });
  }

  /** Values with an expected multiplicity; checks the count when one is given. */
  requireNumbers(keyword: Keyword, count?: number): number[] {
    const values = this.numbers(keyword);
    if (values === undefined || values.length === 0) throw this.missing(keyword);
    if (count !== undefined && values.length !== count)
      throw this.fail('BAD_VALUE', keyword, `expected ${count} values, found ${values.length}`);
    return values;
  }

  number(keyword: Keyword): number | undefined {
    const values = this.numbers(keyword);
    return values?.[0];
  }

  requireNumber(keyword: Keyword): number {
    return this.requireNumbers(keyword)[0] as number;
  }

  /** Items of a sequence; an absent or empty sequence gives []. */
  items(keyword: Keyword): DicomReader[] {
    const element = this.dataSet.elements[parserKey(keyword)];
    if (!element || this.damage.damaged.has(element)) return [];
    if (element.vr !== undefined && element.vr !== 'SQ' && element.vr !== 'UN')
      throw this.fail(
        'WRONG_VR',
        keyword,
        `declared VR ${JSON.stringify(element.vr)}, expected SQ`,
      );
    if (element.length > 0 && element.items === undefined)
      throw this.fail('BAD_VALUE', keyword, 'is not a readable sequence');
    const prefix = this.path ? `${this.path} > ` : '';
    const items = (element.items ?? []).filter((item) => !this.damage.damaged.has(item));
    return items.map((item, index) => {
      if (!item.dataSet) throw this.fail('BAD_VALUE', keyword, `item ${index + 1} has no data set`);
      return new DicomReader(
        item.dataSet,
        this.file,
        `${prefix}${keyword}[${index + 1}]`,
        this.damage,
      );
    });
  }

  /**
   * The UIDs a cross-reference sequence names (e.g. ReferencedRTPlanSequence >
   * ReferencedSOPInstanceUID). Optional references: an item without its UID, as some
   * planning and research tools write, is noted and skipped, so the object still reads.
   */
  referencedUids(sequence: Keyword, uid: Keyword): string[] {
    const found: string[] = [];
    for (const item of this.items(sequence)) {
      const value = item.string(uid);
      if (value === undefined) item.note(uid, 'empty or missing; read without this reference');
      else found.push(value);
    }
    return found;
  }

  requireItems(keyword: Keyword): DicomReader[] {
    const items = this.items(keyword);
    if (items.length === 0) throw this.missing(keyword, 'sequence');
    return items;
  }

  /** The raw value bytes (a view, not a copy). */
  bytes(keyword: Keyword): Uint8Array | undefined {
    const element = this.element(keyword);
    if (!element) return undefined;
    const array = this.dataSet.byteArray;
    return new Uint8Array(array.buffer, array.byteOffset + element.dataOffset, element.length);
  }

  rawElement(keyword: Keyword): Element | undefined {
    return this.element(keyword);
  }
}
