// Automatic rigid registration of the prior course's CT to the current one with elastix
// (ITK's registration toolbox, compiled to WebAssembly as @itk-wasm/elastix): Mattes
// mutual information, a 3-level pyramid, Euler (rigid) transform. Evaluated for this
// project: it installs from the npm registry alone, and in Node loads its .wasm from its
// own package folder (dist/pipelines) — nothing is downloaded at run time. In a browser
// it would fetch its pipelines from a CDN unless given a base URL, so the viewer does not
// use it; the main process runs it instead (see docs/ARCHITECTURE.md, RT registration).
// The pipeline runs synchronously in the calling thread: call it from a worker thread or
// child process, never on the main process's event loop.

import { RtError } from '../../shared/rt/errors';
import type { Vec3 } from '../../shared/rt/geometry';
import {
  invertRigid,
  requireRigid,
  type Matrix4,
  type RigidTransform,
} from '../../shared/rt/registration/rigid';
import type { CtVolume } from '../../shared/rt/registration/volume';

export interface AutomaticRegistrationOptions {
  /** Pyramid levels (default 3: 8×, 4×, 2× coarser, then the given resolution). */
  resolutions?: number;
  /** Optimiser iterations per level (default 250). */
  iterationsPerLevel?: number;
  /** Random samples the metric draws per iteration (default 4096). */
  spatialSamples?: number;
}

export interface AutomaticRegistration {
  /** Maps the prior (moving) CT's frame of reference into the current (fixed) one. */
  transform: RigidTransform;
  method: string;
  /** Elastix's final parameters: rotation (rad, about x, y, z) and translation (mm). */
  eulerParameters: readonly number[];
  centerOfRotation: Vec3;
}

type ElastixModule = typeof import('@itk-wasm/elastix');
let elastix: Promise<ElastixModule> | undefined;

/** ESM-only package loaded on first use, kept out of the bundle so it finds its .wasm. */
function loadElastix(): Promise<ElastixModule> {
  elastix ??= import('@itk-wasm/elastix');
  return elastix;
}

function itkImage(volume: CtVolume) {
  const [i, j, k] = volume.axes;
  return {
    imageType: { dimension: 3, componentType: 'float32', pixelType: 'Scalar', components: 1 },
    name: volume.frameOfReferenceUid,
    origin: [...volume.origin],
    spacing: [...volume.spacing],
    // ITK's direction matrix has the axes as columns, stored row by row.
    direction: new Float64Array([i[0], j[0], k[0], i[1], j[1], k[1], i[2], j[2], k[2]]),
    size: [...volume.size],
    metadata: new Map(),
    data: volume.hu,
  };
}

/**
 * Elastix's EulerTransform (ComputeZYX false, as written by default): R = Rz·Rx·Ry, and
 * T(p) = R (p − c) + c + t maps a point of the fixed image to the moving image.
 */
function eulerZxyMatrix(parameters: readonly number[], center: Vec3): Matrix4 {
  const [ax, ay, az, tx, ty, tz] = parameters as [number, number, number, number, number, number];
  const [cx, sx] = [Math.cos(ax), Math.sin(ax)];
  const [cy, sy] = [Math.cos(ay), Math.sin(ay)];
  const [cz, sz] = [Math.cos(az), Math.sin(az)];
  const rz = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const mul = (a: number[], b: number[]) =>
    Array.from({ length: 9 }, (_, n) => {
      const r = Math.floor(n / 3);
      const c = n % 3;
      return (
        (a[r * 3] as number) * (b[c] as number) +
        (a[r * 3 + 1] as number) * (b[3 + c] as number) +
        (a[r * 3 + 2] as number) * (b[6 + c] as number)
      );
    });
  const r = mul(mul(rz, rx), ry);
  const t = [tx, ty, tz];
  const m: number[] = [];
  for (let row = 0; row < 3; row++) {
    const rc =
      (r[row * 3] as number) * center[0] +
      (r[row * 3 + 1] as number) * center[1] +
      (r[row * 3 + 2] as number) * center[2];
    m.push(
      r[row * 3] as number,
      r[row * 3 + 1] as number,
      r[row * 3 + 2] as number,
      (center[row] as number) + (t[row] as number) - rc,
    );
  }
  m.push(0, 0, 0, 1);
  return m;
}

/** Mutual information needs contrast: a CT of one value would "register" anywhere. */
function refuseUnlessRegistrable(volume: CtVolume, which: string): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of volume.hu) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi - lo >= MIN_CONTRAST_HU))
    throw new RtError(
      'BAD_VALUE',
      `automatic registration not run: the ${which} CT has no contrast (all values within ${MIN_CONTRAST_HU} HU), so nothing in it can be matched`,
    );
  if (volume.size.some((n) => n < 8))
    throw new RtError(
      'BAD_VALUE',
      `automatic registration not run: the ${which} CT is ${volume.size.join('×')} voxels, too small to register`,
    );
}

const MIN_CONTRAST_HU = 100;

/** Registers `moving` (the prior course's CT) to `fixed` (the current planning CT). */
export async function registerRigidAutomatically(
  fixed: CtVolume,
  moving: CtVolume,
  options: AutomaticRegistrationOptions = {},
): Promise<AutomaticRegistration> {
  refuseUnlessRegistrable(fixed, 'current');
  refuseUnlessRegistrable(moving, 'prior');
  const { elastixNode, defaultParameterMapNode } = await loadElastix();
  const resolutions = options.resolutions ?? 3;
  const defaults = await defaultParameterMapNode('rigid', { numberOfResolutions: resolutions });
  const parameterMap = {
    ...(defaults.parameterMap as Record<string, string[]>),
    Metric: ['AdvancedMattesMutualInformation'],
    NumberOfHistogramBins: ['32'],
    MaximumNumberOfIterations: [String(options.iterationsPerLevel ?? 250)],
    NumberOfSpatialSamples: [String(options.spatialSamples ?? 4096)],
    ImageSampler: ['RandomCoordinate'],
    // Centre the rotation on the fixed image and start from its geometric centre.
    AutomaticTransformInitialization: ['true'],
    AutomaticTransformInitializationMethod: ['GeometricalCenter'],
    WriteResultImage: ['false'],
    DefaultPixelValue: ['-1000'],
  };
  let result;
  try {
    result = await elastixNode([parameterMap], {
      fixed: itkImage(fixed) as never,
      moving: itkImage(moving) as never,
    });
  } catch (error) {
    throw new RtError(
      'UNSUPPORTED',
      `automatic registration failed in elastix (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
  const map = (result.transformParameterObject as Record<string, string[]>[]).at(-1);
  const parameters = (map?.TransformParameters ?? []).map(Number);
  const center = (map?.CenterOfRotationPoint ?? []).map(Number);
  if (
    parameters.length !== 6 ||
    center.length !== 3 ||
    [...parameters, ...center].some((v) => !Number.isFinite(v))
  )
    throw new RtError('UNSUPPORTED', 'automatic registration gave no usable rigid transform');
  const fixedToMoving = eulerZxyMatrix(parameters, center as unknown as Vec3);
  return {
    transform: {
      sourceFrameOfReferenceUid: moving.frameOfReferenceUid,
      targetFrameOfReferenceUid: fixed.frameOfReferenceUid,
      matrix: requireRigid(invertRigid(fixedToMoving)),
    },
    method: `elastix ${resolutions}-level rigid (Euler), Mattes mutual information`,
    eulerParameters: parameters,
    centerOfRotation: center as unknown as Vec3,
  };
}
