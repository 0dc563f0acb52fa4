// Summation across frames of reference: two hospitals' courses, each in its own frame,
// are summed only through an accepted registration (a REG object shared with the records,
// or an accepted automatic result), the prior dose resampled through it, and every result
// names the registration it used. Without one, or with one for other frames, it refuses.

import { describe, expect, it } from 'vitest';
import { createDoseSampler } from '../../src/shared/rt/dose-sampler';
import type { DoseGrid } from '../../src/shared/rt/parse/rtdose';
import {
  findRegistration,
  registrationsFromObject,
  type AcceptedRegistration,
} from '../../src/shared/rt/registration/accepted';
import { rigidFromEuler } from '../../src/shared/rt/registration/rigid';
import { writeSpatialRegistration } from '../../src/shared/rt/registration/spatial-registration';
import { loadStudy } from '../../src/shared/rt/study';
import { sumDoseGrids } from '../../src/shared/rt/sum';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';

function doseOf(seed: string, prescriptionGy: number): DoseGrid {
  const study = loadStudy(synthesizeCourse({ seed, prescriptionGy }).files);
  const dose = study.doses[0];
  if (!dose) throw new Error('no dose');
  return dose;
}

const prior = doseOf('hospital-a-2024', 50);
const current = doseOf('hospital-b-2026', 30);
// The prior patient lay 10 mm to the left and turned 2° about the table axis.
const priorToCurrent = rigidFromEuler([0, 0, (2 * Math.PI) / 180], [10, 0, 0]);
const accepted: AcceptedRegistration = {
  transform: {
    sourceFrameOfReferenceUid: prior.frameOfReferenceUid,
    targetFrameOfReferenceUid: current.frameOfReferenceUid,
    matrix: priorToCurrent,
  },
  origin: {
    kind: 'automatic',
    method: 'elastix 3-level rigid (Euler), Mattes mutual information',
    acceptedBy: 'Physicist^Hospital B',
    acceptedAt: '2026-03-10T10:15:00Z',
    adjusted: false,
  },
};

describe('summation across frames of reference', () => {
  it('has two courses in different frames (the premise)', () => {
    expect(prior.frameOfReferenceUid).not.toBe(current.frameOfReferenceUid);
  });

  it('refuses without a registration', () => {
    expect(() => sumDoseGrids([{ grid: current }, { grid: prior }])).toThrow(
      /no registration between them is available/,
    );
  });

  it('refuses a registration between other frames, naming them', () => {
    const wrong = {
      ...accepted,
      transform: { ...accepted.transform, sourceFrameOfReferenceUid: '1.2.3' },
    };
    expect(() => sumDoseGrids([{ grid: current }, { grid: prior, registration: wrong }])).toThrow(
      /registration given for .* maps frame of reference 1\.2\.3/,
    );
  });

  it('adds the prior dose resampled through the accepted registration, and says which', () => {
    const { grid, provenance } = sumDoseGrids([
      { grid: current, label: 'HospitalB 2026' },
      { grid: prior, label: 'HospitalA 2024', registration: accepted },
    ]);
    expect(grid.frameOfReferenceUid).toBe(current.frameOfReferenceUid);
    const inCurrent = createDoseSampler(current);
    const inPrior = createDoseSampler(prior);
    // Each voxel of the summed grid holds the current dose there plus the prior dose at
    // the point the registration maps onto it: p = Rᵀ (p' − t).
    const c = Math.cos((2 * Math.PI) / 180);
    const s = Math.sin((2 * Math.PI) / 180);
    const plane = grid.rows * grid.columns;
    let compared = 0;
    let moved = 0;
    for (let n = 0; n < grid.dose.length; n += 499) {
      const f = Math.floor(n / plane);
      const r = Math.floor((n % plane) / grid.columns);
      const col = n % grid.columns;
      const p = [
        grid.position[0] + col * grid.columnSpacing,
        grid.position[1] + r * grid.rowSpacing,
        grid.position[2] + (grid.frameOffsets[f] as number),
      ] as const;
      const [x, y] = [p[0] - 10, p[1]];
      const q = [c * x + s * y, -s * x + c * y, p[2]] as const;
      const expected = inCurrent(...p) + inPrior(...q);
      expect(grid.dose[n]).toBeCloseTo(expected, 3);
      if (inPrior(...q) > 1) compared++;
      if (Math.abs(inPrior(...q) - inPrior(...p)) > 1) moved++;
    }
    expect(compared).toBeGreaterThan(20);
    // Without the registration the answer would differ: the test can fail.
    expect(moved).toBeGreaterThan(5);
    const used = provenance.sources[1]?.registration;
    expect(provenance.sources[0]?.registration).toBeUndefined();
    expect(used?.sourceFrameOfReferenceUid).toBe(prior.frameOfReferenceUid);
    expect(used?.description).toMatch(
      /^automatic registration \(elastix .*\), accepted by Physicist\^Hospital B at 2026-03-10T10:15:00Z: rigid, rotation 2\.00°, translation \(10\.0, 0\.0, 0\.0\) mm$/,
    );
  });

  it('uses a DICOM REG shared with the records, either way round', () => {
    const bytes = writeSpatialRegistration({
      // Written at the other hospital: it registers the current frame to the prior one.
      transform: {
        sourceFrameOfReferenceUid: current.frameOfReferenceUid,
        targetFrameOfReferenceUid: prior.frameOfReferenceUid,
        matrix: rigidFromEuler([0, 0, 0], [-10, 0, 0]),
      },
      sopInstanceUid: '2.25.9001',
      seriesInstanceUid: '2.25.9002',
      patient: { patientName: 'PHANTOM^THORAX', patientId: 'SYN-0001' },
      study: { studyInstanceUid: '2.25.9003' },
      contentDate: '20240601',
      contentTime: '120000',
      creatorName: 'Physicist^Hospital A',
      description: 'registration',
      manufacturer: 'ACTION-EHR',
    });
    const study = loadStudy([{ name: 'REG.dcm', bytes }]);
    const candidates = study.registrations.flatMap(registrationsFromObject);
    const found = findRegistration(
      candidates,
      prior.frameOfReferenceUid,
      current.frameOfReferenceUid,
    );
    if (!found) throw new Error('no registration found');
    const { provenance } = sumDoseGrids([{ grid: current }, { grid: prior, registration: found }]);
    expect(provenance.sources[1]?.registration?.description).toMatch(
      /^DICOM registration object REG\.dcm \(2\.25\.9001, by Physicist\^Hospital A, 20240601\): rigid, rotation 0\.00°, translation \(10\.0, 0\.0, 0\.0\) mm$/,
    );
  });
});

