// The viewer's worker, driven in Node through the same request handler rt.worker.ts wires
// to `self`: what the UI thread receives for hostile files is what the reviewer will read.

import { describe, expect, it } from 'vitest';
import { computeRoiDvh } from '../../src/shared/rt/roi-dvh';
import { loadStudy } from '../../src/shared/rt/study';
import { sumDoseGrids } from '../../src/shared/rt/sum';
import { synthesizeCourse, type SyntheticCourse } from '../../src/shared/rt/synth/course';
import type { CourseData, WorkerRequest, WorkerResponse } from '../../src/renderer/viewer/protocol';
import { createRtWorkerHandler } from '../../src/renderer/viewer/rtWorkerHandler';
import { editContours, fileOf, hostileCourse, withLength } from './hostile';

function worker() {
  const posted: WorkerResponse[] = [];
  const handle = createRtWorkerHandler((message) => posted.push(message));
  return {
    async send(request: WorkerRequest): Promise<WorkerResponse> {
      await handle(request);
      const last = posted.filter((m) => m.kind !== 'progress').at(-1);
      if (!last) throw new Error('the worker answered nothing');
      return last;
    },
  };
}

async function load(
  rt: ReturnType<typeof worker>,
  course: SyntheticCourse,
  replace = {},
): Promise<CourseData> {
  const files = course.files.map((f) => ({
    name: f.name,
    buffer: ((replace as Record<string, Uint8Array>)[f.name] ?? f.bytes).slice().buffer,
  }));
  const answer = await rt.send({ kind: 'load', id: 1, courseId: 1, files });
  if (answer.kind !== 'loaded') throw new Error(`load answered ${answer.kind}`);
  return answer.course;
}

describe('the viewer worker with hostile files', () => {
  it('lists the refused dose by attribute and carries the plan’s warning to the UI', async () => {
    const course = hostileCourse(
      { 'RD.dcm': (ds) => ({ ...ds, DoseGridScaling: '1e30' }) },
      { implicitVr: ['RP.dcm'] },
    );
    const damagedPlan = withLength(fileOf(course, 'RP.dcm'), 'ApprovalStatus', 0xffffffff);
    const loaded = await load(worker(), course, { 'RP.dcm': damagedPlan });
    expect(loaded.doses).toHaveLength(0);
    expect(loaded.errors).toEqual([
      expect.objectContaining({ file: 'RD.dcm', tag: '(3004,000E) DoseGridScaling' }),
    ]);
    expect(loaded.plans[0]?.warnings).toEqual([expect.stringMatching(/ApprovalStatus/)]);
    expect(loaded.warnings).toContainEqual(
      expect.stringMatching(/^RP\.dcm: \(300E,0002\) ApprovalStatus.*undefined length/),
    );
  });

  it('answers a DVH beyond the work bound with a clear problem per ROI', async () => {
    // In-plane coordinates ×70: still within the patient space (< 10 m), but over a billion
    // lattice steps for the body.
    const course = hostileCourse({
      'RS.dcm': editContours((points) => points.map((v, i) => (i % 3 === 2 ? v : v * 70))),
    });
    const rt = worker();
    const loaded = await load(rt, course);
    expect(loaded.errors).toEqual([]);
    const answer = await rt.send({
      kind: 'dvh',
      id: 2,
      courseId: 1,
      structureSetIndex: 0,
      doseIndex: 0,
      roiNumbers: [1],
    });
    if (answer.kind !== 'dvh') throw new Error(`dvh answered ${answer.kind}`);
    expect(answer.results).toEqual([
      expect.objectContaining({
        roiName: 'BODY',
        dvh: null,
        problem: expect.stringMatching(/ROI "BODY".*ContourData.*more than the limit/),
      }),
    ]);
  });
});

