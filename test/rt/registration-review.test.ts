// The maths of the on-screen registration review: the checkerboard shows the prior CT
// through the candidate (edges continue across squares only when the candidate is right),
// each nudge moves the candidate by exactly what its button says, and the readout gives
// back the translation and angles the transform holds.
import { describe, expect, it } from 'vitest';
import { loadStudy } from '../../src/shared/rt/study';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import {
  IDENTITY,
  applyMatrix,
  invertRigid,
  rigidFromEuler,
} from '../../src/shared/rt/registration/rigid';
import {
  checkerboardSlice,
  nudgeTransform,
  readTransform,
  registrationVolume,
  volumeCentre,
} from '../../src/shared/rt/registration/review';
import { resampleVolume, type CtVolume } from '../../src/shared/rt/registration/volume';

const DEG = Math.PI / 180;

function currentCt(): CtVolume {
  const course = synthesizeCourse({ matrix: 96, slices: 20, seed: 'review' });
  const series = loadStudy(course.files).imageSeries[0];
  if (!series) throw new Error('no CT');
  return registrationVolume(series);
}

/** Mean |difference| (HU) between the checkerboard and the current CT on slice k. */
function meanDifference(board: Float32Array, current: CtVolume, k: number): number {
  const [nx, ny] = current.size;
  let sum = 0;
  for (let n = 0; n < nx * ny; n++)
    sum += Math.abs((board[n] as number) - (current.hu[k * nx * ny + n] as number));
  return sum / (nx * ny);
}

describe('registration review', () => {
  const current = currentCt();
  const k = 10;
  // Prior → current: 8 mm along x and 4° about the table axis.
  const truth = rigidFromEuler([0, 0, 4 * DEG], [8, 0, 0], volumeCentre(current));
  const prior: CtVolume = {
    ...current,
    frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.79',
    hu: resampleVolume(current, current, truth),
  };

  it('shows the prior CT matching the current one only through the right transform', () => {
    const right = checkerboardSlice(current, prior, truth, k);
    const wrong = checkerboardSlice(current, prior, IDENTITY, k);
    // Through the truth the prior squares are the current CT again (up to interpolation
    // and the air resampled in at the edge); through the identity they are not.
    expect(meanDifference(right, current, k)).toBeLessThan(15);
    expect(meanDifference(wrong, current, k)).toBeGreaterThan(
      3 * meanDifference(right, current, k),
    );
    // Half the squares are the current CT itself, exactly.
    expect(right[0]).toBe(current.hu[k * current.size[0] * current.size[1]]);
  });

  it('nudges by exactly 1 mm and 0.5°, and back again', () => {
    const centre = volumeCentre(current);
    const t = { sourceFrameOfReferenceUid: 'a', targetFrameOfReferenceUid: 'b', matrix: truth };
    const moved = nudgeTransform(t, { kind: 'translate', axis: 'y', amount: 1 }, centre);
    const before = readTransform(t.matrix);
    const after = readTransform(moved.matrix);
    expect(after.translationMm[1] - before.translationMm[1]).toBeCloseTo(1, 9);
    expect(after.translationMm[0]).toBeCloseTo(before.translationMm[0], 9);
    expect(after.rotationDeg[2]).toBeCloseTo(before.rotationDeg[2], 9);

    const turned = nudgeTransform(t, { kind: 'rotate', axis: 'z', amount: 0.5 }, centre);
    expect(readTransform(turned.matrix).rotationDeg[2]).toBeCloseTo(4.5, 9);
    // A rotation about the CT's centre leaves the prior point shown there where it was.
    const p = applyMatrix(invertRigid(t.matrix), centre);
    expect(applyMatrix(turned.matrix, p)).toEqual(centre.map((v) => expect.closeTo(v, 6)));
    const back = nudgeTransform(turned, { kind: 'rotate', axis: 'z', amount: -0.5 }, centre);
    back.matrix.forEach((v, i) => expect(v).toBeCloseTo(t.matrix[i] as number, 12));
  });

  it('reads back the translation and angles a transform was built from', () => {
    const m = rigidFromEuler([1 * DEG, -2 * DEG, 3 * DEG], [4, -5, 6]);
    const r = readTransform(m);
    expect(r.translationMm).toEqual([4, -5, 6].map((v) => expect.closeTo(v, 9)));
    expect(r.rotationDeg).toEqual([1, -2, 3].map((v) => expect.closeTo(v, 9)));
  });
});
