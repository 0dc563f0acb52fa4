// RT Structure Set: ROIs with names, colours, interpreted types and their contours, plus
// what the set was drawn on (frame of reference, image series, images). A structure set
// that names no frame of reference cannot be placed on anything and is refused; one that
// names no image series is read with a warning (the frame of reference places it).

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
    referencedImageUids: item.referencedUids('ContourImageSequence', 'ReferencedSOPInstanceUID'),
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
    const uid = frame.string('FrameOfReferenceUID');
    if (uid === undefined)
      frame.note('FrameOfReferenceUID', 'empty or missing; the ROIs’ own frame is used');
    else frameUids.push(uid);
    for (const study of frame.items('RTReferencedStudySequence'))
      referencedSeriesUids.push(
        ...study.referencedUids('RTReferencedSeriesSequence', 'SeriesInstanceUID'),
      );
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
    const roi = item.number('ReferencedROINumber');
    if (roi === undefined) item.note('ReferencedROINumber', 'missing; this observation is ignored');
    else if (type !== undefined) typeByRoi.set(roi, type);
  }

  const rois: Roi[] = reader.requireItems('StructureSetROISequence').map((item) => {
    const number = item.requireNumber('ROINumber');
    const drawn = contoursByRoi.get(number);
    let frameOfReferenceUid = item.string('ReferencedFrameOfReferenceUID');
    if (frameOfReferenceUid === undefined && frameUids[0] !== undefined) {
      item.note(
        'ReferencedFrameOfReferenceUID',
        `missing; the set’s frame ${frameUids[0]} is used`,
      );
      frameOfReferenceUid = frameUids[0];
    }
    if (frameOfReferenceUid === undefined)
      throw reader.fail(
        'NO_REFERENCED_IMAGE',
        'ReferencedFrameOfReferenceSequence',
        `the structure set names no frame of reference (nor does ROI ${number}), so its ROIs cannot be placed`,
      );
    return {
      number,
      name: item.string('ROIName') ?? `ROI ${number}`,
      color: drawn?.color,
      interpretedType: typeByRoi.get(number),
      frameOfReferenceUid,
      contours: drawn?.contours ?? [],
    };
  });

  const referencedImageUids = [
    ...new Set(rois.flatMap((roi) => roi.contours.flatMap((c) => c.referencedImageUids))),
  ];
  // The review needs a frame of reference to place the ROIs on the CT and the dose; which
  // series they were drawn on is only checked against what is loaded, so its absence is a
  // warning.
  const frameOfReferenceUid = frameUids[0] ?? rois[0]?.frameOfReferenceUid;
  if (frameOfReferenceUid === undefined)
    throw reader.fail(
      'NO_REFERENCED_IMAGE',
      'ReferencedFrameOfReferenceSequence',
      'the structure set names no frame of reference, so its ROIs cannot be placed',
    );
  if (referencedSeriesUids.length === 0 && referencedImageUids.length === 0)
    reader.note(
      frames.length === 0 ? 'ReferencedFrameOfReferenceSequence' : 'RTReferencedSeriesSequence',
      `references no image series and no image; the ROIs are placed by frame of reference ${frameOfReferenceUid}`,
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
