// The compressed frames of encapsulated pixel data (PS3.5 A.4), through dicom-parser's
// fragment helpers. With an empty Basic Offset Table a multi-frame object must give one
// fragment per frame (or, for JPEG, frames found by their markers); anything else is
// refused rather than guessed, so no frame is ever cut or merged silently.

import { isRtError } from '../errors';
import { dicomParser, type Element } from './dicom-parser';
import type { DicomReader } from './reader';

export function encapsulatedFrames(
  reader: DicomReader,
  element: Element,
  frames: number,
  jpegFamily: boolean,
): Uint8Array[] {
  const dataSet = reader.dataSet;
  const fragments = element.fragments ?? [];
  if (fragments.length === 0)
    throw reader.fail('BAD_VALUE', 'PixelData', 'encapsulated pixel data holds no fragment');
  const asBytes = (value: unknown) => value as Uint8Array;
  try {
    if (frames === 1)
      return [
        asBytes(
          dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length),
        ),
      ];
    let table = element.basicOffsetTable ?? [];
    if (table.length === 0 && fragments.length === frames)
      return fragments.map((_, index) =>
        asBytes(dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, index, 1)),
      );
    if (table.length === 0 && jpegFamily)
      table = dicomParser.createJPEGBasicOffsetTable(dataSet, element);
    if (table.length !== frames)
      throw reader.fail(
        'BAD_VALUE',
        'PixelData',
        `${fragments.length} fragments and ${table.length} frame offsets for NumberOfFrames ${frames}: the frames cannot be told apart`,
      );
    return table.map((_, index) =>
      asBytes(dicomParser.readEncapsulatedImageFrame(dataSet, element, index, table)),
    );
  } catch (error) {
    if (isRtError(error)) throw error;
    throw reader.fail(
      'BAD_VALUE',
      'PixelData',
      `encapsulated fragments are unreadable (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
