// A synthetic radiotherapy course of a thorax-like phantom: CT series, structure set,
// plan, dose and a run of treatment records in which one session is missed (machine
// fault, nothing delivered) and made up the next working day. Everything is derived from
// a seed, so the same options always give byte-identical files.

import { writePart10, type DicomDataset } from '../dicom-writer';
import type { Vec3 } from '../geometry';
import {
  ctSliceDataset,
  doseDataset,
  planDataset,
  structureSetDataset,
  treatmentRecordDataset,
  type BeamSpec,
  type PatientStudy,
  type RoiSpec,
  type SessionBeamSpec,
} from './objects';
import { ellipsoid, ellipticCylinder, sphere, type Solid } from './shapes';
import { uidFactory } from './uid';

export interface SynthOptions {
  seed?: string;
  /** CT matrix (square) and slice count; the field of view stays 256 mm. */
  matrix?: number;
  slices?: number;
  sliceThicknessMm?: number;
  /** In-plane dose grid spacing (mm); default twice the CT pixel spacing, at least 2.5 mm. */
  doseSpacingMm?: number;
  prescriptionGy?: number;
  fractions?: number;
  /** How many fractions the records show as delivered. */
  deliveredFractions?: number;
  /** 1-based treatment session that is missed (0 for none). */
  missedSession?: number;
  /** First treatment day, YYYYMMDD (sessions run on consecutive weekdays). */
  firstTreatmentDate?: string;
  /** Reuse a frame of reference (a later course on the same CT / registration). */
  frameOfReferenceUid?: string;
  /**
   * Where the phantom lies in this course's frame (another day, another table): turned by
   * `tableRotationDeg` about the table (z) axis through the frame's origin, then shifted by
   * `shiftMm`. Default: centred, unturned. Only a turn about z, so that each CT slice still
   * cuts the phantom's solids in a plane and contours stay exact.
   */
  pose?: { shiftMm: Vec3; tableRotationDeg: number };
  /** The study's (and plan's) date, YYYYMMDD; default 20240102. */
  studyDate?: string;
  patientName?: string;
  patientId?: string;
  courseLabel?: string;
  /** The treating hospital (InstitutionName on every object); none by default. */
  institutionName?: string;
  /**
   * Turns each object into bytes (default: writePart10). Tests use it to write hostile
   * variants (an edited value, implicit VR) of a course that is otherwise consistent.
   */
  encode?: (name: string, dataset: DicomDataset) => Uint8Array;
}

export interface SynthFile {
  name: string;
  bytes: Uint8Array;
}

export interface SyntheticRoi {
  number: number;
  name: string;
  color: readonly [number, number, number];
  interpretedType: string;
  /** Analytic volume of the solid clipped to the contoured slab range (cc). */
  volumeCc: number;
}

export interface SyntheticCourse {
  files: SynthFile[];
  frameOfReferenceUid: string;
  studyInstanceUid: string;
  planUid: string;
  structureSetUid: string;
  doseUid: string;
  rois: SyntheticRoi[];
  prescriptionGy: number;
  fractions: number;
  beams: BeamSpec[];
  /** Sessions as written: date, fraction number and whether it was missed. */
  sessions: { date: string; fractionNumber: number; missed: boolean }[];
  /** The phantom's coordinates → this course's frame (row-major 4×4, from `pose`). */
  phantomToFrame: number[];
}

const FIELD_OF_VIEW_MM = 256;

