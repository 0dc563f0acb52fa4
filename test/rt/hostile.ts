// Hostile variants of the synthetic course for the RT tests: one value edited, an object
// written in implicit VR, one element's length damaged, a file cut after an element. Every
// file comes from the synthesiser and writer, so the rest of the course stays consistent
// and only the damage under test differs.

import type { DicomDataset } from '../../src/shared/rt/dicom-writer';
import { writePart10 } from '../../src/shared/rt/dicom-writer';
import { parserKey, type Keyword } from '../../src/shared/rt/dictionary';
import { dicomParser, type DataSet } from '../../src/shared/rt/parse/dicom-parser';
import {
  synthesizeCourse,
  type SynthOptions,
  type SyntheticCourse,
} from '../../src/shared/rt/synth/course';

export type Edit = (dataset: DicomDataset) => DicomDataset;

/** A synthetic course with some of its objects edited before they are written. */
export function hostileCourse(
  edits: Readonly<Record<string, Edit>>,
  options: SynthOptions & { implicitVr?: readonly string[] } = {},
): SyntheticCourse {
  return synthesizeCourse({
    matrix: 16,
    slices: 8,
    ...options,
    encode: (name, dataset) =>
      writePart10(edits[name]?.(dataset) ?? dataset, {
        implicitVr: options.implicitVr?.includes(name) ?? false,
      }),
  });
}

export function fileOf(course: SyntheticCourse, name: string): Uint8Array {
  const file = course.files.find((f) => f.name === name);
  if (!file) throw new Error(`no ${name} in the course`);
  return file.bytes;
}

/** Replaces every contour's points by what `edit` makes of them (text values allowed). */
export function editContours(edit: (points: number[]) => (number | string)[]): Edit {
  return (dataset) => ({
    ...dataset,
    ROIContourSequence: (dataset.ROIContourSequence as DicomDataset[]).map((roi) => ({
      ...roi,
      ContourSequence: (roi.ContourSequence as DicomDataset[]).map((contour) => ({
        ...contour,
        ContourData: edit([...(contour.ContourData as readonly number[])]),
      })),
    })),
  });
}

/** The ROI contour sequence with `edit` applied to the ROI numbered `roiNumber`. */
export function editRoi(roiNumber: number, edit: (roi: DicomDataset) => DicomDataset): Edit {
  return (dataset) => ({
    ...dataset,
    ROIContourSequence: (dataset.ROIContourSequence as DicomDataset[]).map((roi) =>
      roi.ReferencedROINumber === roiNumber ? edit(roi) : roi,
    ),
  });
}

/** ROI 3 (the spinal cord) drawn in sagittal planes: x and z of every point swapped. */
export const sagittal = editRoi(3, (roi) => ({
  ...roi,
  ContourSequence: (roi.ContourSequence as DicomDataset[]).map((contour) => {
    const p = [...(contour.ContourData as readonly number[])];
    return {
      ...contour,
      ContourData: p.map((v, i) => (i % 3 === 0 ? p[i + 2]! : i % 3 === 2 ? p[i - 2]! : v)),
    };
  }),
}));

/** The course's plan with a 5-fraction boost as a second fraction group (10 Gy, own MU). */
export const withBoost: Edit = (ds) => {
  const [group] = ds.FractionGroupSequence as DicomDataset[];
  const [reference] = ds.DoseReferenceSequence as DicomDataset[];
  return {
    ...ds,
    DoseReferenceSequence: [
      reference!,
      {
        ...reference!,
        DoseReferenceNumber: 2,
        DoseReferenceDescription: 'Boost',
        TargetPrescriptionDose: 10,
      },
    ],
    FractionGroupSequence: [
      {
        ...group!,
        FractionGroupDescription: 'Primary',
        ReferencedDoseReferenceSequence: [{ ReferencedDoseReferenceNumber: 1 }],
      },
      {
        ...group!,
        FractionGroupNumber: 2,
        FractionGroupDescription: 'Boost',
        NumberOfFractionsPlanned: 5,
        ReferencedDoseReferenceSequence: [{ ReferencedDoseReferenceNumber: 2 }],
        ReferencedBeamSequence: (group!.ReferencedBeamSequence as DicomDataset[]).map((b) => ({
          ...b,
          BeamMeterset: (b.BeamMeterset as number) + 10,
        })),
      },
    ],
  };
};

/** The last session recorded as fraction 1 of the boost group, at the boost's MU. */
export const lastSessionIsBoost: Edit = (ds) => ({
  ...ds,
  ReferencedFractionGroupNumber: 2,
  TreatmentSessionBeamSequence: (ds.TreatmentSessionBeamSequence as DicomDataset[]).map((beam) => ({
    ...beam,
    CurrentFractionNumber: 1,
    DeliveredPrimaryMeterset: (beam.SpecifiedPrimaryMeterset as number) + 10,
    SpecifiedPrimaryMeterset: (beam.SpecifiedPrimaryMeterset as number) + 10,
  })),
});

function parse(bytes: Uint8Array): DataSet {
  return dicomParser.parseDicom(bytes);
}

/** Header offset of every element with this tag, top level and nested, in file order. */
export function headerOffsets(bytes: Uint8Array, keyword: Keyword): number[] {
  const key = parserKey(keyword);
  const implicit = parse(bytes).string('x00020010')?.replace(/\0/g, '') === '1.2.840.10008.1.2';
  const found: number[] = [];
  const walk = (dataSet: DataSet) => {
    for (const element of Object.values(dataSet.elements)) {
      const long = element.vr ? ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(element.vr) : true;
      if (element.tag === key) found.push(element.dataOffset - (implicit ? 8 : long ? 12 : 8));
      for (const item of element.items ?? []) if (item.dataSet) walk(item.dataSet);
    }
  };
  walk(parse(bytes));
  return found.sort((a, b) => a - b);
}

/** An implicit-VR file with the (first) element's 32-bit length replaced. */
export function withLength(bytes: Uint8Array, keyword: Keyword, length: number): Uint8Array {
  const offset = headerOffsets(bytes, keyword)[0];
  if (offset === undefined) throw new Error(`no ${keyword} in the file`);
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(offset + 4, length, true);
  return copy;
}

/** The file cut right after a top-level element: a shorter, well-formed file. */
export function cutAfter(bytes: Uint8Array, keyword: Keyword): Uint8Array {
  const element = parse(bytes).elements[parserKey(keyword)];
  if (!element) throw new Error(`no ${keyword} in the file`);
  return bytes.slice(0, element.dataOffset + element.length);
}
