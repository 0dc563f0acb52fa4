// The demo's two courses (scripts/demo/reirradiation-2026.ts), built small: HospitalB's 2026
// re-irradiation plan lies in its own frame of reference, its REG maps the 2024 frame into
// it with the known shift and turn, its CT shows the phantom where the REG says, and the
// viewer worker sums the 2024 course and the 2026 plan through that REG, physically and in
// EQD2, naming the REG on the result.

import { describe, expect, it } from 'vitest';
import {
  POSE_2026,
  course2024Options,
  reirradiationPlan2026,
} from '../../scripts/demo/reirradiation-2026';
import { classifyFiles } from '../../src/main/records/classify';
import { createRtWorkerHandler } from '../../src/renderer/viewer/rtWorkerHandler';
import type { WorkerResponse } from '../../src/renderer/viewer/protocol';
import { createDoseSampler } from '../../src/shared/rt/dose-sampler';
import type { Vec3 } from '../../src/shared/rt/geometry';
import {
  findRegistration,
  registrationsFromObject,
} from '../../src/shared/rt/registration/accepted';
import { applyMatrix, invertRigid } from '../../src/shared/rt/registration/rigid';
import { resampleVolume, volumeFromSeries } from '../../src/shared/rt/registration/volume';
import { loadStudy } from '../../src/shared/rt/study';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';

const size = { matrix: 64, slices: 40, patientName: 'DEMO^JOHN' };
const prior = synthesizeCourse(course2024Options({ ...size, patientId: 'HA-2024-0042' }));
const plan = reirradiationPlan2026({ ...size, patientId: 'HB-2026-0107' });
const priorStudy = loadStudy(prior.files);
const planStudy = loadStudy(plan.files);

/** Where the 2026 CT's pose puts a point of the 2024 frame (what the REG must give). */
function expectedIn2026([x, y, z]: Vec3): Vec3 {
  const a = (POSE_2026.tableRotationDeg * Math.PI) / 180;
  const [tx, ty, tz] = POSE_2026.shiftMm;
  return [Math.cos(a) * x - Math.sin(a) * y + tx, Math.sin(a) * x + Math.cos(a) * y + ty, z + tz];
}

function registration() {
  const found = findRegistration(
    planStudy.registrations.flatMap(registrationsFromObject),
    prior.frameOfReferenceUid,
    plan.course.frameOfReferenceUid,
  );
  if (!found) throw new Error('the 2026 plan carries no REG from the 2024 frame');
  return found;
}

