// What the Dose history view hands the main process for the report: the numbers it shows
// (courses, the sum and its registration, the summed DVH statistics, the constraint rows),
// nothing recomputed, so the report and the screen cannot disagree.
import type { ConstraintRow } from '../../shared/rt/constraint-table';
import { metricLabel } from '../../shared/rt/constraints';
import type { DoseReportInput } from '../../shared/rt/dose-report';
import { doseAtVolume } from '../../shared/rt/dvh-metrics';
import type { CourseData, SumResult } from './protocol';
import type { DvhRow } from './Dvh';

export function doseReportInput(
  courses: readonly CourseData[],
  result: SumResult,
  rows: readonly DvhRow[],
  constraints: readonly ConstraintRow[],
): DoseReportInput {
  return {
    courses: courses.flatMap((course) =>
      course.history.courses.map((h) => {
        const plan = course.plans.find((p) => p.sopInstanceUid === h.planUid);
        const dates = h.sessions.flatMap((s) => (s.date ? [s.date] : [])).sort();
        return {
          label: h.planLabel,
          hospital: plan?.institutionName,
          firstDate: dates[0],
          lastDate: dates[dates.length - 1],
          prescribedDoseGy: h.prescribedDoseGy,
          dosePerFractionGy: h.dosePerFractionGy,
          fractionsPlanned: h.fractionsPlanned,
          fractionsDelivered: h.fractionsDelivered,
          deliveredDoseGy: h.deliveredDoseGy,
          frameOfReferenceUid: plan?.frameOfReferenceUid,
        };
      }),
    ),
    summation: {
      method: result.provenance.method,
      frameOfReferenceUid: result.provenance.frameOfReferenceUid,
      structureSetLabel: result.structureSetLabel,
      summedMaxGy: result.grid.maxDose,
      sources: result.provenance.sources.map((s) => ({
        label: s.label ?? s.file,
        maxGy: s.maxGy,
        registration: s.registration?.description,
      })),
    },
    organs: rows.flatMap((r) =>
      r.dvh
        ? [
            {
              roiName: r.name,
              volumeCc: r.dvh.volumeCc,
              minGy: r.dvh.minGy,
              meanGy: r.dvh.meanGy,
              maxGy: r.dvh.maxGy,
              d2ccGy: doseAtVolume(r.dvh, { unit: 'cc', value: 2 }).gy,
              d003ccGy: doseAtVolume(r.dvh, { unit: 'cc', value: 0.03 }).gy,
            },
          ]
        : [],
    ),
    constraints: constraints.map((row) => ({
      organ: row.constraint.organ,
      roiName: row.roiName,
      metric: metricLabel(row.constraint.metric),
      dose: row.constraint.dose,
      alphaBetaGy: row.alphaBeta?.gy ?? null,
      alphaBetaBasis: row.alphaBeta?.basis ?? null,
      defaultAlphaBetaGy: row.defaultAlphaBetaGy,
      value: row.result?.value ?? null,
      limit: row.constraint.limit,
      unit:
        row.result?.unit ??
        (row.constraint.metric.kind === 'Vx' ? row.constraint.metric.unit : 'Gy'),
      status: row.roiName === null ? 'no structure' : (row.result?.status ?? 'not evaluable'),
      source: row.constraint.source,
    })),
  };
}
