// Puts a received DICOM file under the local patient: PatientID and PatientName become the
// local ones, the sender's patient ID moves into Other Patient IDs Sequence (0010,1002), and
// every other byte — every UID, the pixel data, the file meta — stays as it was.
//
// Why not the project's DICOM writer (src/shared/rt/dicom-writer.ts): it writes data sets the
// synthesiser builds from keywords, not arbitrary received files with private tags and pixel
// data; and dcmjs would decode and re-encode every element of a 200-slice study. Splicing the
// few top-level elements we change keeps the rest byte-identical.
import { dicomParser, type DataSet } from '../../shared/rt/parse/dicom-parser';
import { PacsError } from './errors';

export interface DicomIdentity {
  patientId: string;
  patientName: string;
  studyInstanceUid: string;
  sopInstanceUid: string;
  /** Patient IDs already in Other Patient IDs Sequence. */
  otherPatientIds: string[];
}

export interface LocalPatient {
  patientId: string;
  patientName: string;
  /** Who issued the sender's patient ID (the sending hospital), for Issuer of Patient ID. */
  senderIssuer: string;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const LONG_VRS = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);

function parse(bytes: Uint8Array, name: string): DataSet {
  try {
    return dicomParser.parseDicom(bytes);
  } catch (cause) {
    throw new PacsError('BAD_RESPONSE', `${name} is not a readable DICOM file.`, { cause });
  }
}

export function readIdentity(bytes: Uint8Array, name = 'A file'): DicomIdentity {
  const ds = parse(bytes, name);
  const others = ds.elements.x00101002?.items ?? [];
  return {
    patientId: ds.string('x00100020') ?? '',
    patientName: ds.string('x00100010') ?? '',
    studyInstanceUid: ds.string('x0020000d') ?? '',
    sopInstanceUid: ds.string('x00080018') ?? '',
    otherPatientIds: others.flatMap((i) => {
      const id = i.dataSet?.string('x00100020');
      return id ? [id] : [];
    }),
  };
}

function textBytes(text: string, charset: string): Buffer {
  const highest = Math.max(0, ...[...text].map((c) => c.codePointAt(0) ?? 0));
  if (highest <= 0x7e) return Buffer.from(text, 'latin1');
  if (/ISO_IR 192/.test(charset)) return Buffer.from(text, 'utf8');
  if (/ISO_IR 100/.test(charset) && highest <= 0xff) return Buffer.from(text, 'latin1');
  throw new PacsError(
    'REFUSED',
    `The name "${text}" has characters this file's character set (${charset || 'ASCII'}) cannot hold.`,
  );
}

function element(tag: number, vr: string, value: Buffer, implicit: boolean): Buffer {
  const padded =
    value.length % 2 === 0 ? value : Buffer.concat([value, Buffer.from([vr === 'UI' ? 0 : 0x20])]);
  const head = Buffer.alloc(implicit ? 8 : LONG_VRS.has(vr) ? 12 : 8);
  head.writeUInt16LE(tag >>> 16, 0);
  head.writeUInt16LE(tag & 0xffff, 2);
  if (implicit) head.writeUInt32LE(padded.length, 4);
  else {
    head.write(vr, 4, 'latin1');
    if (LONG_VRS.has(vr)) head.writeUInt32LE(padded.length, 8);
    else head.writeUInt16LE(padded.length, 6);
  }
  return Buffer.concat([head, padded]);
}

function sequence(items: Buffer[][], implicit: boolean): Buffer {
  const encoded = items.map((elements) => {
    const body = Buffer.concat(elements);
    const head = Buffer.alloc(8);
    head.writeUInt16LE(0xfffe, 0);
    head.writeUInt16LE(0xe000, 2);
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body]);
  });
  return element(0x00101002, 'SQ', Buffer.concat(encoded), implicit);
}

/** The file with the local patient's ID and name, the sender's ID kept as another ID. */
export function rewritePatient(bytes: Uint8Array, local: LocalPatient, name = 'A file'): Buffer {
  const ds = parse(bytes, name);
  const syntax = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  if (syntax === EXPLICIT_BE) {
    throw new PacsError('REFUSED', `${name} uses the retired big-endian transfer syntax.`);
  }
  const implicit = syntax === IMPLICIT_LE;
  const charset = ds.string('x00080005') ?? '';
  const identity = readIdentity(bytes, name);
  // Items already there keep their issuer; the sender's ID joins them once (a repeated
  // import, or a file already under this patient, adds nothing).
  const items = (ds.elements.x00101002?.items ?? []).map((i) => ({
    id: i.dataSet?.string('x00100020') ?? '',
    issuer: i.dataSet?.string('x00100021') ?? '',
  }));
  if (
    identity.patientId &&
    identity.patientId !== local.patientId &&
    !items.some((i) => i.id === identity.patientId)
  ) {
    items.push({ id: identity.patientId, issuer: local.senderIssuer });
  }
  const otherItems = items
    .filter((i) => i.id)
    .map((i) => [
      element(0x00100020, 'LO', textBytes(i.id, charset), implicit),
      ...(i.issuer ? [element(0x00100021, 'LO', textBytes(i.issuer, charset), implicit)] : []),
    ]);
  const replaced = new Map<number, Buffer>([
    [0x00100010, element(0x00100010, 'PN', textBytes(local.patientName, charset), implicit)],
    [0x00100020, element(0x00100020, 'LO', textBytes(local.patientId, charset), implicit)],
  ]);
  if (otherItems.length > 0) replaced.set(0x00101002, sequence(otherItems, implicit));

  // Top-level data set elements (group 0002 is the file meta, left as is), in file order.
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top = Object.entries(ds.elements)
    .map(([key, el]) => ({ tag: parseInt(key.slice(1), 16), el }))
    .filter((e) => e.tag >>> 16 !== 0x0002)
    .map(({ tag, el }) => {
      const vr = el.vr ?? '';
      const headerLength = implicit ? 8 : LONG_VRS.has(vr) ? 12 : 8;
      return { tag, start: el.dataOffset - headerLength };
    })
    .sort((a, b) => a.start - b.start);
  if (top.length === 0) throw new PacsError('BAD_RESPONSE', `${name} holds no data set.`);
  const pieces: Buffer[] = [buf.subarray(0, top[0]!.start)];
  const pending = new Map(replaced);
  for (let i = 0; i < top.length; i++) {
    const { tag, start } = top[i]!;
    const end = i + 1 < top.length ? top[i + 1]!.start : buf.length;
    for (const [t, encoded] of pending) {
      if (t < tag) {
        pieces.push(encoded);
        pending.delete(t);
      }
    }
    const mine = pending.get(tag);
    if (mine) {
      pieces.push(mine);
      pending.delete(tag);
    } else if (replaced.has(tag) || (tag === 0x00101002 && otherItems.length > 0)) {
      // already written
    } else {
      pieces.push(buf.subarray(start, end));
    }
  }
  for (const encoded of pending.values()) pieces.push(encoded);
  return Buffer.concat(pieces);
}
