// The dose-history report as data: what the physicist files in the patient's chart after
// checking a re-irradiation — the courses (hospital, dates, prescription, fractions), the
// summation and the registration it went through, per-organ cumulative values, the
// constraint results with the α/β each used, and the software that made it. The input is
// what the Dose history view shows (its numbers, not a recomputation), so the report holds
// the same figures as the screen; the CSV and PDF writers only lay this model out.
//
// Pure: no Node, no DOM. The numbers are formatted here once, for both writers.

export type ReportStatus = 'pass' | 'close' | 'fail' | 'not evaluable' | 'no structure';

export interface DoseReportInput {
  courses: {
    label: string;
    hospital?: string | undefined;
    /** YYYYMMDD of the first and last treatment session recorded. */
    firstDate?: string | undefined;
    lastDate?: string | undefined;
    prescribedDoseGy?: number | undefined;
    dosePerFractionGy?: number | undefined;
    fractionsPlanned: number;
    fractionsDelivered: number;
    deliveredDoseGy?: number | undefined;
    frameOfReferenceUid?: string | undefined;
  }[];
  summation: {
    method: string;
    frameOfReferenceUid: string;
    structureSetLabel?: string | undefined;
    summedMaxGy: number;
    /** Registration: the description of the one the source went through, if any. */
    sources: { label: string; maxGy: number; registration?: string | undefined }[];
  };
  /** The summed (physical) DVH statistics per structure. */
  organs: {
    roiName: string;
    volumeCc: number;
    minGy: number;
    meanGy: number;
    maxGy: number;
    d2ccGy: number | null;
    d003ccGy: number | null;
  }[];
  constraints: {
    organ: string;
    roiName: string | null;
    metric: string;
    dose: 'PHYSICAL' | 'EQD2';
    alphaBetaGy: number | null;
    alphaBetaBasis: string | null;
    defaultAlphaBetaGy: number | null;
    value: number | null;
    limit: number;
    unit: 'Gy' | 'cc' | '%';
    status: ReportStatus;
    source: string;
  }[];
}

export interface ReportMeta {
  software: string;
  softwareVersion: string;
  /** ISO time the report was made. */
  createdAt: string;
  preparedBy: string;
}

export interface ReportTable {
  title: string;
  columns: string[];
  rows: string[][];
}

export interface DoseReport {
  title: string;
  /** Label–value pairs printed above the tables. */
  facts: [string, string][];
  tables: ReportTable[];
  notes: string[];
}

export const SAME_FRAME = 'none: same frame of reference';

/** Numbers as the Dose history view shows them (two decimals); a dash when absent. */
export function reportNumber(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toFixed(digits);
}

const isoDate = (d: string | undefined) =>
  d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : '—';

/** The registration line: what each mapped source went through, or the same frame. */
export function registrationUsed(summation: DoseReportInput['summation']): string {
  const mapped = summation.sources.filter((s) => s.registration);
  return mapped.length === 0
    ? SAME_FRAME
    : mapped.map((s) => `${s.label} mapped through ${s.registration}`).join('; ');
}

export function buildDoseReport(input: DoseReportInput, meta: ReportMeta): DoseReport {
  const alphaBetas = new Map<string, string>();
  for (const c of input.constraints)
    if (c.roiName && c.alphaBetaGy !== null)
      alphaBetas.set(
        `${c.roiName}@${c.alphaBetaGy}`,
        `${c.roiName}: ${reportNumber(c.alphaBetaGy, 1)} Gy (${c.alphaBetaBasis ?? ''}; published default ${reportNumber(c.defaultAlphaBetaGy, 1)} Gy)`,
      );
  return {
    title: 'Dose history and re-irradiation constraints',
    facts: [
      ['Software', `${meta.software} ${meta.softwareVersion}`],
      ['Created', meta.createdAt],
      ['Prepared by', meta.preparedBy],
      ['Summation', input.summation.method],
      ['Frame of reference', input.summation.frameOfReferenceUid],
      ['Registration used', registrationUsed(input.summation)],
      ['Structures from', input.summation.structureSetLabel ?? '—'],
      ['Summed maximum (physical)', `${reportNumber(input.summation.summedMaxGy)} Gy`],
    ],
    tables: [
      {
        title: 'Courses',
        columns: [
          'Course',
          'Hospital',
          'First session',
          'Last session',
          'Prescribed (Gy)',
          'Dose / fx (Gy)',
          'Fractions planned',
          'Fractions delivered',
          'Delivered (Gy)',
          'Frame of reference',
        ],
        rows: input.courses.map((c) => [
          c.label,
          c.hospital ?? '—',
          isoDate(c.firstDate),
          isoDate(c.lastDate),
          reportNumber(c.prescribedDoseGy, 1),
          reportNumber(c.dosePerFractionGy),
          String(c.fractionsPlanned),
          String(c.fractionsDelivered),
          reportNumber(c.deliveredDoseGy),
          c.frameOfReferenceUid ?? '—',
        ]),
      },
      {
        title: 'Summed dose grids',
        columns: ['Dose grid', 'Max (Gy)', 'Registration'],
        rows: input.summation.sources.map((s) => [
          s.label,
          reportNumber(s.maxGy),
          s.registration ?? SAME_FRAME,
        ]),
      },
      {
        title: 'Cumulative physical dose per organ',
        columns: [
          'Structure',
          'Volume (cc)',
          'Min (Gy)',
          'Mean (Gy)',
          'Max (Gy)',
          'D2cc (Gy)',
          'D0.03cc (Gy)',
        ],
        rows: input.organs.map((o) => [
          o.roiName,
          reportNumber(o.volumeCc, 1),
          reportNumber(o.minGy),
          reportNumber(o.meanGy),
          reportNumber(o.maxGy),
          reportNumber(o.d2ccGy),
          reportNumber(o.d003ccGy),
        ]),
      },
      {
        title: 'Constraints (cumulative)',
        columns: [
          'Organ',
          'Structure',
          'Metric',
          'Dose',
          'α/β (Gy)',
          'Value',
          'Limit',
          'Unit',
          'Result',
          'Source',
        ],
        rows: input.constraints.map((c) => [
          c.organ,
          c.roiName ?? '—',
          c.metric,
          c.dose,
          c.dose === 'EQD2' ? reportNumber(c.alphaBetaGy, 1) : '—',
          reportNumber(c.value),
          reportNumber(c.limit),
          c.unit,
          c.status,
          c.source,
        ]),
      },
    ],
    notes: [
      `α/β values used: ${alphaBetas.size === 0 ? 'none (no EQD2 limit applied)' : [...alphaBetas.values()].join('; ')}.`,
      'EQD2 by the linear-quadratic model, voxel by voxel, from each course’s planned number of fractions; no repair between courses is assumed.',
      '"close" means within 5 % below the limit.',
    ],
  };
}
