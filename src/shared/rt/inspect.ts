// What `ehr-rt inspect` reports per file, so another tool's reading of the same files can
// be compared with ours: the object, its transfer syntax, what went wrong, and for images
// statistics of the decoded stored values with a checksum. The checksum is SHA-256 over
// the stored values as little-endian integers of BitsAllocated (two's complement when
// signed), row by row: exactly the PixelData bytes of an uncompressed Explicit VR Little
// Endian copy, e.g. what dcmdjpeg, dcmdjpls, dcmdrle or gdcmconv --raw write.

import type { CodecLoader } from './codecs/load';
import { SOP_CLASS } from './dictionary';
import { isRtError } from './errors';
import { openDicom } from './parse/open';
import { transferSyntax } from './parse/transfer-syntax';
import { loadStudy, type StudyFile } from './study';
import { prepareStudyFiles } from './study-reader';

const OBJECT_NAMES: Record<string, string> = {
  [SOP_CLASS.ctImage]: 'CT Image',
  [SOP_CLASS.mrImage]: 'MR Image',
  [SOP_CLASS.rtDose]: 'RT Dose',
  [SOP_CLASS.rtStructureSet]: 'RT Structure Set',
  [SOP_CLASS.rtPlan]: 'RT Plan',
  [SOP_CLASS.rtBeamsTreatmentRecord]: 'RT Beams Treatment Record',
  '1.2.840.10008.5.1.4.1.1.2.1': 'Enhanced CT Image',
  '1.2.840.10008.5.1.4.1.1.4.1': 'Enhanced MR Image',
  '1.2.840.10008.5.1.4.1.1.66.1': 'Spatial Registration',
  '1.2.840.10008.5.1.4.1.1.481.1': 'RT Image',
};

export interface PixelStatistics {
  rows: number;
  columns: number;
  frames: number;
  bits_allocated: number;
  signed: boolean;
  min: number;
  max: number;
  mean: number;
  /** SHA-256 (hex) of the stored values, see above. */
  sha256: string;
}

export interface FileInspection {
  file: string;
  sop_class_uid: string | null;
  object: string | null;
  transfer_syntax_uid: string | null;
  transfer_syntax: string | null;
  /** Read without error (warnings may still say what is missing). */
  readable: boolean;
  error: { code: string; message: string } | null;
  warnings: string[];
  skipped: string | null;
  pixels: PixelStatistics | null;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function littleEndianBytes(values: Int16Array | Uint16Array | Int8Array | Uint8Array): Uint8Array {
  const width = values.BYTES_PER_ELEMENT;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (width === 1) out[i] = v & 0xff;
    else view.setUint16(i * 2, v & 0xffff, true);
  }
  return out;
}

export async function pixelStatistics(
  values: Int16Array | Uint16Array | Int8Array | Uint8Array,
  rows: number,
  columns: number,
): Promise<PixelStatistics> {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return {
    rows,
    columns,
    frames: values.length / (rows * columns),
    bits_allocated: values.BYTES_PER_ELEMENT * 8,
    signed: values instanceof Int16Array || values instanceof Int8Array,
    min,
    max,
    mean: values.length ? sum / values.length : 0,
    sha256: await sha256Hex(littleEndianBytes(values)),
  };
}

/** One report per file, in the order given; never throws for a bad file. */
export async function inspectFiles(
  files: readonly StudyFile[],
  load: CodecLoader,
): Promise<FileInspection[]> {
  const prepared = await prepareStudyFiles(files, load);
  const reports: FileInspection[] = [];
  for (const file of prepared.files) {
    const report: FileInspection = {
      file: file.name,
      sop_class_uid: null,
      object: null,
      transfer_syntax_uid: null,
      transfer_syntax: null,
      readable: false,
      error: null,
      warnings: [],
      skipped: null,
      pixels: null,
    };
    try {
      if (file.prepared?.error) throw file.prepared.error;
      const { reader, transferSyntaxUid } = openDicom(file.bytes, file.name, file.prepared);
      // Damage found in the file itself (a course's cross-references are not its business:
      // a reference to a file not given is not reported here).
      report.warnings = reader.warnings;
      report.transfer_syntax_uid = transferSyntaxUid;
      report.transfer_syntax = transferSyntax(transferSyntaxUid).name;
      report.sop_class_uid = reader.string('SOPClassUID') ?? null;
      report.object = report.sop_class_uid ? (OBJECT_NAMES[report.sop_class_uid] ?? null) : null;
    } catch (error) {
      report.error = isRtError(error)
        ? { code: error.code, message: error.message }
        : { code: 'BAD_VALUE', message: String(error) };
      reports.push(report);
      continue;
    }
    // The same parse a course gets, one file at a time.
    const study = loadStudy([file], prepared.codecs);
    const failure = study.errors[0];
    report.error = failure ? { code: failure.code, message: failure.message } : null;
    report.readable = !failure;
    report.skipped = study.skipped[0]?.reason ?? null;
    // And what the parse read the object without (an empty optional reference).
    const parsed = [
      ...study.doses,
      ...study.structureSets,
      ...study.plans,
      ...study.treatmentRecords,
    ];
    report.warnings = [...new Set([...report.warnings, ...parsed.flatMap((o) => o.warnings)])];
    // Every frame of a multi-frame image, in stored order (as its PixelData holds them).
    const slices = study.imageSeries
      .flatMap((series) => series.slices)
      .sort((a, b) => (a.frameNumber ?? 1) - (b.frameNumber ?? 1));
    const first = slices[0];
    if (first) {
      const all = new (first.pixels.constructor as Int16ArrayConstructor)(
        slices.length * first.pixels.length,
      );
      slices.forEach((slice, k) => all.set(slice.pixels, k * first.pixels.length));
      report.pixels = await pixelStatistics(all, first.rows, first.columns);
    }
    reports.push(report);
  }
  return reports;
}
