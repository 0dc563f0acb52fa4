// Enhanced (and Legacy Converted Enhanced) CT and MR: one object holding every slice as a
// frame. Where each frame is, its spacing and its rescale live in functional group macros,
// per frame or shared by all (PS3.3 C.7.6.16); a frame is read from its own macro first,
// then the shared one. Every frame becomes one ImageSlice, so the series is assembled and
// checked exactly as single-frame slices are; a frame without a position is an error
// naming it, never a slice left out.

import type { Keyword } from '../dictionary';
import { SOP_CLASS } from '../dictionary';
import { readPlaneGeometry, readSampleFormat, type ImageSlice } from './image';
import { readPixelSamples, type CodecSet } from './pixels';
import type { DicomReader } from './reader';

const ENHANCED: ReadonlySet<string> = new Set([
  SOP_CLASS.enhancedCtImage,
  SOP_CLASS.legacyEnhancedCtImage,
  SOP_CLASS.enhancedMrImage,
  SOP_CLASS.legacyEnhancedMrImage,
]);

export function isEnhancedImage(sopClassUid: string): boolean {
  return ENHANCED.has(sopClassUid);
}

export function parseEnhancedImageReader(
  reader: DicomReader,
  transferSyntaxUid: string,
  codecs?: CodecSet,
): ImageSlice[] {
  const frames = reader.requireNumber('NumberOfFrames');
  if (!Number.isInteger(frames) || frames < 1)
    throw reader.fail('BAD_VALUE', 'NumberOfFrames', 'must be a positive integer');
  const shared = reader.items('SharedFunctionalGroupsSequence')[0];
  const perFrame = reader.requireItems('PerFrameFunctionalGroupsSequence');
  if (perFrame.length !== frames)
    throw reader.fail(
      'BAD_VALUE',
      'PerFrameFunctionalGroupsSequence',
      `holds ${perFrame.length} items for NumberOfFrames ${frames}`,
    );
  const macro = (frame: DicomReader, index: number, sequence: Keyword, required: boolean) => {
    const found = frame.items(sequence)[0] ?? shared?.items(sequence)[0];
    if (!found && required)
      throw reader.fail(
        'MISSING_TAG',
        sequence,
        `frame ${index + 1} has it in neither its own nor the shared functional groups`,
      );
    return found;
  };
  const { bitsAllocated, signed } = readSampleFormat(reader);
  const planes = perFrame.map((frame, index) =>
    readPlaneGeometry(reader, {
      position: macro(frame, index, 'PlanePositionSequence', true) as DicomReader,
      orientation: macro(frame, index, 'PlaneOrientationSequence', true) as DicomReader,
      spacing: macro(frame, index, 'PixelMeasuresSequence', true) as DicomReader,
    }),
  );
  const { rows, columns } = planes[0] as ImageSlice;
  const pixels = readPixelSamples(
    reader,
    transferSyntaxUid,
    { rows, columns, frames, bitsAllocated, signed },
    codecs,
  );
  const common = {
    file: reader.file,
    sopClassUid: reader.requireString('SOPClassUID'),
    sopInstanceUid: reader.requireString('SOPInstanceUID'),
    studyInstanceUid: reader.requireString('StudyInstanceUID'),
    seriesInstanceUid: reader.requireString('SeriesInstanceUID'),
    frameOfReferenceUid: reader.requireString('FrameOfReferenceUID'),
    modality: reader.string('Modality') ?? '',
    instanceNumber: reader.number('InstanceNumber'),
    warnings: reader.warnings,
  };
  const perFramePixels = rows * columns;
  return perFrame.map((frame, index) => {
    const rescale = macro(frame, index, 'PixelValueTransformationSequence', false);
    const window = macro(frame, index, 'FrameVOILUTSequence', false);
    const slope = rescale?.number('RescaleSlope') ?? 1;
    if (slope === 0) throw rescale?.fail('BAD_VALUE', 'RescaleSlope', 'must not be zero');
    return {
      ...common,
      ...(planes[index] as ImageSlice),
      frameNumber: index + 1,
      sliceThickness: macro(frame, index, 'PixelMeasuresSequence', true)?.number('SliceThickness'),
      rescaleSlope: slope,
      rescaleIntercept: rescale?.number('RescaleIntercept') ?? 0,
      windowCenter: window?.number('WindowCenter'),
      windowWidth: window?.number('WindowWidth'),
      // Each frame its own buffer: the worker transfers every slice's pixels separately.
      pixels: pixels.slice(
        index * perFramePixels,
        (index + 1) * perFramePixels,
      ) as ImageSlice['pixels'],
    };
  });
}
