// CT/MR slice geometry and pixels, and the assembly of slices into one series volume.

import { SOP_CLASS } from '../dictionary';
import { RtError } from '../errors';
import { dot, nearlyEqual, norm, planeNormal, type PlaneGeometry, type Vec3 } from '../geometry';
import { openDicom } from './open';
import { readPixelSamples, type CodecSet } from './pixels';
import { transferSyntax } from './transfer-syntax';
import type { DicomReader } from './reader';

export interface ImageSlice extends PlaneGeometry {
  file: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  modality: string;
  instanceNumber?: number;
  sliceThickness?: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
  /** Stored values, row by row; multiply by slope and add intercept for HU. */
  pixels: Int8Array | Uint8Array | Int16Array | Uint16Array;
  /**
   * Compressed pixels not decoded yet (decode on demand, see `deferDecode`): `pixels` is
   * empty until `decodeSlicePixels` (study.ts) fills it.
   */
  pixelsEncoded?: true;
  /** Damage found while reading: content that may be missing from this slice. */
  warnings: string[];
  /** For a frame of a multi-frame (enhanced) image: its number, from 1. */
  frameNumber?: number;
}

function unitVector(reader: DicomReader, values: number[], which: string): Vec3 {
  const v: Vec3 = [values[0] ?? 0, values[1] ?? 0, values[2] ?? 0];
  if (Math.abs(norm(v) - 1) > 1e-3)
    throw reader.fail(
      'BAD_VALUE',
      'ImageOrientationPatient',
      `${which} direction is not a unit vector`,
    );
  return v;
}

/** Where each part of a plane's geometry is read (an enhanced image's frame macros). */
export interface GeometrySources {
  position: DicomReader;
  orientation: DicomReader;
  spacing: DicomReader;
}

/** Geometry of a plane (image or dose frame), validated. */
export function readPlaneGeometry(
  reader: DicomReader,
  from: GeometrySources = { position: reader, orientation: reader, spacing: reader },
): PlaneGeometry {
  const position = from.position.requireNumbers('ImagePositionPatient', 3) as unknown as Vec3;
  const orientation = from.orientation.requireNumbers('ImageOrientationPatient', 6);
  const rowDirection = unitVector(from.orientation, orientation.slice(0, 3), 'row');
  const columnDirection = unitVector(from.orientation, orientation.slice(3, 6), 'column');
  if (Math.abs(dot(rowDirection, columnDirection)) > 1e-3)
    throw from.orientation.fail(
      'BAD_VALUE',
      'ImageOrientationPatient',
      'row and column directions are not orthogonal',
    );
  const [rowSpacing, columnSpacing] = from.spacing.requireNumbers('PixelSpacing', 2) as [
    number,
    number,
  ];
  if (!(rowSpacing > 0) || !(columnSpacing > 0))
    throw from.spacing.fail('BAD_VALUE', 'PixelSpacing', 'spacing must be positive');
  const rows = reader.requireNumber('Rows');
  const columns = reader.requireNumber('Columns');
  if (rows < 1) throw reader.fail('BAD_VALUE', 'Rows', 'must be at least 1');
  if (columns < 1) throw reader.fail('BAD_VALUE', 'Columns', 'must be at least 1');
  return { position, rowDirection, columnDirection, rowSpacing, columnSpacing, rows, columns };
}

