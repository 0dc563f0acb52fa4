import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeDataset } from '../../src/shared/rt/dicom-writer';
import { RtError } from '../../src/shared/rt/errors';
import { pixelToPatient } from '../../src/shared/rt/geometry';
import { parseImage } from '../../src/shared/rt/parse/image';
import { parseDose } from '../../src/shared/rt/parse/rtdose';
import { parsePlan, prescribedDoseGy } from '../../src/shared/rt/parse/rtplan';
import { parseStructureSet } from '../../src/shared/rt/parse/rtstruct';
import { parseTreatmentRecord } from '../../src/shared/rt/parse/treatment-record';
import { loadStudy } from '../../src/shared/rt/study';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';

const course = synthesizeCourse();
const file = (name: string) => {
  const found = course.files.find((f) => f.name === name);
  if (!found) throw new Error(`synthetic course has no ${name}`);
  return found.bytes;
};

describe('parsing the synthetic course', () => {
  it('reads CT geometry, rescale and pixels', () => {
    const slice = parseImage(file('CT_0001.dcm'), 'CT_0001.dcm');
    expect(slice.rows).toBe(64);
    expect(slice.columns).toBe(64);
    expect(slice.rowSpacing).toBe(4);
    expect(slice.rowDirection).toEqual([1, 0, 0]);
    expect(slice.columnDirection).toEqual([0, 1, 0]);
    expect(slice.position).toEqual([-126, -126, -58.5]);
    expect(slice.frameOfReferenceUid).toBe(course.frameOfReferenceUid);
    expect(slice.rescaleIntercept).toBe(-1024);
    const hu = (c: number, r: number) =>
      (slice.pixels[r * slice.columns + c] as number) * slice.rescaleSlope + slice.rescaleIntercept;
    expect(hu(0, 0)).toBe(-1000); // air in the corner
    expect(hu(32, 32)).toBe(0); // soft tissue near the centre
    expect(pixelToPatient(slice, 32, 32)).toEqual([2, 2, -58.5]);
  });

  it('reads every CT slice into one sorted series through the study loader', () => {
    const study = loadStudy([...course.files].reverse());
    expect(study.errors).toEqual([]);
    expect(study.warnings).toEqual([]);
    const [series] = study.imageSeries;
    expect(series?.slices).toHaveLength(40);
    const offsets = series?.sliceOffsets ?? [];
    for (let i = 1; i < offsets.length; i++)
      expect((offsets[i] as number) - (offsets[i - 1] as number)).toBeCloseTo(3, 6);
    expect(study.structureSets).toHaveLength(1);
    expect(study.plans).toHaveLength(1);
    expect(study.doses).toHaveLength(1);
    expect(study.treatmentRecords).toHaveLength(6);
  });

  it('reads the structure set: ROIs, colours, contours and image references', () => {
    const set = parseStructureSet(file('RS.dcm'), 'RS.dcm');
    expect(set.rois.map((r) => r.name)).toEqual(['BODY', 'PTV', 'SPINAL_CORD', 'LUNG_R']);
    expect(set.rois.map((r) => r.interpretedType)).toEqual(['EXTERNAL', 'PTV', 'ORGAN', 'ORGAN']);
    expect(set.rois[1]?.color).toEqual([255, 0, 0]);
    expect(set.frameOfReferenceUid).toBe(course.frameOfReferenceUid);
    const body = set.rois[0];
    expect(body?.contours).toHaveLength(40);
    const ctUids = new Set(
      course.files
        .filter((f) => f.name.startsWith('CT_'))
        .map((f) => parseImage(f.bytes, f.name).sopInstanceUid),
    );
    for (const contour of body?.contours ?? []) {
      expect(contour.geometricType).toBe('CLOSED_PLANAR');
      expect(contour.referencedImageUids).toHaveLength(1);
      expect(ctUids.has(contour.referencedImageUids[0] as string)).toBe(true);
    }
    // The PTV sphere (radius 25 mm, centre z = 0) is cut by the slices at ±1.5 … ±22.5 mm.
    expect(set.rois[1]?.contours.length).toBe(16);
  });

  it('reads the plan: prescription, fractions, beams with energy and meterset', () => {
    const plan = parsePlan(file('RP.dcm'), 'RP.dcm');
    expect(plan.label).toBe('Course 1');
    expect(prescribedDoseGy(plan)).toBe(60);
    expect(plan.fractionGroups[0]?.fractionsPlanned).toBe(30);
    expect(plan.beams.map((b) => b.gantryAngle)).toEqual([0, 90, 180, 270]);
    expect(plan.beams.every((b) => b.nominalEnergy === 6 && b.radiationType === 'PHOTON')).toBe(
      true,
    );
    expect(plan.fractionGroups[0]?.beams.map((b) => b.meterset)).toEqual(
      course.beams.map((b) => b.meterset),
    );
    expect(plan.referencedStructureSetUid).toBe(course.structureSetUid);
  });

  it('reads the dose grid: frames, offsets, scaling to Gy and summation type', () => {
    const dose = parseDose(file('RD.dcm'), 'RD.dcm');
    expect(dose.units).toBe('GY');
    expect(dose.doseType).toBe('PHYSICAL');
    expect(dose.summationType).toBe('PLAN');
    expect(dose.frames).toBe(40);
    expect(dose.frameOffsets[1]).toBe(3);
    expect(dose.referencedPlanUid).toBe(course.planUid);
    expect(dose.maxDose).toBeGreaterThan(60);
    expect(dose.maxDose).toBeLessThan(70);
    expect(dose.dose[0]).toBe(0); // corner of the grid is outside the body
  });

  it('reads treatment records: date, fraction, termination status and metersets', () => {
    const first = parseTreatmentRecord(file('RT_RECORD_01.dcm'), 'RT_RECORD_01.dcm');
    expect(first.treatmentDate).toBe('20240108');
    expect(first.referencedPlanUid).toBe(course.planUid);
    expect(first.beams).toHaveLength(4);
    expect(first.beams[0]?.fractionNumber).toBe(1);
    expect(first.beams[0]?.terminationStatus).toBe('NORMAL');
    expect(first.beams[0]?.specifiedMeterset).toBe(course.beams[0]?.meterset);
    const missed = parseTreatmentRecord(file('RT_RECORD_03.dcm'), 'RT_RECORD_03.dcm');
    expect(missed.beams.every((b) => b.terminationStatus === 'MACHINE')).toBe(true);
    expect(missed.beams.every((b) => b.deliveredMeterset === 0)).toBe(true);
  });

  it('refuses an object of the wrong type with WRONG_OBJECT', () => {
    expect(() => parseDose(file('RP.dcm'), 'RP.dcm')).toThrowError(
      expect.objectContaining({ code: 'WRONG_OBJECT', file: 'RP.dcm' }),
    );
  });

  it('says which transfer syntax is unsupported for compressed pixel data', () => {
    expect(() => parseImage(compressedCt(), 'jpeg.dcm')).toThrowError(
      expect.objectContaining({
        code: 'UNSUPPORTED',
        message: expect.stringMatching(/unsupported transfer syntax JPEG Baseline/),
      }),
    );
  });
});

