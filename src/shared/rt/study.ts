// Loads a course from a set of files: every object that parses is kept, every file that
// does not is reported with its own error, so one bad file never hides the rest. Files of
// SOP classes we do not review (RT Image, DICOMDIR, …) are listed as skipped, not errors.

import { SOP_CLASS } from './dictionary';
import { RtError, isRtError, type RtErrorCode } from './errors';
import {
  buildImageSeries,
  parseImageReader,
  type ImageReadOptions,
  type ImageSeries,
  type ImageSlice,
} from './parse/image';
import { isEnhancedImage, parseEnhancedImageReader } from './parse/enhanced-image';
import { openDicom } from './parse/open';
import type { DicomReader } from './parse/reader';
import type { CodecSet } from './parse/pixels';
import { parseDoseReader, type DoseGrid } from './parse/rtdose';
import { parsePlanReader, type RtPlan } from './parse/rtplan';
import { parseStructureSetReader, type StructureSet } from './parse/rtstruct';
import { parseTreatmentRecordReader, type TreatmentRecord } from './parse/treatment-record';
import {
  parseSpatialRegistrationReader,
  type SpatialRegistration,
} from './registration/spatial-registration';

export interface StudyFile {
  name: string;
  bytes: Uint8Array;
  /** What study-reader.ts did before the parse: inflated the bytes, or found why not. */
  prepared?: { inflated?: boolean; error?: RtError };
}

export interface FileError {
  file: string;
  code: RtErrorCode;
  message: string;
  tag?: string;
  /** The SOP class, when the file was DICOM enough to say what it is. */
  sopClassUid?: string;
}

export interface Study {
  imageSeries: ImageSeries[];
  structureSets: StructureSet[];
  plans: RtPlan[];
  doses: DoseGrid[];
  treatmentRecords: TreatmentRecord[];
  /** DICOM Spatial Registration objects (rigid) shared with the records. */
  registrations: SpatialRegistration[];
  errors: FileError[];
  /**
   * Not fatal, each prefixed with its file: references to nothing loaded, and damage found
   * in a file (also on the object itself when it loaded).
   */
  warnings: string[];
  skipped: { file: string; reason: string }[];
}

function toFileError(error: unknown, file: string, sopClassUid?: string): FileError {
  const rt = isRtError(error)
    ? error
    : new RtError('BAD_VALUE', `unexpected failure while reading (${String(error)})`, file);
  const found = { file: rt.file ?? file, code: rt.code, message: rt.message, tag: rt.tag };
  return sopClassUid === undefined ? found : { ...found, sopClassUid };
}

/**
 * Parses every file. Compressed pixel data needs its codec in `codecs` and a deflated file
 * its inflated data set: `readStudy` (study-reader.ts) prepares both.
 */
export function loadStudy(
  files: readonly StudyFile[],
  codecs?: CodecSet,
  options: ImageReadOptions = {},
): Study {
  const study: Study = {
    imageSeries: [],
    structureSets: [],
    plans: [],
    doses: [],
    treatmentRecords: [],
    registrations: [],
    errors: [],
    warnings: [],
    skipped: [],
  };
  const slicesBySeries = new Map<string, ImageSlice[]>();

  for (const { name, bytes, prepared } of files) {
    let sopClass: string | undefined;
    try {
      if (prepared?.error) throw prepared.error;
      const { reader, transferSyntaxUid } = openDicom(bytes, name, prepared);
      // Damage is reported whether or not the object survives it.
      const damage = reader.warnings;
      study.warnings.push(...damage.map((warning) => `${name}: ${warning}`));
      sopClass = reader.requireString('SOPClassUID');
      parseObject(study, slicesBySeries, reader, transferSyntaxUid, sopClass, codecs, options);
      // What the object was read without (an empty cross-reference) is known only now.
      const notes = reader.warnings.slice(damage.length);
      study.warnings.push(...notes.map((warning) => `${name}: ${warning}`));
    } catch (error) {
      study.errors.push(toFileError(error, name, sopClass));
    }
  }

  for (const slices of slicesBySeries.values()) {
    try {
      study.imageSeries.push(buildImageSeries(slices));
    } catch (error) {
      study.errors.push(toFileError(error, slices[0]?.file ?? 'image series'));
    }
  }
  study.warnings.push(...crossReferenceWarnings(study));
  return study;
}

