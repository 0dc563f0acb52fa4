// Files as other planning and research systems write them: optional cross-references left
// empty, a structure set that names no image series, structures we cannot turn into a
// volume beside usable ones, a structure reaching outside the dose grid, several fraction
// groups. Each is the synthetic course with that one difference, read by the course loader
// and by the viewer's worker.

import { describe, expect, it } from 'vitest';
import type { DicomDataset } from '../../src/shared/rt/dicom-writer';
import { SOP_CLASS } from '../../src/shared/rt/dictionary';
import type { WorkerResponse } from '../../src/renderer/viewer/protocol';
import { createRtWorkerHandler } from '../../src/renderer/viewer/rtWorkerHandler';
import { buildDoseHistory } from '../../src/shared/rt/history';
import { groupPrescribedDoseGy, prescribedDoseGy } from '../../src/shared/rt/parse/rtplan';
import { loadStudy } from '../../src/shared/rt/study';
import { computeRoiDvh } from '../../src/shared/rt/roi-dvh';
import type { SyntheticCourse } from '../../src/shared/rt/synth/course';
import { editRoi, hostileCourse, lastSessionIsBoost, sagittal, withBoost } from './hostile';

async function viaWorker(course: SyntheticCourse) {
  const posted: WorkerResponse[] = [];
  const handle = createRtWorkerHandler((m) => posted.push(m));
  const files = course.files.map((f) => ({ name: f.name, buffer: f.bytes.slice().buffer }));
  await handle({ kind: 'load', id: 1, courseId: 1, files });
  const loaded = posted.find((m) => m.kind === 'loaded');
  if (loaded?.kind !== 'loaded') throw new Error(`load answered ${JSON.stringify(posted.at(-1))}`);
  await handle({
    kind: 'dvh',
    id: 2,
    courseId: 1,
    structureSetIndex: 0,
    doseIndex: 0,
    roiNumbers: [1, 2, 3, 4],
  });
  const dvh = posted.find((m) => m.kind === 'dvh');
  if (dvh?.kind !== 'dvh') throw new Error('no DVH answer');
  return { course: loaded.course, dvhs: dvh.results };
}

describe('optional cross-references left empty', () => {
  it('reads an RTDOSE whose plan reference has no UID, with a warning on that dose', async () => {
    const course = hostileCourse({
      'RD.dcm': (ds) => ({
        ...ds,
        ReferencedRTPlanSequence: [{ ReferencedSOPClassUID: SOP_CLASS.rtPlan }],
      }),
    });
    const study = loadStudy(course.files);
    expect(study.errors).toEqual([]);
    expect(study.doses).toHaveLength(1);
    expect(study.doses[0]?.referencedPlanUid).toBeUndefined();
    const warning = /ReferencedSOPInstanceUID in ReferencedRTPlanSequence\[1\]: empty or missing/;
    expect(study.doses[0]?.warnings).toEqual([expect.stringMatching(warning)]);
    expect(study.warnings).toContainEqual(
      expect.stringMatching(new RegExp(`^RD\\.dcm: .*${warning.source}`)),
    );
    // The viewer lists it with the file's warnings, and the DVHs are still there.
    const { course: loaded, dvhs } = await viaWorker(course);
    expect(loaded.warnings).toContainEqual(expect.stringMatching(warning));
    expect(dvhs.every((r) => r.dvh !== null)).toBe(true);
  });

  it('reads a structure set that names no image series by its frame of reference', () => {
    const course = hostileCourse({
      'RS.dcm': (ds) => {
        const frames = ds.ReferencedFrameOfReferenceSequence as DicomDataset[];
        const contours = (ds.ROIContourSequence as DicomDataset[]).map((roi) => ({
          ...roi,
          ContourSequence: (roi.ContourSequence as DicomDataset[]).map(
            ({ ContourImageSequence: _dropped, ...rest }) => rest,
          ),
        }));
        return {
          ...ds,
          ROIContourSequence: contours,
          ReferencedFrameOfReferenceSequence: frames.map(
            ({ RTReferencedStudySequence: _s, ...f }) => f,
          ),
        };
      },
    });
    const study = loadStudy(course.files);
    expect(study.errors).toEqual([]);
    const set = study.structureSets[0];
    expect(set?.frameOfReferenceUid).toBe(course.frameOfReferenceUid);
    expect(set?.warnings).toEqual([
      expect.stringMatching(
        /RTReferencedSeriesSequence.*references no image series and no image; the ROIs are placed by frame of reference/,
      ),
    ]);
  });

  it('still refuses a structure set that names no frame of reference anywhere', () => {
    const course = hostileCourse({
      'RS.dcm': (ds) => {
        const { ReferencedFrameOfReferenceSequence: _f, ...rest } = ds;
        return {
          ...rest,
          StructureSetROISequence: (ds.StructureSetROISequence as DicomDataset[]).map(
            ({ ReferencedFrameOfReferenceUID: _r, ...roi }) => roi,
          ),
        };
      },
    });
    const study = loadStudy(course.files);
    expect(study.structureSets).toHaveLength(0);
    expect(study.errors).toEqual([
      expect.objectContaining({
        file: 'RS.dcm',
        code: 'NO_REFERENCED_IMAGE',
        message: expect.stringMatching(/names no frame of reference/),
      }),
    ]);
  });
});