describe('the first picture', () => {
  it('posts the slice the viewer opens on before the course, the same as it will be in it', async () => {
    const course = hostileCourse({}, { slices: 9 });
    const posted: WorkerResponse[] = [];
    // postMessage copies: so does the test, since the handler transfers the pixels.
    const handle = createRtWorkerHandler((m) => posted.push(structuredClone(m)));
    // The files in another order than the slices: the middle one is found by position.
    const files = [...course.files]
      .reverse()
      .map((f) => ({ name: f.name, buffer: f.bytes.slice().buffer }));
    await handle({ kind: 'load', id: 1, courseId: 1, files });
    const kinds = posted.map((m) => m.kind).filter((k) => k !== 'progress');
    expect(kinds).toEqual(['preview', 'loaded']);
    // Posted before the parse of the course began.
    expect(posted.findIndex((m) => m.kind === 'preview')).toBeLessThan(
      posted.findIndex((m) => m.kind === 'progress' && m.what === 'Parsing DICOM'),
    );
    const preview = posted.find((m) => m.kind === 'preview');
    const loaded = posted.find((m) => m.kind === 'loaded');
    if (preview?.kind !== 'preview' || loaded?.kind !== 'loaded') throw new Error('no answer');
    const series = loaded.course.imageSeries[0];
    expect(preview.preview).toMatchObject({ index: 4, count: 9 });
    const middle = series?.slices[Math.floor(series.slices.length / 2)];
    expect(preview.preview.slice.sopInstanceUid).toBe(middle?.sopInstanceUid);
    expect(preview.preview.slice.pixels).toEqual(middle?.pixels);
  });

  it('posts no picture when no file is a CT or MR slice, and still loads the rest', async () => {
    const course = hostileCourse({});
    const posted: WorkerResponse[] = [];
    const handle = createRtWorkerHandler((m) => posted.push(structuredClone(m)));
    const files = course.files
      .filter((f) => !f.name.startsWith('CT_'))
      .map((f) => ({ name: f.name, buffer: f.bytes.slice().buffer }));
    await handle({ kind: 'load', id: 1, courseId: 1, files });
    expect(posted.map((m) => m.kind).filter((k) => k !== 'progress')).toEqual(['loaded']);
  });
});

describe('cumulative EQD2 for the constraint table', () => {
  const courseA = synthesizeCourse({ seed: 'eqd2-a' });
  const courseB = synthesizeCourse({
    seed: 'eqd2-b',
    frameOfReferenceUid: courseA.frameOfReferenceUid,
    prescriptionGy: 20,
    fractions: 5,
  });
  const filesOf = (course: SyntheticCourse, skip = '') =>
    course.files
      .filter((f) => f.name !== skip)
      .map((f) => ({ name: f.name, buffer: f.bytes.slice().buffer }));
  const sources = [
    { courseId: 1, doseIndex: 0, label: 'Course A' },
    { courseId: 2, doseIndex: 0, label: 'Course B' },
  ];

  it('sums each course in EQD2 with its own fractions, one sum per α/β, as Node does', async () => {
    const rt = worker();
    await rt.send({ kind: 'load', id: 1, courseId: 1, files: filesOf(courseA) });
    await rt.send({ kind: 'load', id: 2, courseId: 2, files: filesOf(courseB) });
    const needs = [
      { roiName: 'SPINAL_CORD', alphaBetaGy: 2 },
      { roiName: 'SPINAL_CORD', alphaBetaGy: 3 },
      { roiName: 'PTV', alphaBetaGy: 10 },
    ];
    const answer = await rt.send({ kind: 'eqd2', id: 3, sources, needs });
    if (answer.kind !== 'eqd2') throw new Error(`eqd2 answered ${answer.kind}`);

    const a = loadStudy(courseA.files);
    const b = loadStudy(courseB.files);
    const expected = needs.map((need) => {
      const grid = sumDoseGrids(
        [
          { grid: a.doses[0]!, fractions: a.plans[0]!.fractionGroups[0]!.fractionsPlanned },
          { grid: b.doses[0]!, fractions: 5 },
        ],
        { biological: { quantity: 'EQD2', alphaBetaGy: need.alphaBetaGy } },
      ).grid;
      const roi = a.structureSets[0]!.rois.find((r) => r.name === need.roiName)!;
      return computeRoiDvh(roi, grid).dvh?.maxGy;
    });
    expect(answer.results.map((r) => r.dvh?.maxGy)).toEqual(expected);
    expect(answer.results.map((r) => r.problem)).toEqual([undefined, undefined, undefined]);
    // The cord gets well under 2 Gy per fraction here, so a lower α/β gives it less EQD2.
    expect(expected[0]).toBeLessThan(expected[1] as number);
  });

  it('refuses EQD2 for a course whose plan was not opened, naming it', async () => {
    const rt = worker();
    await rt.send({ kind: 'load', id: 1, courseId: 1, files: filesOf(courseA) });
    await rt.send({ kind: 'load', id: 2, courseId: 2, files: filesOf(courseB, 'RP.dcm') });
    const answer = await rt.send({
      kind: 'eqd2',
      id: 3,
      sources,
      needs: [{ roiName: 'SPINAL_CORD', alphaBetaGy: 2 }],
    });
    expect(answer).toMatchObject({
      kind: 'failed',
      code: 'BAD_VALUE',
      message: expect.stringMatching(/^Course B: its plan was not opened.*no EQD2 was computed/),
    });
  });
});