function parseObject(
  study: Study,
  slicesBySeries: Map<string, ImageSlice[]>,
  reader: DicomReader,
  transferSyntaxUid: string,
  sopClass: string,
  codecs: CodecSet | undefined,
  options: ImageReadOptions,
): void {
  if (sopClass === SOP_CLASS.ctImage || sopClass === SOP_CLASS.mrImage) {
    const slice = parseImageReader(reader, transferSyntaxUid, codecs, options);
    const series = slicesBySeries.get(slice.seriesInstanceUid) ?? [];
    series.push(slice);
    slicesBySeries.set(slice.seriesInstanceUid, series);
  } else if (isEnhancedImage(sopClass)) {
    const frames = parseEnhancedImageReader(reader, transferSyntaxUid, codecs);
    const first = frames[0] as ImageSlice;
    const series = slicesBySeries.get(first.seriesInstanceUid) ?? [];
    series.push(...frames);
    slicesBySeries.set(first.seriesInstanceUid, series);
  } else if (sopClass === SOP_CLASS.rtStructureSet)
    study.structureSets.push(parseStructureSetReader(reader));
  else if (sopClass === SOP_CLASS.rtPlan) study.plans.push(parsePlanReader(reader));
  else if (sopClass === SOP_CLASS.rtDose)
    study.doses.push(parseDoseReader(reader, transferSyntaxUid, codecs));
  else if (sopClass === SOP_CLASS.rtBeamsTreatmentRecord)
    study.treatmentRecords.push(parseTreatmentRecordReader(reader));
  else if (
    sopClass === SOP_CLASS.spatialRegistration ||
    sopClass === SOP_CLASS.deformableSpatialRegistration
  )
    study.registrations.push(parseSpatialRegistrationReader(reader));
  else study.skipped.push({ file: reader.file, reason: `SOP class ${sopClass} is not reviewed` });
}

/**
 * The pixels of a slice loaded with `deferDecode`, decoded from its file by the same
 * parse (so every check of the eager path applies); a slice that cannot be decoded is an
 * RtError naming its file and why.
 */
export function decodeSlicePixels(file: StudyFile, codecs?: CodecSet): ImageSlice['pixels'] {
  if (file.prepared?.error) throw file.prepared.error;
  const { reader, transferSyntaxUid } = openDicom(file.bytes, file.name, file.prepared);
  return parseImageReader(reader, transferSyntaxUid, codecs).pixels;
}

function crossReferenceWarnings(study: Study): string[] {
  const warnings: string[] = [];
  const seriesUids = new Set(study.imageSeries.map((s) => s.seriesInstanceUid));
  const imageUids = new Set(
    study.imageSeries.flatMap((s) => s.slices.map((slice) => slice.sopInstanceUid)),
  );
  const planUids = new Set(study.plans.map((p) => p.sopInstanceUid));
  for (const set of study.structureSets) {
    const missingSeries = set.referencedSeriesUids.filter((uid) => !seriesUids.has(uid));
    if (missingSeries.length > 0)
      warnings.push(`${set.file}: referenced image series ${missingSeries.join(', ')} not loaded`);
    const missingImages = set.referencedImageUids.filter((uid) => !imageUids.has(uid)).length;
    if (missingImages > 0 && missingSeries.length === 0)
      warnings.push(`${set.file}: ${missingImages} referenced images not loaded`);
  }
  for (const dose of study.doses)
    if (dose.referencedPlanUid && !planUids.has(dose.referencedPlanUid))
      warnings.push(`${dose.file}: referenced plan ${dose.referencedPlanUid} not loaded`);
  for (const record of study.treatmentRecords)
    if (record.referencedPlanUid && !planUids.has(record.referencedPlanUid))
      warnings.push(`${record.file}: referenced plan ${record.referencedPlanUid} not loaded`);
  return warnings;
}