/** A CT slice whose meta header claims JPEG Baseline and whose pixels are encapsulated. */
function compressedCt(): Uint8Array {
  const ct = course.files[0]?.bytes;
  if (!ct) throw new Error('no CT');
  const parsed = parseImage(ct, 'ct');
  const body = encodeDataset({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: parsed.sopInstanceUid,
    StudyInstanceUID: parsed.studyInstanceUid,
    SeriesInstanceUID: parsed.seriesInstanceUid,
    FrameOfReferenceUID: parsed.frameOfReferenceUid,
    ImagePositionPatient: [...parsed.position],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [4, 4],
    Rows: 64,
    Columns: 64,
    BitsAllocated: 16,
    SamplesPerPixel: 1,
  });
  const meta = encodeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]),
    MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    MediaStorageSOPInstanceUID: parsed.sopInstanceUid,
    TransferSyntaxUID: '1.2.840.10008.1.2.4.50',
  });
  const groupLength = encodeDataset({ FileMetaInformationGroupLength: meta.length });
  // Pixel Data (7FE0,0010) OB, undefined length, empty offset table, one fragment, delimiter.
  const pixel = new Uint8Array([
    0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0, 0,
    0, 0, 0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 0xff, 0xd8, 0xff, 0xd9, 0xfe, 0xff, 0xdd, 0xe0, 0, 0,
    0, 0,
  ]);
  const out = new Uint8Array(132 + groupLength.length + meta.length + body.length + pixel.length);
  out.set(new TextEncoder().encode('DICM'), 128);
  out.set(groupLength, 132);
  out.set(meta, 132 + groupLength.length);
  out.set(body, 132 + groupLength.length + meta.length);
  out.set(pixel, 132 + groupLength.length + meta.length + body.length);
  return out;
}

