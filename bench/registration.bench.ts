// Registration between hospitals: automatic rigid registration (elastix, Mattes mutual
// information, 3-level pyramid) of two 512×512×150 CTs — the prior course's CT is the
// current one seen through a known rigid move in another frame of reference — against
// resampling that full-resolution CT once through the same transform (trilinear, our
// code: the least any fusion display or dose mapping pays). The registration works on the
// CTs averaged 2×2 in-plane (1 mm pixels), the conversion included in its time. Lower is
// better; the residual against the known move is printed too.
import type { Vec3 } from '../src/shared/rt/geometry';
import { registerRigidAutomatically } from '../src/main/rt/elastix-registration';
import {
  applyMatrix,
  invertRigid,
  multiply,
  rigidFromEuler,
  rotationAngleDeg,
} from '../src/shared/rt/registration/rigid';
import {
  resampleVolume,
  volumeFromSeries,
  type CtVolume,
} from '../src/shared/rt/registration/volume';
import type { ImageSeries } from '../src/shared/rt/parse/image';
import { loadStudy } from '../src/shared/rt/study';
import { synthesizeCourse } from '../src/shared/rt/synth/course';
import type { BenchFigure } from './format';

const DEG = Math.PI / 180;

/** The same series with its pixels replaced (stored = HU + 1024, as the synthesiser writes). */
function seriesWithHu(
  series: ImageSeries,
  hu: Float32Array,
  frameOfReferenceUid: string,
): ImageSeries {
  const plane = (series.slices[0]?.rows ?? 0) * (series.slices[0]?.columns ?? 0);
  return {
    ...series,
    frameOfReferenceUid,
    slices: series.slices.map((slice, k) => {
      const pixels = new Uint16Array(plane);
      for (let i = 0; i < plane; i++)
        pixels[i] = Math.max(
          0,
          Math.round(((hu[k * plane + i] as number) - slice.rescaleIntercept) / slice.rescaleSlope),
        );
      return { ...slice, frameOfReferenceUid, pixels };
    }),
  };
}

export async function run(): Promise<BenchFigure[]> {
  const course = synthesizeCourse({ matrix: 512, slices: 150, seed: 'registration-bench' });
  const study = loadStudy(course.files.filter((f) => f.name.startsWith('CT_')));
  const current = study.imageSeries[0];
  if (!current) throw new Error('registration bench: no CT');
  const full = volumeFromSeries(current);
  const truth = rigidFromEuler([1.5 * DEG, -1 * DEG, 3 * DEG], [6, -4, 5]);

  const resampleStart = performance.now();
  const movedHu = resampleVolume(full, full, truth);
  const resampleSeconds = (performance.now() - resampleStart) / 1000;
  const prior = seriesWithHu(current, movedHu, '2.25.4242');

  const start = performance.now();
  const fixed: CtVolume = volumeFromSeries(current, 2);
  const moving: CtVolume = volumeFromSeries(prior, 2);
  const found = await registerRigidAutomatically(fixed, moving);
  const seconds = (performance.now() - start) / 1000;

  let worst = 0;
  for (const dx of [-50, 50])
    for (const dy of [-50, 50])
      for (const dz of [-50, 50]) {
        const p: Vec3 = [20 + dx, -10 + dy, dz];
        const a = applyMatrix(found.transform.matrix, p);
        const b = applyMatrix(truth, p);
        worst = Math.max(worst, Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
      }
  const angle = rotationAngleDeg(multiply(found.transform.matrix, invertRigid(truth)));
  return [
    {
      name: 'rt_registration_rigid_mi_512x512x150_seconds_lower_is_better',
      value: seconds,
      unit: 's',
      reference: { name: 'trilinear_resample_512x512x150_once', value: resampleSeconds },
    },
    { name: 'rt_registration_residual_displacement_10cm_cube', value: worst, unit: 'mm' },
    { name: 'rt_registration_residual_rotation', value: angle, unit: 'deg' },
  ];
}
