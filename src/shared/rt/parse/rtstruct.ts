// RT Structure Set: ROIs with names, colours, interpreted types and their contours, plus
// what the set was drawn on (frame of reference, image series, images). A structure set
// that references no image at all cannot be placed on anything and is refused.

import { SOP_CLASS } from '../dictionary';
import { openDicom } from './open';
import type { DicomReader } from './reader';

export interface Contour {
  /** CLOSED_PLANAR, OPEN_PLANAR, OPEN_NONPLANAR or POINT. */
  geometricType: string;
  /** x, y, z triplets in patient coordinates (mm). */
  points: Float64Array;
  /** SOP instances of the images this contour was drawn on (may be empty). */
  referencedImageUids: string[];
}

export interface Roi {
  number: number;
  name: string;
  /** Display colour [r, g, b] 0–255, when the file gives one. */
  color?: readonly [number, number, number];
  /** RT ROI Interpreted Type (EXTERNAL, PTV, ORGAN, …), when given. */
  interpretedType?: string;
  frameOfReferenceUid: string;
  contours: Contour[];
}

export interface StructureSet {
  file: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  label: string;
  /** Frame of reference of the referenced images (the first one when several). */
  frameOfReferenceUid: string;
  referencedSeriesUids: string[];
  referencedImageUids: string[];
  rois: Roi[];
  /** Damage found while reading: content that may be missing from this set. */
  warnings: string[];
}

function readContour(item: DicomReader): Contour {
  const geometricType = item.requireString('ContourGeometricType');
  const data = item.requireNumbers('ContourData');
  const declared = item.number('NumberOfContourPoints');
  if (declared !== undefined && declared * 3 !== data.length)
    throw item.fail(
      'BAD_VALUE',
      'NumberOfContourPoints',
      `says ${declared} points but ContourData holds ${data.length / 3}`,
    );
  if (data.length % 3 !== 0)
    throw item.fail('BAD_VALUE', 'ContourData', `holds ${data.length} values, not a multiple of 3`);
  return {
    geometricType,
    points: Float64Array.from(data),
    referencedImageUids: item
      .items('ContourImageSequence')
      .map((image) => image.requireString('ReferencedSOPInstanceUID')),
  };
}

function readColor(item: DicomReader): Roi['color'] {
  const values = item.numbers('ROIDisplayColor');
  if (values === undefined) return undefined;
  if (values.length !== 3 || values.some((v) => v < 0 || v > 255))
    throw item.fail('BAD_VALUE', 'ROIDisplayColor', 'needs three values 0–255');
  return [values[0] as number, values[1] as number, values[2] as number];
}

export function parseStructureSetReader(reader: DicomReader): StructureSet {
  const frames = reader.items('ReferencedFrameOfReferenceSequence');
  const referencedSeriesUids: string[] = [];
  const frameUids: string[] = [];
  for (const frame of frames) {
    frameUids.push(frame.requireString('FrameOfReferenceUID'));
    for (const study of frame.items('RTReferencedStudySequence'))
      for (const series of study.items('RTReferencedSeriesSequence'))
        referencedSeriesUids.push(series.requireString('SeriesInstanceUID'));
  }

  const contoursByRoi = new Map<number, { color: Roi['color']; contours: Contour[] }>();
  for (const item of reader.items('ROIContourSequence')) {
    const number = item.requireNumber('ReferencedROINumber');
    contoursByRoi.set(number, {
      color: readColor(item),
      contours: item.items('ContourSequence').map(readContour),
    });
  }
  const typeByRoi = new Map<number, string>();
  for (const item of reader.items('RTROIObservationsSequence')) {
    const type = item.string('RTROIInterpretedType');
    if (type !== undefined) typeByRoi.set(item.requireNumber('ReferencedROINumber'), type);
  }

  const rois: Roi[] = reader.requireItems('StructureSetROISequence').map((item) => {
    const number = item.requireNumber('ROINumber');
    const drawn = contoursByRoi.get(number);
    return {
      number,
      name: item.string('ROIName') ?? `ROI ${number}`,
      color: drawn?.color,
      interpretedType: typeByRoi.get(number),
      frameOfReferenceUid: item.requireString('ReferencedFrameOfReferenceUID'),
      contours: drawn?.contours ?? [],
    };
  });

  const referencedImageUids = [
    ...new Set(rois.flatMap((roi) => roi.contours.flatMap((c) => c.referencedImageUids))),
  ];
  const frameOfReferenceUid = frameUids[0] ?? rois[0]?.frameOfReferenceUid;
  if (
    frameOfReferenceUid === undefined ||
    (referencedSeriesUids.length === 0 && referencedImageUids.length === 0)
  )
    throw reader.fail(
      'NO_REFERENCED_IMAGE',
      frames.length === 0 ? 'ReferencedFrameOfReferenceSequence' : 'RTReferencedSeriesSequence',
      'the structure set references no image series and no image',
    );

  return {
    file: reader.file,
    sopInstanceUid: reader.requireString('SOPInstanceUID'),
    studyInstanceUid: reader.requireString('StudyInstanceUID'),
    seriesInstanceUid: reader.requireString('SeriesInstanceUID'),
    label: reader.string('StructureSetLabel') ?? '',
    frameOfReferenceUid,
    referencedSeriesUids,
    referencedImageUids,
    rois,
    warnings: reader.warnings,
  };
}

export function parseStructureSet(bytes: Uint8Array, file: string): StructureSet {
  const { reader } = openDicom(bytes, file);
  const sopClass = reader.requireString('SOPClassUID');
  if (sopClass !== SOP_CLASS.rtStructureSet)
    throw reader.fail('WRONG_OBJECT', 'SOPClassUID', `${sopClass} is not an RT Structure Set`);
  return parseStructureSetReader(reader);
}
