// The "Register automatically" use case as the IPC handler calls it: the prior course's CT
// (the current one seen through a known shift and rotation, in another frame of reference)
// is registered to the current CT by elastix in the registration child process, and the
// candidate gives the known transform back. A CT with nothing to match, and a cancelled
// run, end with a clear message and no candidate.
import { describe, expect, it } from 'vitest';
import { worstDisplacementMm } from './helpers';
import { Operations } from '../../src/main/app/operations';
import { registerCourses } from '../../src/main/rt/register-courses';
import { acceptRegistration } from '../../src/main/rt/accept-registration';
import { registrationFile } from '../../src/main/rt/save-registration-record';
import { classifyFiles } from '../../src/main/records/classify';
import { parseSpatialRegistration } from '../../src/shared/rt/registration/spatial-registration';
import { describeRegistration } from '../../src/shared/rt/registration/accepted';
import { loadStudy } from '../../src/shared/rt/study';
import { synthesizeCourse } from '../../src/shared/rt/synth/course';
import {
  invertRigid,
  multiply,
  rigidFromEuler,
  rotationAngleDeg,
} from '../../src/shared/rt/registration/rigid';
import { registrationVolume } from '../../src/shared/rt/registration/review';
import { resampleVolume, type CtVolume } from '../../src/shared/rt/registration/volume';
import { REGISTRATION_FROM_SOURCE } from '../support/child-scripts';
import { FixedSessionForTests } from '../support/fixed-session';

const DEG = Math.PI / 180;
const PRIOR_FOR = '1.2.826.0.1.3680043.8.498.78';
const session = new FixedSessionForTests('physicist');
const deps = { session, registrationScript: REGISTRATION_FROM_SOURCE };

function currentCt(): CtVolume {
  const course = synthesizeCourse({ matrix: 96, slices: 40, seed: 'register-courses' });
  const series = loadStudy(course.files).imageSeries[0];
  if (!series) throw new Error('no CT');
  return registrationVolume(series);
}

describe('registering two courses’ CTs (use case, elastix in its child process)', () => {
  const fixed = currentCt();
  const truth = rigidFromEuler([0, 0, 2 * DEG], [5, -4, 3], [0, 0, 0]);
  const moving: CtVolume = {
    ...fixed,
    frameOfReferenceUid: PRIOR_FOR,
    hu: resampleVolume(fixed, fixed, truth),
  };

  it('recovers a known shift and rotation, and is named when accepted and saved', async () => {
    const operations = new Operations(() => undefined);
    const found = await operations.run(undefined, (op) =>
      registerCourses(deps, { fixed, moving }, op),
    );
    expect(found.transform.sourceFrameOfReferenceUid).toBe(PRIOR_FOR);
    expect(found.transform.targetFrameOfReferenceUid).toBe(fixed.frameOfReferenceUid);
    const residual = multiply(found.transform.matrix, invertRigid(truth));
    expect(rotationAngleDeg(residual)).toBeLessThan(0.5);
    expect(worstDisplacementMm(found.transform.matrix, truth, [0, 0, 0])).toBeLessThan(1);

    const accepted = acceptRegistration(
      { session, now: () => new Date('2026-12-02T21:00:00.000Z') },
      { transform: found.transform, method: found.method, adjusted: true },
    );
    expect(describeRegistration(accepted)).toMatch(
      /^automatic registration \(elastix .*\), adjusted by hand, accepted by Test physicist at 2026-12-02T21:00:00.000Z: rigid/,
    );
    // Saved as a DICOM REG that reads back to the same transform, filed as imaging.
    const file = registrationFile(accepted, {
      patientName: 'Doe^Jane',
      patientId: 'P1',
      studyInstanceUid: '1.2.3.4',
    });
    const reg = parseSpatialRegistration(file.bytes, file.name);
    expect(reg.contentCreatorName).toBe('physicist^Test');
    const back = reg.transforms[0]!;
    expect(back.sourceFrameOfReferenceUid).toBe(PRIOR_FOR);
    expect(worstDisplacementMm(back.matrix, found.transform.matrix, [0, 0, 0])).toBeLessThan(1e-3);
    expect(classifyFiles([file])[0]).toMatchObject({
      category: 'imaging',
      kind: 'Spatial Registration',
    });
  }, 180_000);

  it('says clearly when the prior CT holds nothing to register, giving no candidate', async () => {
    const blank: CtVolume = { ...moving, hu: new Float32Array(fixed.hu.length).fill(-1000) };
    const operations = new Operations(() => undefined);
    await expect(
      operations.run(undefined, (op) => registerCourses(deps, { fixed, moving: blank }, op)),
    ).rejects.toMatchObject({
      code: 'REGISTRATION_FAILED',
      message: expect.stringMatching(
        /the prior CT has no contrast.*No registration was accepted; nothing was summed\./,
      ) as unknown,
    });
  }, 60_000);

  it('stops when cancelled, saying nothing was accepted', async () => {
    const operations = new Operations(() => undefined);
    const running = operations.run('cancel-me-1', (op) =>
      registerCourses(deps, { fixed, moving }, op),
    );
    expect(operations.cancel('cancel-me-1')).toBe(true);
    await expect(running).rejects.toMatchObject({
      code: 'CANCELLED',
      message:
        'The automatic registration was cancelled. No registration was accepted; nothing was summed.',
    });
  }, 60_000);

  it('refuses two CTs of one frame of reference and a volume that lies about its size', async () => {
    const operations = new Operations(() => undefined);
    await expect(
      operations.run(undefined, (op) => registerCourses(deps, { fixed, moving: fixed }, op)),
    ).rejects.toMatchObject({ code: 'REGISTRATION_FAILED' });
    await expect(
      operations.run(undefined, (op) =>
        registerCourses(deps, { fixed, moving: { ...moving, hu: new Float32Array(10) } }, op),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
