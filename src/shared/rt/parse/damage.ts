// Structural damage dicom-parser reads past without a word. One wrong length makes it read
// on from the wrong place: a non-sequence element of undefined length (0xFFFFFFFF)
// swallows the rest of the file as its value; a length a few bytes off turns the next
// header into garbage, seen as tags out of order, VRs that do not exist, or elements that
// run past their item. Each finding becomes a warning on the object, and the elements
// concerned are marked so the reader treats them as unreadable, never as values: a
// required one then fails the object, an optional one is reported lost.

import type { DataSet, Element } from './dicom-parser';
import { KNOWN_VRS, keywordOfParserKey } from '../dictionary';

export interface Damage {
  /** Elements (and sequence items) whose value cannot be trusted, with the reason. */
  damaged: Map<Element, string>;
  /** One sentence per finding, naming the element and where it sits. */
  warnings: string[];
  /** Not damage, but worth a warning too (lossy-compressed pixels). */
  notices?: string[];
  /** Optional content the parse did without (an empty cross-reference): DicomReader.note. */
  notes?: string[];
}

const DELIMITERS = new Set(['xfffee00d', 'xfffee0dd']);

function describe(key: string): string {
  const hex = key.slice(1).toUpperCase();
  const keyword = keywordOfParserKey(key);
  return `(${hex.slice(0, 4)},${hex.slice(4)})${keyword ? ` ${keyword}` : ''}`;
}

function label(key: string): string {
  return keywordOfParserKey(key) ?? describe(key);
}

/**
 * Why this element's own header is impossible, if it is. (Odd lengths are not among the
 * reasons: real exports have them, and the parser still reads such files correctly.)
 */
function headerFault(element: Element): string | undefined {
  if (element.hadUndefinedLength)
    return element.items !== undefined || element.encapsulatedPixelData
      ? undefined
      : 'has an undefined length (0xFFFFFFFF), which only a sequence may have';
  if (element.vr !== undefined && !KNOWN_VRS.has(element.vr))
    return `declares VR ${JSON.stringify(element.vr)}, which does not exist`;
  return undefined;
}

function nameOf(element: Element, where: string): string {
  return `${describe(element.tag)}${where}`;
}

/** Marks this element and every later one of the data set as read from the wrong bytes. */
function markFrom(elements: readonly Element[], from: number, name: string, out: Damage): void {
  for (const lost of elements.slice(Math.max(from, 0)))
    out.damaged.set(lost, `unreadable: the file is damaged at ${name}`);
}

/** Why an element (or its sequence's items) cannot be trusted, if it cannot. */
function elementFault(element: Element, end: number): string | undefined {
  const fault = headerFault(element);
  if (fault) return fault;
  const valueEnd = element.dataOffset + element.length;
  if (valueEnd > end) return 'runs past the end of its item';
  const last = element.items?.at(-1);
  if (last && !element.hadUndefinedLength && last.dataOffset + last.length > valueEnd)
    return 'has items that run past the end of the sequence';
  return undefined;
}

/** True when damage was found: the parser then read on from the wrong place. */
function inspect(dataSet: DataSet, path: string, end: number, out: Damage): boolean {
  const elements = Object.values(dataSet.elements)
    .filter((e) => !e.tag.startsWith('x0002')) // the file meta group is read apart
    // dicom-parser leaves an undefined-length item's delimiter (FFFE,E00D) among its
    // elements when the item holds an undefined-length sequence (GDCM writes these).
    .filter((e) => !DELIMITERS.has(e.tag))
    .sort((a, b) => a.dataOffset - b.dataOffset);
  const where = path ? ` in ${path}` : '';
  const fileEnd = dataSet.byteArray.length;
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i] as Element;
    const previous = elements[i - 1];
    if (previous && element.tag <= previous.tag) {
      // The element before an out-of-order one probably has the wrong length itself.
      markFrom(elements, i - 1, nameOf(element, where), out);
      out.warnings.push(
        `${nameOf(element, where)}: attributes out of order, so a length before it is damaged; ${label(previous.tag)} and every attribute after it${where} could not be read`,
      );
      return true;
    }
    const fault = elementFault(element, end);
    if (fault) {
      markFrom(elements, i, nameOf(element, where), out);
      out.warnings.push(
        element.hadUndefinedLength && !element.items
          ? `${nameOf(element, where)} ${fault}: the ${fileEnd - element.dataOffset} bytes after it were swallowed as its value, so every attribute after it is lost`
          : `${nameOf(element, where)} ${fault}: it and every attribute after it${where} could not be read`,
      );
      return true;
    }
    const items = element.items ?? [];
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      if (!item?.dataSet) continue;
      const itemEnd = item.hadUndefinedLength ? end : item.dataOffset + item.length;
      const itemPath = `${path ? `${path} > ` : ''}${label(element.tag)}[${index + 1}]`;
      if (inspect(item.dataSet, itemPath, Math.min(itemEnd, end), out)) {
        // dicom-parser does not seek to an item's end: later items and elements were read
        // from wherever the damage left it.
        markFrom(items, index + 1, nameOf(element, where), out);
        markFrom(elements, i + 1, nameOf(element, where), out);
        return true;
      }
    }
  }
  return false;
}

export function findDamage(dataSet: DataSet): Damage {
  const out: Damage = { damaged: new Map(), warnings: [] };
  inspect(dataSet, '', dataSet.byteArray.length, out);
  // What dicom-parser itself noticed (end-of-file warnings are fatal and handled in open.ts).
  for (const warning of dataSet.warnings)
    if (!/eof/i.test(warning)) out.warnings.push(`the DICOM parser noted: ${warning}`);
  return out;
}
