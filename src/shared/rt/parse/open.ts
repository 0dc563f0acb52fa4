// Opening bytes as DICOM: a Part 10 file (preamble + "DICM"), or a bare data set without
// a meta header, which older planning systems still export (pydicom's rtstruct.dcm is
// one). Whatever dicom-parser throws (strings, Errors, or {exception, dataSet}) becomes an
// RtError with a code, so no caller ever sees a foreign exception.

import { dicomParser, type DataSet } from './dicom-parser';
import { KNOWN_VRS, TRANSFER_SYNTAX, describeTag } from '../dictionary';
import { RtError } from '../errors';
import { findDamage } from './damage';
import { DicomReader } from './reader';
import { describeTransferSyntax, transferSyntax } from './transfer-syntax';

export interface OpenedDicom {
  reader: DicomReader;
  transferSyntaxUid: string;
  /** False for a bare data set without preamble and meta header. */
  part10: boolean;
}

function parserMessage(error: unknown): string {
  const inner =
    typeof error === 'object' && error !== null && 'exception' in error
      ? (error as { exception: unknown }).exception
      : error;
  if (inner instanceof Error) return inner.message;
  return String(inner);
}

function classify(message: string, file: string): RtError {
  // dicom-parser reports an element running past the end of the bytes in several ways,
  // one of them as an invalid 'maxPosition' parameter of its data-set parser.
  if (
    /past end|overrun|overread|beyond|exceed|end of buffer|premature|maxP ?osition/i.test(message)
  )
    return new RtError('TRUNCATED', `file ends early (${message})`, file);
  if (/DICM/.test(message)) return new RtError('NOT_DICOM', 'not a DICOM file', file);
  return new RtError('BAD_VALUE', `unreadable DICOM data (${message})`, file);
}

/** 'x30060010' → '(3006,0010)'. */
function formatParserTag(key: string): string {
  const hex = key.slice(1).toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

function hasPart10Prefix(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

/** For a bare data set: explicit VR when bytes 4–5 spell a VR, else implicit VR. */
function guessBareSyntax(bytes: Uint8Array, file: string): string {
  const group = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8);
  if (bytes.length < 8 || (group !== 0x0002 && group !== 0x0008))
    throw new RtError('NOT_DICOM', 'no DICOM prefix and not a bare DICOM data set', file);
  const vr = String.fromCharCode(bytes[4] ?? 0, bytes[5] ?? 0);
  return KNOWN_VRS.has(vr) ? TRANSFER_SYNTAX.explicitLittle : TRANSFER_SYNTAX.implicitLittle;
}

export interface OpenOptions {
  /**
   * These bytes are a deflated file already inflated by study-reader.ts (bounded, before
   * this synchronous parse), its meta header relabelled Explicit VR Little Endian; the
   * syntax reported stays Deflated. dicom-parser's own inflater is never used: it has no
   * bound on what a small hostile stream expands to (and its offsets are off by the
   * meta header in the version we use).
   */
  inflated?: boolean;
}

export function openDicom(bytes: Uint8Array, file: string, options: OpenOptions = {}): OpenedDicom {
  const part10 = hasPart10Prefix(bytes);
  if (!part10 && bytes.length >= 128 && bytes.length < 132)
    throw new RtError('TRUNCATED', 'file ends inside the preamble', file);
  const bareSyntax = part10 ? undefined : guessBareSyntax(bytes, file);
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      ...(bareSyntax ? { TransferSyntaxUID: bareSyntax } : {}),
      inflater: () => {
        throw new RtError(
          'UNSUPPORTED',
          `${describeTransferSyntax(TRANSFER_SYNTAX.deflatedExplicitLittle)}: the data set was not inflated before parsing`,
          file,
        );
      },
    } as Parameters<typeof dicomParser.parseDicom>[1]);
  } catch (error) {
    if (error instanceof RtError) throw error;
    const inner = (error as { exception?: unknown } | undefined)?.exception;
    if (inner instanceof RtError) throw inner;
    throw classify(parserMessage(error), file);
  }
  // dicom-parser accepts a last element whose value runs past the end of the bytes, and
  // only warns when an undefined-length sequence or item never finds its delimiter.
  const eofWarning = dataSet.warnings.find((warning) => /eof/i.test(warning));
  if (eofWarning) throw new RtError('TRUNCATED', `file ends early (${eofWarning})`, file);
  for (const element of Object.values(dataSet.elements)) {
    // An undefined-length sequence's length excludes its 8-byte delimiter.
    const delimiter = element.items !== undefined && element.hadUndefinedLength ? 8 : 0;
    if (element.dataOffset + element.length + delimiter > bytes.length)
      throw new RtError('TRUNCATED', `file ends inside ${formatParserTag(element.tag)}`, file);
  }
  const transferSyntaxUid = options.inflated
    ? TRANSFER_SYNTAX.deflatedExplicitLittle
    : part10
      ? (dataSet.string('x00020010') ?? '').replace(/\0/g, '').trim()
      : (bareSyntax as string);
  if (part10 && transferSyntaxUid === '')
    throw new RtError(
      'MISSING_TAG',
      `${describeTag('TransferSyntaxUID')}: required attribute missing`,
      file,
      describeTag('TransferSyntaxUID'),
    );
  if (!/^\d+(\.\d+)*$/.test(transferSyntaxUid))
    throw new RtError(
      'BAD_VALUE',
      `${describeTag('TransferSyntaxUID')}: ${JSON.stringify(transferSyntaxUid.slice(0, 70))} is not a valid UID`,
      file,
      describeTag('TransferSyntaxUID'),
    );
  const damage = findDamage(dataSet);
  const syntax = transferSyntax(transferSyntaxUid);
  if (syntax.pixels?.kind === 'encapsulated' && syntax.pixels.lossy && dataSet.elements.x7fe00010)
    damage.notices = [
      `pixel data is lossy-compressed (${describeTransferSyntax(transferSyntaxUid)}): values differ from the original acquisition`,
    ];
  return {
    reader: new DicomReader(dataSet, file, '', damage),
    transferSyntaxUid,
    part10,
  };
}