describe('structures that cannot be used fail alone', () => {
  it('gives sagittal, open and too-short structures their reason and the others their DVH', async () => {
    const course = hostileCourse({
      'RS.dcm': (ds) =>
        [
          sagittal,
          editRoi(2, (roi) => ({
            ...roi,
            ContourSequence: (roi.ContourSequence as DicomDataset[]).map((c) => ({
              ...c,
              ContourGeometricType: 'OPEN_PLANAR',
            })),
          })),
          editRoi(4, (roi) => ({
            ...roi,
            ContourSequence: (roi.ContourSequence as DicomDataset[]).map((c) => ({
              ...c,
              NumberOfContourPoints: 2,
              ContourData: (c.ContourData as readonly number[]).slice(0, 6),
            })),
          })),
        ].reduce((d, edit) => edit(d), ds),
    });
    const names = Object.fromEntries(course.rois.map((r) => [r.number, r.name]));
    const { dvhs } = await viaWorker(course);
    const by = new Map(dvhs.map((r) => [r.roiNumber, r]));
    expect(by.get(1)?.dvh?.volumeCc).toBeGreaterThan(0);
    expect(by.get(1)?.problem).toBeUndefined();
    expect(by.get(2)).toMatchObject({
      dvh: null,
      problem: `ROI "${names[2]}" has only OPEN_PLANAR contours; a volume needs CLOSED_PLANAR contours`,
    });
    expect(by.get(3)).toMatchObject({
      dvh: null,
      problem: expect.stringMatching(/not in an axial plane/),
    });
    expect(by.get(4)).toMatchObject({
      dvh: null,
      problem: expect.stringMatching(/fewer than 3 points/),
    });
  });

  it('leaves a two-point contour out of a structure that has real ones, and says so', () => {
    const course = hostileCourse({
      'RS.dcm': editRoi(1, (roi) => {
        const contours = roi.ContourSequence as DicomDataset[];
        const stray = {
          ...contours[0]!,
          NumberOfContourPoints: 2,
          ContourData: (contours[0]!.ContourData as readonly number[]).slice(0, 6),
        };
        return { ...roi, ContourSequence: [...contours, stray] };
      }),
    });
    const study = loadStudy(course.files);
    const outcome = computeRoiDvh(study.structureSets[0]!.rois[0]!, study.doses[0]!);
    expect(outcome.dvh?.volumeCc).toBeGreaterThan(0);
    expect(outcome.warnings).toEqual(['1 closed contour of fewer than 3 points left out']);
  });
});

describe('contours off the CT’s slice planes', () => {
  it('computes the DVH as drawn and warns that the contours miss the CT’s planes', async () => {
    const plain = loadStudy(hostileCourse({}).files);
    const offsets = plain.imageSeries[0]!.sliceOffsets;
    const half = ((offsets[1] as number) - (offsets[0] as number)) / 2;
    const course = hostileCourse({
      'RS.dcm': editRoi(2, (roi) => ({
        ...roi,
        ContourSequence: (roi.ContourSequence as DicomDataset[]).map((c) => ({
          ...c,
          ContourData: (c.ContourData as readonly number[]).map((v, i) =>
            i % 3 === 2 ? v + half : v,
          ),
        })),
      })),
    });
    const { dvhs } = await viaWorker(course);
    const [body, ptv, ...rest] = dvhs;
    expect(ptv?.dvh?.volumeCc).toBeGreaterThan(0);
    expect(ptv?.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\d+ of \\d+ contours lie off the CT's slice planes \\(up to ${half.toFixed(1)} mm away\\); the DVH uses them as drawn$`,
        ),
      ),
    ]);
    for (const other of [body, ...rest]) expect(other?.warnings).toEqual([]);
  });
});