function addWeekdays(yyyymmdd: string, days: number): string {
  const date = new Date(
    Date.UTC(
      Number(yyyymmdd.slice(0, 4)),
      Number(yyyymmdd.slice(4, 6)) - 1,
      Number(yyyymmdd.slice(6, 8)),
    ),
  );
  let added = 0;
  while (added < days) {
    date.setUTCDate(date.getUTCDate() + 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) added++;
  }
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** Logistic fall-off: 1 well inside `radius`, 0 well outside, 0.5 at the edge. */
function falloff(distance: number, radius: number, width: number): number {
  return 1 / (1 + Math.exp((distance - radius) / width));
}

export function synthesizeCourse(options: SynthOptions = {}): SyntheticCourse {
  const seed = options.seed ?? 'action-ehr-synthetic';
  const encode = options.encode ?? ((_name: string, dataset: DicomDataset) => writePart10(dataset));
  const matrix = options.matrix ?? 64;
  const sliceCount = options.slices ?? 40;
  const thickness = options.sliceThicknessMm ?? 3;
  const pixelSpacing = FIELD_OF_VIEW_MM / matrix;
  const doseSpacing = options.doseSpacingMm ?? Math.max(2.5, pixelSpacing * 2);
  const prescriptionGy = options.prescriptionGy ?? 60;
  const fractions = options.fractions ?? 30;
  const delivered = Math.min(options.deliveredFractions ?? 5, fractions);
  const missedSession = options.missedSession ?? 3;
  const uid = uidFactory(seed);
  const frameOfReferenceUid = options.frameOfReferenceUid ?? uid('frame-of-reference');
  const courseLabel = options.courseLabel ?? 'Course 1';

  const patient: PatientStudy = {
    patientName: options.patientName ?? 'PHANTOM^THORAX',
    patientId: options.patientId ?? 'SYN-0001',
    patientBirthDate: '19600101',
    patientSex: 'O',
    studyInstanceUid: uid('study'),
    studyId: 'SYN1',
    studyDate: options.studyDate ?? '20240102',
    studyTime: '090000',
    studyDescription: `Synthetic thorax phantom, ${courseLabel}`,
    ...(options.institutionName ? { institutionName: options.institutionName } : {}),
  };
  const ctSeries = { seriesInstanceUid: uid('ct-series'), seriesNumber: 1, description: 'CT' };

  // Patient coordinates (LPS, mm): the phantom is centred on the middle slice.
  const zOf = (k: number) => (k - (sliceCount - 1) / 2) * thickness;
  const zMin = zOf(0) - thickness / 2;
  const zMax = zOf(sliceCount - 1) + thickness / 2;
  const pose = placement(options.pose);
  // The solids are built in the phantom's own coordinates; the long ones reach past the
  // scanned slab by the pose's z shift so that every slice of a shifted CT still cuts them.
  const reach = Math.abs(options.pose?.shiftMm[2] ?? 0);
  const ptvCenter: Vec3 = [20, -10, 0];
  const ptvRadius = Math.min(25, (zMax - zMin) / 2 - thickness);
  const body = pose.place(ellipticCylinder([0, 0, 0], 110, 80, zMin - reach, zMax + reach));
  const ptv = pose.place(sphere(ptvCenter, ptvRadius));
  const cord = pose.place(ellipticCylinder([0, 55, 0], 7, 7, zMin - reach, zMax + reach));
  const vertebra = pose.place(ellipticCylinder([0, 55, 0], 16, 16, zMin - reach, zMax + reach));
  const lungHalfLength = Math.min(50, (zMax - zMin) / 2 - thickness);
  const lung = pose.place(ellipsoid([-55, -5, 0], 28, 35, lungHalfLength));

  const rois: (RoiSpec & { solid: Solid })[] = [
    { number: 1, name: 'BODY', color: [255, 200, 150], interpretedType: 'EXTERNAL', solid: body },
    { number: 2, name: 'PTV', color: [255, 0, 0], interpretedType: 'PTV', solid: ptv },
    { number: 3, name: 'SPINAL_CORD', color: [255, 255, 0], interpretedType: 'ORGAN', solid: cord },
    { number: 4, name: 'LUNG_R', color: [0, 160, 255], interpretedType: 'ORGAN', solid: lung },
  ];

  const files: SynthFile[] = [];
  const origin = -((matrix - 1) / 2) * pixelSpacing;
  const planes: { z: number; sopInstanceUid: string }[] = [];
  for (let k = 0; k < sliceCount; k++) {
    const z = zOf(k);
    const sopInstanceUid = uid(`ct-${k}`);
    planes.push({ z, sopInstanceUid });
    const hounsfield = new Int16Array(matrix * matrix);
    for (let r = 0; r < matrix; r++)
      for (let c = 0; c < matrix; c++) {
        const p: Vec3 = [origin + c * pixelSpacing, origin + r * pixelSpacing, z];
        let hu = -1000;
        if (body.contains(p)) {
          hu = 0;
          if (lung.contains(p)) hu = -800;
          if (vertebra.contains(p)) hu = 700;
          if (cord.contains(p)) hu = 30;
          if (ptv.contains(p)) hu = 40;
        }
        hounsfield[r * matrix + c] = hu;
      }
    const dataset = ctSliceDataset(patient, ctSeries, {
      sopInstanceUid,
      instanceNumber: k + 1,
      frameOfReferenceUid,
      position: [origin, origin, z],
      rows: matrix,
      columns: matrix,
      pixelSpacing,
      sliceThickness: thickness,
      hounsfield,
    });
    const name = `CT_${String(k + 1).padStart(4, '0')}.dcm`;
    files.push({ name, bytes: encode(name, dataset) });
  }

  const structureSetUid = uid('rtstruct');
  files.push({
    name: 'RS.dcm',
    bytes: encode(
      'RS.dcm',
      structureSetDataset(
        patient,
        { seriesInstanceUid: uid('rtstruct-series'), seriesNumber: 2, description: 'Structures' },
        {
          sopInstanceUid: structureSetUid,
          frameOfReferenceUid,
          imageSeriesUid: ctSeries.seriesInstanceUid,
          planes,
          rois,
          label: 'PHANTOM',
        },
      ),
    ),
  });

  const beamDose = prescriptionGy / fractions / 4;
  const beams: BeamSpec[] = [0, 90, 180, 270].map((gantryAngle, i) => ({
    number: i + 1,
    name: `G${gantryAngle}`,
    gantryAngle,
    energyMv: 6,
    meterset: Math.round(beamDose * 100 * [1.08, 1.17, 1.12, 1.21][i]! * 10) / 10,
    doseGy: Math.round(beamDose * 10000) / 10000,
  }));
  const planUid = uid('rtplan');
  const machine = 'SYNLINAC1';
  files.push({
    name: 'RP.dcm',
    bytes: encode(
      'RP.dcm',
      planDataset(
        patient,
        { seriesInstanceUid: uid('rtplan-series'), seriesNumber: 3, description: 'Plan' },
        {
          sopInstanceUid: planUid,
          frameOfReferenceUid,
          structureSetUid,
          label: courseLabel.slice(0, 16),
          planDate: patient.studyDate,
          prescriptionGy,
          fractions,
          targetRoiNumber: 2,
          isocenter: pose.toFrame(ptvCenter),
          beams,
          machine,
        },
      ),
    ),
  });

  // Dose: a conformal high-dose region around the PTV (covering it at ~98–103 % of the
  // prescription) on a broad low-dose bath, zero outside the body.
  const doseUid = uid('rtdose');
  const doseColumns = Math.floor(240 / doseSpacing) + 1;
  const doseRows = Math.floor(180 / doseSpacing) + 1;
  const doseFrames = sliceCount;
  const doseAt = (at: Vec3): number => {
    if (!body.contains([at[0], at[1], Math.max(zMin, Math.min(zMax, at[2]))])) return 0;
    // The dose follows the phantom: computed where this point is in the phantom.
    const p = pose.toPhantom(at);
    const dx = p[0] - ptvCenter[0];
    const dy = p[1] - ptvCenter[1];
    const dz = p[2] - ptvCenter[2];
    const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
    const bath = 0.12 * Math.exp(-(dx * dx + dy * dy) / (2 * 60 * 60));
    return prescriptionGy * (0.9 * falloff(r, ptvRadius + 10, 3.5) + bath);
  };
  files.push({
    name: 'RD.dcm',
    bytes: encode(
      'RD.dcm',
      doseDataset(
        patient,
        { seriesInstanceUid: uid('rtdose-series'), seriesNumber: 4, description: 'Dose' },
        {
          sopInstanceUid: doseUid,
          frameOfReferenceUid,
          referencedPlanUid: planUid,
          origin: [
            -((doseColumns - 1) / 2) * doseSpacing,
            -((doseRows - 1) / 2) * doseSpacing,
            zOf(0),
          ],
          columns: doseColumns,
          rows: doseRows,
          frames: doseFrames,
          spacing: doseSpacing,
          frameSpacing: thickness,
          doseAt,
        },
      ),
    ),
  });

  const recordSeries = {
    seriesInstanceUid: uid('rtrecord-series'),
    seriesNumber: 5,
    description: 'Treatment records',
  };
  const sessions: SyntheticCourse['sessions'] = [];
  const firstDate = options.firstTreatmentDate ?? '20240108';
  let fractionNumber = 1;
  for (let session = 1; fractionNumber <= delivered; session++) {
    const missed = session === missedSession;
    const date = addWeekdays(firstDate, session - 1);
    sessions.push({ date, fractionNumber, missed });
    const sessionBeams: SessionBeamSpec[] = beams.map((beam, i) => ({
      beam,
      fractionNumber,
      terminationStatus: missed ? 'MACHINE' : 'NORMAL',
      // Delivered meterset differs from the plan by the machine's rounding (±0.1 MU).
      deliveredMeterset: missed
        ? 0
        : Math.round((beam.meterset + (((session + i) % 3) - 1) * 0.1) * 10) / 10,
    }));
    const name = `RT_RECORD_${String(session).padStart(2, '0')}.dcm`;
    files.push({
      name,
      bytes: encode(
        name,
        treatmentRecordDataset(patient, recordSeries, {
          sopInstanceUid: uid(`record-${session}`),
          instanceNumber: session,
          planUid,
          fractionsPlanned: fractions,
          treatmentDate: date,
          treatmentTime: '081500',
          machine,
          beams: sessionBeams,
        }),
      ),
    });
    if (!missed) fractionNumber++;
  }

  const slabVolumeCc = (solid: Solid) => {
    // Volume as contoured: each slice's cross-section times the slice thickness.
    let mm3 = 0;
    for (const { z } of planes)
      for (const polygon of solid.contoursAt(z)) mm3 += polygonArea(polygon) * thickness;
    return mm3 / 1000;
  };
  return {
    files,
    frameOfReferenceUid,
    studyInstanceUid: patient.studyInstanceUid,
    planUid,
    structureSetUid,
    doseUid,
    rois: rois.map(({ number, name, color, interpretedType, solid }) => ({
      number,
      name,
      color,
      interpretedType,
      volumeCc: slabVolumeCc(solid),
    })),
    prescriptionGy,
    fractions,
    beams,
    sessions,
    phantomToFrame: pose.matrix,
  };
}

/** The pose's maps between the phantom's coordinates and the course's frame (LPS, mm). */
function placement(pose: SynthOptions['pose']) {
  const angle = ((pose?.tableRotationDeg ?? 0) * Math.PI) / 180;
  const [tx, ty, tz] = pose?.shiftMm ?? [0, 0, 0];
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const toFrame = ([x, y, z]: Vec3): Vec3 => [
    cos * x - sin * y + tx,
    sin * x + cos * y + ty,
    z + tz,
  ];
  const toPhantom = ([x, y, z]: Vec3): Vec3 => {
    const [u, v] = [x - tx, y - ty];
    return [cos * u + sin * v, -sin * u + cos * v, z - tz];
  };
  const place = (solid: Solid): Solid =>
    pose === undefined
      ? solid
      : {
          volumeMm3: solid.volumeMm3,
          contains: (p) => solid.contains(toPhantom(p)),
          contoursAt: (z) =>
            solid.contoursAt(z - tz).map((polygon) => {
              const out = new Float64Array(polygon.length);
              for (let i = 0; i < polygon.length; i += 3) {
                const [x, y] = toFrame([polygon[i]!, polygon[i + 1]!, 0]);
                out[i] = x;
                out[i + 1] = y;
                out[i + 2] = z;
              }
              return out;
            }),
        };
  const matrix = [cos, -sin, 0, tx, sin, cos, 0, ty, 0, 0, 1, tz, 0, 0, 0, 1];
  return { toFrame, toPhantom, place, matrix };
}

/** Area of a planar polygon given as x, y, z triplets (shoelace formula). */
export function polygonArea(points: Float64Array): number {
  const n = points.length / 3;
  let twice = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    twice += points[i * 3]! * points[j * 3 + 1]! - points[j * 3]! * points[i * 3 + 1]!;
  }
  return Math.abs(twice) / 2;
}