const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const pydicomFile = (name: string) => `${PYDICOM}/${name}`;
const hasPydicom = existsSync(pydicomFile('rtplan.dcm'));
if (!hasPydicom) console.warn(`pydicom test files not found under ${PYDICOM}: skipping`);

describe.skipIf(!hasPydicom)("parsing the RT files Debian's python3-pydicom ships", () => {
  const read = (name: string) => new Uint8Array(readFileSync(pydicomFile(name)));

  it('rtplan.dcm (implicit VR): prescription, fractions, beam', () => {
    const plan = parsePlan(read('rtplan.dcm'), 'rtplan.dcm');
    expect(plan.label).toBe('Plan1');
    expect(plan.doseReferences.map((d) => d.type)).toEqual(['ORGAN_AT_RISK', 'TARGET']);
    expect(prescribedDoseGy(plan)).toBeCloseTo(30.826203, 6);
    expect(plan.fractionGroups[0]?.fractionsPlanned).toBe(30);
    expect(plan.fractionGroups[0]?.beams[0]?.meterset).toBeCloseTo(116.0036697, 6);
    expect(plan.beams[0]).toMatchObject({
      number: 1,
      name: 'Field 1',
      type: 'STATIC',
      radiationType: 'PHOTON',
      nominalEnergy: 6,
      gantryAngle: 0,
      controlPoints: 2,
      treatmentMachine: 'unit001',
    });
  });

  it('rtdose.dcm (implicit VR, 32-bit, relative dose): grid geometry and scaling', () => {
    const dose = parseDose(read('rtdose.dcm'), 'rtdose.dcm');
    expect(dose.rows).toBe(10);
    expect(dose.columns).toBe(10);
    expect(dose.frames).toBe(15);
    expect(dose.frameOffsets.slice(0, 3)).toEqual([0, 5, 10]);
    expect(dose.rowSpacing).toBe(10);
    expect(dose.units).toBe('RELATIVE');
    expect(dose.summationType).toBe('BEAM');
    expect(dose.position).toEqual([189.43125, 199.43125, -761.87]);
    expect(dose.dose).toHaveLength(1500);
    expect(dose.maxDose).toBeGreaterThan(0);
  });

  it('rtstruct.dcm (no preamble, implicit VR): ROIs, colours, contours', () => {
    const set = parseStructureSet(read('rtstruct.dcm'), 'rtstruct.dcm');
    expect(set.rois.map((r) => r.name)).toEqual(['patient', 'Isocenter 1', 'Isocenter 2']);
    expect(set.rois[0]?.color).toEqual([220, 160, 120]);
    expect(set.rois[0]?.interpretedType).toBe('EXTERNAL');
    expect(set.rois[0]?.contours).toHaveLength(3);
    expect(set.rois[0]?.contours[0]?.points).toHaveLength(15);
    expect(set.rois[1]?.contours[0]?.geometricType).toBe('POINT');
    expect(set.referencedSeriesUids).toEqual(['1.2.826.0.1.3680043.8.498.2010020400001.2.1.1']);
  });

  it('loads all three as one study with the errors it finds and nothing thrown', () => {
    const study = loadStudy(
      ['rtplan.dcm', 'rtdose.dcm', 'rtstruct.dcm'].map((name) => ({ name, bytes: read(name) })),
    );
    expect(study.errors).toEqual([]);
    expect(study.plans).toHaveLength(1);
    expect(study.doses).toHaveLength(1);
    expect(study.structureSets).toHaveLength(1);
  });
});

describe('RtError', () => {
  it('carries the code, file and tag', () => {
    const error = new RtError('MISSING_TAG', 'missing', 'a.dcm', '(0008,0016) SOPClassUID');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('a.dcm: missing');
    expect(error.tag).toBe('(0008,0016) SOPClassUID');
  });
});