describe('the demo’s 2026 re-irradiation plan', () => {
  it('is a 10-fraction plan in HospitalB’s own frame, with a REG from the 2024 frame', () => {
    expect(planStudy.errors).toEqual([]);
    expect(priorStudy.errors).toEqual([]);
    expect(plan.course.frameOfReferenceUid).not.toBe(prior.frameOfReferenceUid);
    expect(plan.priorFrameOfReferenceUid).toBe(prior.frameOfReferenceUid);
    expect(plan.course.fractions).toBe(10);
    expect(plan.course.prescriptionGy).toBe(30);
    expect(planStudy.registrations).toHaveLength(1);
    // Shared from the PACS like the rest of the course: the REG goes with the images.
    const categories = classifyFiles(plan.files.map((f) => ({ name: f.name, bytes: f.bytes })));
    expect(categories.find((c) => c.file.name === 'REG.dcm')?.category).toBe('imaging');
  });

  it('carries the known shift and turn: every point of a 20 cm cube within 1 mm', () => {
    const matrix = registration().transform.matrix;
    let worst = 0;
    for (const dx of [-100, 100])
      for (const dy of [-100, 100])
        for (const dz of [-100, 100]) {
          const p: Vec3 = [20 + dx, -10 + dy, dz];
          const [x, y, z] = applyMatrix(matrix, p);
          const [u, v, w] = expectedIn2026(p);
          worst = Math.max(worst, Math.hypot(x - u, y - v, z - w));
        }
    expect(worst).toBeLessThan(1);
  });

  it('shows the phantom where the REG says: the 2024 CT through it matches the 2026 CT', () => {
    const current = volumeFromSeries(planStudy.imageSeries[0]!);
    const before = volumeFromSeries(priorStudy.imageSeries[0]!);
    // Compared away from the ends: the 6 mm shift puts the 2026 CT's end slices beyond
    // the 2024 CT.
    const plane = current.size[0] * current.size[1];
    const from = 4 * plane;
    const to = current.hu.length - 4 * plane;
    const meanDifference = (ontoToSource: readonly number[]) => {
      const moved = resampleVolume(before, current, ontoToSource);
      let sum = 0;
      for (let i = from; i < to; i++) sum += Math.abs(moved[i]! - current.hu[i]!);
      return sum / (to - from);
    };
    const through = meanDifference(invertRigid(registration().transform.matrix));
    const without = meanDifference([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    // Voxels on the edges differ after resampling; unregistered, whole organs do.
    expect(through).toBeLessThan(without / 3);
  });

  it('sums with the 2024 course through the REG, physically and in EQD2', async () => {
    const posted: WorkerResponse[] = [];
    const handle = createRtWorkerHandler((m) => posted.push(m));
    const buffers = (files: { name: string; bytes: Uint8Array }[]) =>
      files.map((f) => ({ name: f.name, buffer: f.bytes.slice().buffer }));
    await handle({ kind: 'load', id: 1, courseId: 1, files: buffers(plan.files) });
    await handle({ kind: 'load', id: 2, courseId: 2, files: buffers(prior.files) });
    const sources = [
      { courseId: 1, doseIndex: 0, label: 'HospitalB 2026' },
      { courseId: 2, doseIndex: 0, label: 'HospitalA 2024' },
    ];
    await handle({ kind: 'sum', id: 3, sources });
    const summed = posted.filter((m) => m.kind !== 'progress').at(-1);
    if (summed?.kind !== 'summed') throw new Error(`sum answered ${JSON.stringify(summed)}`);
    const { grid, provenance } = summed.result;
    expect(grid.frameOfReferenceUid).toBe(plan.course.frameOfReferenceUid);
    expect(provenance.sources[1]?.registration?.description).toMatch(
      /^DICOM registration object REG\.dcm .*by Demo\^Marie, 20260305\): rigid, rotation 2\.50°, translation \(12\.0, -8\.0, 6\.0\) mm$/,
    );

    // On the 2024 dose's steep edge (about 4 Gy/mm), the sum holds the 2026 dose there plus
    // the 2024 dose where the REG says this point was in 2024; unregistered it would not.
    const sum = createDoseSampler(grid);
    const now = createDoseSampler(planStudy.doses[0]!);
    const before = createDoseSampler(priorStudy.doses[0]!);
    const edge2024: Vec3 = [55, -10, 0];
    const p = expectedIn2026(edge2024);
    // (Within 2 Gy: the small test's dose grid is 8 mm, so interpolation differs there.)
    expect(Math.abs(sum(...p) - (now(...p) + before(...edge2024)))).toBeLessThan(2);
    expect(Math.abs(before(...p) - before(...edge2024))).toBeGreaterThan(10);

    // EQD2 (α/β 10 Gy) at the PTV's centre: 2024 ≈ 61.2 Gy in 30 fx → 61.4 Gy; 2026 ≈ 30.6 Gy
    // in 10 fx (3.06 Gy/fx) → 33.3 Gy; the cumulative maximum is their sum, about 94.7 Gy.
    await handle({ kind: 'eqd2', id: 4, sources, needs: [{ roiName: 'PTV', alphaBetaGy: 10 }] });
    const eqd2 = posted.filter((m) => m.kind !== 'progress').at(-1);
    if (eqd2?.kind !== 'eqd2') throw new Error(`eqd2 answered ${JSON.stringify(eqd2)}`);
    const ptv = eqd2.results[0];
    expect(ptv?.problem).toBeUndefined();
    expect(ptv?.dvh?.maxGy).toBeGreaterThan(93);
    expect(ptv?.dvh?.maxGy).toBeLessThan(96.5);
  });
});