describe('a structure partly outside the dose grid', () => {
  it('says which share of its volume has no dose and counts it as 0 Gy', () => {
    const inside = loadStudy(hostileCourse({}).files);
    // The grid moved 50 mm along x: the body's left side now lies beyond it.
    const shifted = loadStudy(
      hostileCourse({
        'RD.dcm': (ds) => {
          const [x, y, z] = ds.ImagePositionPatient as readonly number[];
          return { ...ds, ImagePositionPatient: [x! + 50, y!, z!] };
        },
      }).files,
    );
    const body = inside.structureSets[0]!.rois[0]!;
    const whole = computeRoiDvh(body, inside.doses[0]!);
    const part = computeRoiDvh(shifted.structureSets[0]!.rois[0]!, shifted.doses[0]!);
    expect(whole.dvh?.outsideGridCc).toBe(0);
    expect(whole.warnings).toEqual([]);
    const dvh = part.dvh!;
    // Same structure, same volume; the part beyond the grid is in the 0 Gy bin.
    expect(dvh.volumeCc).toBeCloseTo(whole.dvh!.volumeCc, 6);
    expect(dvh.outsideGridCc).toBeGreaterThan(0.05 * dvh.volumeCc);
    expect(dvh.outsideGridCc).toBeLessThan(dvh.volumeCc);
    expect(dvh.minGy).toBe(0);
    expect(dvh.differentialCc[0]).toBeGreaterThanOrEqual(dvh.outsideGridCc - 1e-9);
    const percent = ((100 * dvh.outsideGridCc) / dvh.volumeCc).toFixed(1);
    expect(part.warnings).toEqual([
      `${percent}% of its volume (${dvh.outsideGridCc.toFixed(2)} cc) lies outside the dose grid; volume outside the dose grid counts as receiving 0 Gy`,
    ]);
  });
});

describe('a plan with several fraction groups', () => {
  it('reads each group’s fractions, MU and prescription and counts them all in the history', () => {
    const plain = hostileCourse({});
    const lastRecord = plain.files.filter((f) => f.name.startsWith('RT_RECORD_')).at(-1)!.name;
    const course = hostileCourse({ 'RP.dcm': withBoost, [lastRecord]: lastSessionIsBoost });
    const study = loadStudy(course.files);
    expect(study.errors).toEqual([]);
    const plan = study.plans[0]!;
    expect(plan.fractionGroups.map((g) => [g.number, g.description, g.fractionsPlanned])).toEqual([
      [1, 'Primary', 30],
      [2, 'Boost', 5],
    ]);
    const plannedMu = course.beams.map((b) => b.meterset);
    expect(plan.fractionGroups[1]?.beams.map((b) => b.meterset)).toEqual(
      plannedMu.map((m) => m + 10),
    );
    expect(groupPrescribedDoseGy(plan, plan.fractionGroups[0]!)).toBe(course.prescriptionGy);
    expect(groupPrescribedDoseGy(plan, plan.fractionGroups[1]!)).toBe(10);
    expect(prescribedDoseGy(plan)).toBe(course.prescriptionGy + 10);

    const [history] = buildDoseHistory(study.plans, study.treatmentRecords).courses;
    const perFraction = course.prescriptionGy / course.fractions;
    // Six sessions: fractions 1, 2, (missed), 3, 4 of the primary; fraction 1 of the boost.
    expect(history).toMatchObject({
      fractionsPlanned: 35,
      prescribedDoseGy: course.prescriptionGy + 10,
      fractionsDelivered: 5,
      missedSessions: 1,
      dosePerFractionGy: perFraction,
    });
    const [primary, boost] = history!.fractionGroups;
    expect(primary).toMatchObject({ number: 1, fractionsPlanned: 30, fractionsDelivered: 4 });
    expect(primary?.plannedMetersetPerFraction).toBeCloseTo(
      plannedMu.reduce((a, b) => a + b),
      6,
    );
    expect(boost).toMatchObject({
      number: 2,
      description: 'Boost',
      fractionsPlanned: 5,
      fractionsDelivered: 1,
      prescribedDoseGy: 10,
    });
    expect(boost?.beams.map((b) => b.metersetPerFraction)).toEqual(plannedMu.map((m) => m + 10));
    expect(boost?.deliveredDoseGy).toBeCloseTo(2, 6);
    expect(history?.deliveredDoseGy).toBeCloseTo((primary?.deliveredDoseGy ?? NaN) + 2, 6);
    expect(history?.sessions.at(-1)).toMatchObject({
      fractionGroupNumber: 2,
      fractionNumber: 1,
      status: 'delivered',
    });
  });
});