describe('the viewer worker sums two hospitals’ courses', () => {
  it('through the REG object shared with the prior course, and names it', async () => {
    const { createRtWorkerHandler } = await import('../../src/renderer/viewer/rtWorkerHandler');
    const posted: import('../../src/renderer/viewer/protocol').WorkerResponse[] = [];
    const handle = createRtWorkerHandler((m) => posted.push(m));
    const a = synthesizeCourse({ seed: 'hospital-a-2024', prescriptionGy: 50 });
    const b = synthesizeCourse({ seed: 'hospital-b-2026', prescriptionGy: 30 });
    const reg = writeSpatialRegistration({
      transform: {
        sourceFrameOfReferenceUid: a.frameOfReferenceUid,
        targetFrameOfReferenceUid: b.frameOfReferenceUid,
        matrix: rigidFromEuler([0, 0, 0], [10, 0, 0]),
      },
      sopInstanceUid: '2.25.9101',
      seriesInstanceUid: '2.25.9102',
      patient: { patientName: 'PHANTOM^THORAX', patientId: 'SYN-0001' },
      study: { studyInstanceUid: '2.25.9103' },
      contentDate: '20260310',
      contentTime: '101500',
      creatorName: 'Physicist^Hospital B',
      description: 'registration',
      manufacturer: 'ACTION-EHR',
    });
    const files = (course: typeof a, extra: { name: string; bytes: Uint8Array }[] = []) =>
      [...course.files, ...extra].map((f) => ({ name: f.name, buffer: f.bytes.slice().buffer }));
    await handle({ kind: 'load', id: 1, courseId: 1, files: files(b) });
    await handle({
      kind: 'load',
      id: 2,
      courseId: 2,
      files: files(a, [{ name: 'REG.dcm', bytes: reg }]),
    });
    await handle({
      kind: 'sum',
      id: 3,
      sources: [
        { courseId: 1, doseIndex: 0, label: 'HospitalB 2026' },
        { courseId: 2, doseIndex: 0, label: 'HospitalA 2024' },
      ],
    });
    const answer = posted.filter((m) => m.kind !== 'progress').at(-1);
    if (answer?.kind !== 'summed') throw new Error(`sum answered ${JSON.stringify(answer)}`);
    expect(answer.result.provenance.sources[1]?.registration?.description).toMatch(
      /^DICOM registration object REG\.dcm \(2\.25\.9101, by Physicist\^Hospital B, 20260310\)/,
    );
    expect(answer.result.dvhs.length).toBeGreaterThan(0);
  });
});
