// RT Dose: a multi-frame grid of dose values. Frames sit at GridFrameOffsetVector along
// the plane normal; values are stored integers times DoseGridScaling. We convert to a
// Float32Array once so every consumer (DVH, summation, overlays) reads dose directly.

import { SOP_CLASS } from '../dictionary';
import type { PlaneGeometry } from '../geometry';
import { readPlaneGeometry } from './image';
import { MAX_DOSE_GY, MAX_GRID_SAMPLES } from './limits';
import { openDicom } from './open';
import { readPixelSamples, type CodecSet } from './pixels';
import type { DicomReader } from './reader';

export interface DoseGrid extends PlaneGeometry {
  file: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  /** GY or RELATIVE. */
  units: string;
  /** PHYSICAL, EFFECTIVE or ERROR. */
  doseType: string;
  /** PLAN, MULTI_PLAN, FRACTION, BEAM, BRACHY, … */
  summationType: string;
  referencedPlanUid?: string;
  frames: number;
  /** Distance of each frame from the first along the normal (mm), strictly monotonic. */
  frameOffsets: number[];
  /** Dose in `units`, index = frame * rows * columns + row * columns + column. */
  dose: Float32Array;
  maxDose: number;
  /** Damage found while reading: content that may be missing from this grid. */
  warnings: string[];
}

function frameOffsets(reader: DicomReader, frames: number): number[] {
  const values = reader.numbers('GridFrameOffsetVector');
  if (values === undefined) {
    if (frames === 1) return [0];
    throw reader.fail('MISSING_TAG', 'GridFrameOffsetVector', `required for ${frames} frames`);
  }
  if (values.length !== frames)
    throw reader.fail(
      'BAD_VALUE',
      'GridFrameOffsetVector',
      `holds ${values.length} offsets for ${frames} frames`,
    );
  // The standard allows absolute z positions (first value = ImagePositionPatient z) as well
  // as offsets relative to the first frame (first value 0); both become relative here.
  const first = values[0] as number;
  const relative = values.map((v) => v - first);
  const direction = Math.sign(relative[1] ?? 1);
  for (let i = 1; i < relative.length; i++) {
    const step = (relative[i] as number) - (relative[i - 1] as number);
    if (step === 0 || Math.sign(step) !== direction)
      throw reader.fail('BAD_VALUE', 'GridFrameOffsetVector', 'offsets must be strictly monotonic');
  }
  return relative;
}

export function parseDoseReader(
  reader: DicomReader,
  transferSyntaxUid: string,
  codecs?: CodecSet,
): DoseGrid {
  const plane = readPlaneGeometry(reader);
  const units = reader.requireString('DoseUnits');
  const frames = reader.number('NumberOfFrames') ?? 1;
  if (!Number.isInteger(frames) || frames < 1)
    throw reader.fail('BAD_VALUE', 'NumberOfFrames', 'must be a positive integer');
  const offsets = frameOffsets(reader, frames);
  const scaling = reader.requireNumber('DoseGridScaling');
  if (!(scaling > 0)) throw reader.fail('BAD_VALUE', 'DoseGridScaling', 'must be positive');
  const bitsAllocated = reader.requireNumber('BitsAllocated');
  if (bitsAllocated !== 16 && bitsAllocated !== 32)
    throw reader.fail('BAD_VALUE', 'BitsAllocated', `must be 16 or 32, found ${bitsAllocated}`);
  const signed = (reader.number('PixelRepresentation') ?? 0) === 1;
  const count = plane.rows * plane.columns * frames;
  // Checked before the pixel data is even looked at, so nothing large is allocated.
  if (count > MAX_GRID_SAMPLES)
    throw reader.fail(
      'BAD_VALUE',
      'NumberOfFrames',
      `a grid of ${plane.rows} × ${plane.columns} × ${frames} samples is too large (at most ${MAX_GRID_SAMPLES})`,
    );
  const stored = readPixelSamples(
    reader,
    transferSyntaxUid,
    { rows: plane.rows, columns: plane.columns, frames, bitsAllocated, signed },
    codecs,
  );
  const dose = new Float32Array(count);
  let maxDose = 0;
  for (let i = 0; i < count; i++) {
    const value = (stored[i] as number) * scaling;
    dose[i] = value;
    if (value > maxDose) maxDose = value;
  }
  // Float32 overflow gives Infinity, which the comparison below also refuses.
  if (!(maxDose <= MAX_DOSE_GY))
    throw reader.fail(
      'BAD_VALUE',
      'DoseGridScaling',
      `gives a largest dose of ${maxDose} ${units}, more than any treatment (${MAX_DOSE_GY})`,
    );
  return {
    ...plane,
    file: reader.file,
    sopInstanceUid: reader.requireString('SOPInstanceUID'),
    studyInstanceUid: reader.requireString('StudyInstanceUID'),
    seriesInstanceUid: reader.requireString('SeriesInstanceUID'),
    frameOfReferenceUid: reader.requireString('FrameOfReferenceUID'),
    units,
    doseType: reader.requireString('DoseType'),
    summationType: reader.requireString('DoseSummationType'),
    referencedPlanUid: reader.referencedUids(
      'ReferencedRTPlanSequence',
      'ReferencedSOPInstanceUID',
    )[0],
    frames,
    frameOffsets: offsets,
    dose,
    maxDose,
    warnings: reader.warnings,
  };
}

export function parseDose(bytes: Uint8Array, file: string, codecs?: CodecSet): DoseGrid {
  const { reader, transferSyntaxUid } = openDicom(bytes, file);
  const sopClass = reader.requireString('SOPClassUID');
  if (sopClass !== SOP_CLASS.rtDose)
    throw reader.fail('WRONG_OBJECT', 'SOPClassUID', `${sopClass} is not an RT Dose`);
  return parseDoseReader(reader, transferSyntaxUid, codecs);
}
