// Automatic rigid registration (elastix, mutual information) recovers a known rigid move
// of a synthetic CT: the prior course's CT is the current one seen through a known shift
// and rotation, in another frame of reference, and the registration must give that
// transform back within 1 mm (anywhere in a 10 cm cube about the target) and 0.5°.

import { describe, expect, it } from 'vitest';
import { worstDisplacementMm } from './helpers';
import { registerRigidAutomatically } from '../../src/main/rt/elastix-registration';
import { loadStudy } from '../../src/shared/rt/study';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import {
  invertRigid,
  multiply,
  rigidFromEuler,
  rotationAngleDeg,
} from '../../src/shared/rt/registration/rigid';
import {
  resampleVolume,
  volumeFromSeries,
  type CtVolume,
} from '../../src/shared/rt/registration/volume';

const DEG = Math.PI / 180;
const PRIOR_FOR = '1.2.826.0.1.3680043.8.498.77';

function currentCt(): CtVolume {
  const course = synthesizeCourse({ matrix: 128, slices: 60, seed: 'registration' });
  const study = loadStudy(course.files);
  expect(study.errors).toEqual([]);
  const series = study.imageSeries[0];
  if (!series) throw new Error('no CT');
  return volumeFromSeries(series);
}

describe('automatic rigid registration with elastix', () => {
  const fixed = currentCt();

  it('recovers a known shift and rotation of the prior CT within 1 mm and 0.5°', async () => {
    // Prior → current: the patient lay 3° turned about the table axis, 1.5° tilted, and
    // 6 mm / −4 mm / 5 mm away.
    const truth = rigidFromEuler([1.5 * DEG, 0, 3 * DEG], [6, -4, 5], [0, 0, 0]);
    const moving: CtVolume = {
      ...fixed,
      frameOfReferenceUid: PRIOR_FOR,
      hu: resampleVolume(fixed, fixed, truth),
    };
    const found = await registerRigidAutomatically(fixed, moving);
    expect(found.transform.sourceFrameOfReferenceUid).toBe(PRIOR_FOR);
    expect(found.transform.targetFrameOfReferenceUid).toBe(fixed.frameOfReferenceUid);
    expect(found.method).toMatch(/elastix.*mutual information/);
    const residual = multiply(found.transform.matrix, invertRigid(truth));
    expect(rotationAngleDeg(residual)).toBeLessThan(0.5);
    expect(worstDisplacementMm(found.transform.matrix, truth, [20, -10, 0])).toBeLessThan(1);
    // The test can fail: the identity is far from the truth.
    expect(worstDisplacementMm(invertRigid(truth), truth, [20, -10, 0])).toBeGreaterThan(5);
  }, 180_000);

  it('says clearly when the prior CT holds nothing to register (all air)', async () => {
    const blank: CtVolume = {
      ...fixed,
      frameOfReferenceUid: PRIOR_FOR,
      hu: new Float32Array(fixed.hu.length).fill(-1000),
    };
    await expect(registerRigidAutomatically(fixed, blank)).rejects.toThrow(
      /automatic registration not run: the prior CT has no contrast/,
    );
  }, 180_000);
});
