// Physical ranges of the numeric attributes we read. A file may be hostile: one value of
// 1e9 mm in a contour or 1e30 in a dose scaling would otherwise turn into a DVH that never
// ends or an allocation that crashes. The reader checks every value against this table
// where it is read, so the error names the attribute; the ranges are wide enough for any
// patient and machine (coordinates within metres, doses up to thousands of Gy).

import type { Keyword } from '../dictionary';

export interface Limit {
  min: number;
  max: number;
  /** The bound itself is not allowed (e.g. a spacing must be > 0). */
  minOpen?: boolean;
  maxOpen?: boolean;
  unit: string;
  /** What the value is, for the message: "a patient coordinate". */
  what: string;
}

/** Patient coordinates: ±10 m holds any patient, table and bore with room to spare. */
export const COORDINATE_LIMIT_MM = 10_000;
/** Largest dose a grid may hold: far above any prescription or brachytherapy hot spot. */
export const MAX_DOSE_GY = 10_000;
/** Largest dose grid we will allocate (as Float32: 512 MiB). */
export const MAX_GRID_SAMPLES = 2 ** 27;

const coordinate: Limit = {
  min: -COORDINATE_LIMIT_MM,
  max: COORDINATE_LIMIT_MM,
  unit: 'mm',
  what: 'a patient coordinate',
};
const spacing: Limit = {
  min: 0,
  max: 1000,
  minOpen: true,
  maxOpen: true,
  unit: 'mm',
  what: 'a spacing',
};
const dose: Limit = { min: 0, max: MAX_DOSE_GY, unit: 'Gy', what: 'a dose' };
const meterset: Limit = { min: 0, max: 1e6, unit: 'MU', what: 'a meterset' };
const count = (max: number, what: string): Limit => ({ min: 0, max, unit: '', what });

export const LIMITS: Partial<Record<Keyword, Limit>> = {
  ImagePositionPatient: coordinate,
  ContourData: coordinate,
  GridFrameOffsetVector: coordinate,
  IsocenterPosition: coordinate,
  // Cosines a rounding above 1 occur in real files; the unit-vector check is stricter.
  ImageOrientationPatient: { min: -1.001, max: 1.001, unit: '', what: 'a direction cosine' },
  PixelSpacing: spacing,
  SliceThickness: { ...spacing, minOpen: false },
  Rows: { min: 1, max: 65535, unit: '', what: 'a row count' },
  Columns: { min: 1, max: 65535, unit: '', what: 'a column count' },
  NumberOfFrames: { min: 1, max: 65535, unit: '', what: 'a frame count' },
  RescaleSlope: { min: -1e6, max: 1e6, unit: '', what: 'a rescale slope' },
  RescaleIntercept: { min: -1e6, max: 1e6, unit: '', what: 'a rescale intercept' },
  WindowCenter: { min: -1e6, max: 1e6, unit: '', what: 'a window centre' },
  WindowWidth: { min: 0, max: 1e6, unit: '', what: 'a window width' },
  DoseGridScaling: {
    min: 0,
    max: MAX_DOSE_GY,
    minOpen: true,
    unit: '',
    what: 'a dose scaling',
  },
  TargetPrescriptionDose: dose,
  DeliveryMaximumDose: dose,
  BeamDose: dose,
  BeamMeterset: meterset,
  SpecifiedPrimaryMeterset: meterset,
  DeliveredPrimaryMeterset: meterset,
  SpecifiedMeterset: meterset,
  DeliveredMeterset: meterset,
  FinalCumulativeMetersetWeight: { min: 0, max: 1e6, unit: '', what: 'a meterset weight' },
  NominalBeamEnergy: { min: 0, max: 1000, unit: 'MeV', what: 'a beam energy' },
  // 360 is the same direction as 0; some systems write it.
  GantryAngle: { min: 0, max: 360, unit: '°', what: 'an angle' },
  NumberOfFractionsPlanned: count(1000, 'a fraction count'),
  NumberOfContourPoints: count(1e7, 'a point count'),
  NumberOfControlPoints: count(1e5, 'a control point count'),
  NumberOfBeams: count(1000, 'a beam count'),
};

/** Why `value` is outside `limit`, or undefined when it is inside. */
export function outsideLimit(value: number, limit: Limit): string | undefined {
  const low = limit.minOpen ? value <= limit.min : value < limit.min;
  const high = limit.maxOpen ? value >= limit.max : value > limit.max;
  if (!low && !high) return undefined;
  const unit = limit.unit ? ` ${limit.unit}` : '';
  const from = `${limit.minOpen ? 'more than' : 'at least'} ${limit.min}`;
  const to = `${limit.maxOpen ? 'less than' : 'at most'} ${limit.max}${unit}`;
  return `${value}${unit} is outside the range of ${limit.what}: ${from} and ${to}`;
}