/** Greyscale, 8 or 16 bits: all the viewer and the codecs handle. */
export function readSampleFormat(reader: DicomReader): { bitsAllocated: 8 | 16; signed: boolean } {
  const bitsAllocated = reader.requireNumber('BitsAllocated');
  if (bitsAllocated !== 8 && bitsAllocated !== 16)
    throw reader.fail(
      'UNSUPPORTED',
      'BitsAllocated',
      `${bitsAllocated}-bit images are not supported`,
    );
  // Checked before any pixel is decoded: a colour image read as greyscale is garbage.
  const samplesPerPixel = reader.number('SamplesPerPixel') ?? 1;
  const photometric = reader.string('PhotometricInterpretation');
  if (samplesPerPixel !== 1)
    throw reader.fail(
      'UNSUPPORTED',
      'SamplesPerPixel',
      `a colour image (${samplesPerPixel} samples per pixel${photometric ? `, ${photometric}` : ''}): only greyscale (MONOCHROME1/MONOCHROME2) images are read`,
    );
  if (photometric !== undefined && photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2')
    throw reader.fail(
      'UNSUPPORTED',
      'PhotometricInterpretation',
      `${photometric} images are not read: only greyscale (MONOCHROME1/MONOCHROME2)`,
    );
  return { bitsAllocated, signed: (reader.number('PixelRepresentation') ?? 0) === 1 };
}

/** How a slice is read: `deferDecode` leaves compressed pixels for later (decode on demand). */
export interface ImageReadOptions {
  deferDecode?: boolean;
}

export function parseImageReader(
  reader: DicomReader,
  transferSyntaxUid: string,
  codecs?: CodecSet,
  options: ImageReadOptions = {},
): ImageSlice {
  const plane = readPlaneGeometry(reader);
  const { bitsAllocated, signed } = readSampleFormat(reader);
  // A multi-frame CT/MR would otherwise give its first frame only. (Enhanced CT/MR, whose
  // frames each say where they are, is read by enhanced-image.ts.)
  const frames = reader.number('NumberOfFrames') ?? 1;
  if (frames !== 1)
    throw reader.fail(
      'UNSUPPORTED',
      'NumberOfFrames',
      `a multi-frame CT/MR Image (${frames} frames) has no position per frame and is not read; only single-frame slices or Enhanced CT/MR`,
    );
  // Native pixels are a copy, as fast as a deferred decode would be, so only compressed
  // ones wait; their PixelData element and codec are still checked now.
  const deferred =
    options.deferDecode === true &&
    transferSyntax(transferSyntaxUid).pixels?.kind === 'encapsulated' &&
    deferrable(reader, transferSyntaxUid, codecs);
  const pixels = deferred
    ? emptyPixels(bitsAllocated, signed)
    : (readPixelSamples(
        reader,
        transferSyntaxUid,
        { rows: plane.rows, columns: plane.columns, frames: 1, bitsAllocated, signed },
        codecs,
      ) as ImageSlice['pixels']);
  const slope = reader.number('RescaleSlope') ?? 1;
  if (slope === 0) throw reader.fail('BAD_VALUE', 'RescaleSlope', 'must not be zero');
  return {
    ...plane,
    file: reader.file,
    sopClassUid: reader.requireString('SOPClassUID'),
    sopInstanceUid: reader.requireString('SOPInstanceUID'),
    studyInstanceUid: reader.requireString('StudyInstanceUID'),
    seriesInstanceUid: reader.requireString('SeriesInstanceUID'),
    frameOfReferenceUid: reader.requireString('FrameOfReferenceUID'),
    modality: reader.string('Modality') ?? '',
    instanceNumber: reader.number('InstanceNumber'),
    sliceThickness: reader.number('SliceThickness'),
    rescaleSlope: slope,
    rescaleIntercept: reader.number('RescaleIntercept') ?? 0,
    windowCenter: reader.number('WindowCenter'),
    windowWidth: reader.number('WindowWidth'),
    pixels,
    ...(deferred ? { pixelsEncoded: true as const } : {}),
    warnings: reader.warnings,
  };
}

/** Encapsulated pixel data with a loaded codec: what the deferred decode can later read. */
function deferrable(reader: DicomReader, transferSyntaxUid: string, codecs?: CodecSet): boolean {
  const encoding = transferSyntax(transferSyntaxUid).pixels;
  const element = reader.rawElement('PixelData');
  const encapsulated = element?.encapsulatedPixelData === true || element?.hadUndefinedLength;
  // Anything else fails now, through readPixelSamples, with its usual error.
  return (
    encoding?.kind === 'encapsulated' && encapsulated === true && !!codecs?.has(encoding.codec)
  );
}

function emptyPixels(bitsAllocated: 8 | 16, signed: boolean): ImageSlice['pixels'] {
  if (bitsAllocated === 8) return signed ? new Int8Array(0) : new Uint8Array(0);
  return signed ? new Int16Array(0) : new Uint16Array(0);
}

export function parseImage(bytes: Uint8Array, file: string, codecs?: CodecSet): ImageSlice {
  const { reader, transferSyntaxUid } = openDicom(bytes, file);
  const sopClass = reader.requireString('SOPClassUID');
  if (sopClass !== SOP_CLASS.ctImage && sopClass !== SOP_CLASS.mrImage)
    throw reader.fail('WRONG_OBJECT', 'SOPClassUID', `${sopClass} is not a CT or MR image`);
  return parseImageReader(reader, transferSyntaxUid, codecs);
}

export interface ImageSeries {
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  /** Slices in increasing position along the normal. */
  slices: ImageSlice[];
  normal: Vec3;
  /** Position of each slice along the normal (mm), same order as slices. */
  sliceOffsets: number[];
}

/** Sorts one series' slices along their normal and checks they form one volume. */
export function buildImageSeries(slices: readonly ImageSlice[]): ImageSeries {
  const first = slices[0];
  if (!first) throw new RtError('INCONSISTENT', 'an image series needs at least one slice');
  const normal = planeNormal(first);
  for (const slice of slices) {
    const label = `series ${first.seriesInstanceUid}`;
    if (slice.seriesInstanceUid !== first.seriesInstanceUid)
      throw new RtError('INCONSISTENT', 'slices belong to different series', slice.file);
    if (slice.frameOfReferenceUid !== first.frameOfReferenceUid)
      throw new RtError('INCONSISTENT', `frame of reference differs within ${label}`, slice.file);
    if (
      !nearlyEqual(slice.rowDirection, first.rowDirection) ||
      !nearlyEqual(slice.columnDirection, first.columnDirection)
    )
      throw new RtError('INCONSISTENT', `orientation differs within ${label}`, slice.file);
    if (slice.rows !== first.rows || slice.columns !== first.columns)
      throw new RtError('INCONSISTENT', `matrix size differs within ${label}`, slice.file);
  }
  const sorted = [...slices].sort((a, b) => dot(a.position, normal) - dot(b.position, normal));
  for (let i = 1; i < sorted.length; i++) {
    const gap =
      dot((sorted[i] as ImageSlice).position, normal) -
      dot((sorted[i - 1] as ImageSlice).position, normal);
    if (gap < 1e-3)
      throw new RtError(
        'INCONSISTENT',
        `two slices of series ${first.seriesInstanceUid} share one position`,
        (sorted[i] as ImageSlice).file,
      );
  }
  return {
    seriesInstanceUid: first.seriesInstanceUid,
    frameOfReferenceUid: first.frameOfReferenceUid,
    slices: sorted,
    normal,
    sliceOffsets: sorted.map((s) => dot(s.position, normal)),
  };
}
