// The viewer's worker, driven in Node through the same request handler rt.worker.ts wires
// to `self`: what the UI thread receives for hostile files is what the reviewer will read.

import { describe, expect, it } from 'vitest';
import type { SyntheticCourse } from '../../src/shared/rt/synth/course';
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
