// Dose history per course: what was prescribed and what the treatment records say was
// delivered, session by session. A course here is one RT Plan; records are matched to it
// through their Referenced RT Plan Sequence, and to one of its fraction groups through
// ReferencedFractionGroupNumber (a plan may hold several: a sequential boost, say; each
// group has its own fractions, MU and prescription, and the course counts them all).
// Delivered dose is estimated from meterset: each beam contributes its planned dose per
// fraction scaled by delivered / planned MU (weights from Beam Dose when the plan gives
// it, else from planned MU).

import {
  groupPrescribedDoseGy,
  prescribedDoseGy,
  type FractionGroup,
  type RtPlan,
} from './parse/rtplan';
import type { TreatmentRecord } from './parse/treatment-record';

export type SessionStatus = 'delivered' | 'partial' | 'missed';

/** A fraction counts as delivered once at least this share of its meterset went out. */
const COMPLETE = 0.99;

export interface SessionBeam {
  beamNumber: number;
  beamName?: string;
  plannedMeterset?: number;
  specifiedMeterset?: number;
  deliveredMeterset: number;
  terminationStatus: string;
}

export interface SessionHistory {
  file: string;
  /** YYYYMMDD and HHMMSS as recorded. */
  date?: string;
  time?: string;
  /** The plan's fraction group the session delivered (fraction numbers count per group). */
  fractionGroupNumber: number;
  fractionNumber: number;
  status: SessionStatus;
  plannedMeterset: number;
  deliveredMeterset: number;
  /** Share of one fraction's dose this session delivered (0–1, may exceed 1 slightly). */
  fractionEquivalent: number;
  beams: SessionBeam[];
}

export interface FractionGroupHistory {
  number: number;
  description?: string;
  fractionsPlanned: number;
  prescribedDoseGy?: number;
  dosePerFractionGy?: number;
  plannedMetersetPerFraction: number;
  beams: { beamNumber: number; beamName?: string; metersetPerFraction?: number }[];
  fractionsDelivered: number;
  deliveredDoseGy?: number;
}

export interface CourseHistory {
  planUid: string;
  planLabel: string;
  planFile: string;
  /** Sum over the fraction groups (see prescribedDoseGy). */
  prescribedDoseGy?: number;
  /** All fraction groups together. */
  fractionsPlanned: number;
  /** Undefined when the groups' doses per fraction differ. */
  dosePerFractionGy?: number;
  /** Undefined when the groups' meterset per fraction differ. */
  plannedMetersetPerFraction?: number;
  fractionGroups: FractionGroupHistory[];
  sessions: SessionHistory[];
  /** Distinct fractions (per group) whose delivered meterset reached the plan, all groups. */
  fractionsDelivered: number;
  missedSessions: number;
  partialSessions: number;
  /** Estimated from meterset; undefined when the plan gives no prescription. */
  deliveredDoseGy?: number;
}

export interface DoseHistory {
  courses: CourseHistory[];
  /** Records whose plan is not among the plans given. */
  unmatchedRecords: { file: string; referencedPlanUid?: string }[];
  /** Sum over courses of delivered dose (Gy) where known: a nominal, not a spatial, total. */
  totalDeliveredDoseGy: number;
}

/** The group a record delivered: the one it names, else (a plan of one group) that one. */
function groupOf(record: TreatmentRecord, plan: RtPlan): FractionGroup | undefined {
  const named = plan.fractionGroups.find((g) => g.number === record.referencedFractionGroupNumber);
  return named ?? plan.fractionGroups[0];
}

function sessionFromRecord(record: TreatmentRecord, plan: RtPlan): SessionHistory[] {
  const group = groupOf(record, plan);
  const plannedBeams = group?.beams ?? [];
  const totalPlannedMu = plannedBeams.reduce((sum, b) => sum + (b.meterset ?? 0), 0);
  const totalBeamDose = plannedBeams.reduce((sum, b) => sum + (b.beamDoseGy ?? 0), 0);
  const useDoseWeights = totalBeamDose > 0 && plannedBeams.every((b) => b.beamDoseGy !== undefined);

  // One record may hold beams of several fractions (rare); split by fraction number.
  const byFraction = new Map<number, typeof record.beams>();
  for (const beam of record.beams) {
    const list = byFraction.get(beam.fractionNumber) ?? [];
    list.push(beam);
    byFraction.set(beam.fractionNumber, list);
  }
  return [...byFraction.entries()].map(([fractionNumber, beams]) => {
    let equivalent = 0;
    const sessionBeams: SessionBeam[] = beams.map((beam) => {
      const planned = plannedBeams.find((b) => b.beamNumber === beam.beamNumber);
      const delivered = beam.deliveredMeterset ?? 0;
      const plannedMu = planned?.meterset;
      if (plannedMu !== undefined && plannedMu > 0) {
        const weight = useDoseWeights
          ? (planned?.beamDoseGy ?? 0) / totalBeamDose
          : totalPlannedMu > 0
            ? plannedMu / totalPlannedMu
            : 0;
        equivalent += weight * (delivered / plannedMu);
      }
      return {
        beamNumber: beam.beamNumber,
        beamName: beam.beamName,
        plannedMeterset: plannedMu,
        specifiedMeterset: beam.specifiedMeterset,
        deliveredMeterset: delivered,
        terminationStatus: beam.terminationStatus,
      };
    });
    const deliveredMu = sessionBeams.reduce((sum, b) => sum + b.deliveredMeterset, 0);
    const status: SessionStatus =
      deliveredMu === 0 ? 'missed' : equivalent >= COMPLETE ? 'delivered' : 'partial';
    return {
      file: record.file,
      date: record.treatmentDate,
      time: record.treatmentTime,
      fractionGroupNumber: group?.number ?? 0,
      fractionNumber,
      status,
      plannedMeterset: totalPlannedMu,
      deliveredMeterset: deliveredMu,
      fractionEquivalent: equivalent,
      beams: sessionBeams,
    };
  });
}

function groupHistory(
  plan: RtPlan,
  group: FractionGroup,
  sessions: readonly SessionHistory[],
): FractionGroupHistory {
  const fractionsPlanned = group.fractionsPlanned;
  const prescribed = groupPrescribedDoseGy(plan, group);
  const dosePerFraction =
    prescribed !== undefined && fractionsPlanned > 0 ? prescribed / fractionsPlanned : undefined;
  const perFraction = new Map<number, number>();
  for (const s of sessions)
    perFraction.set(
      s.fractionNumber,
      (perFraction.get(s.fractionNumber) ?? 0) + s.fractionEquivalent,
    );
  const equivalents = sessions.reduce((sum, s) => sum + s.fractionEquivalent, 0);
  const names = new Map(plan.beams.map((beam) => [beam.number, beam.name]));
  return {
    number: group.number,
    description: group.description,
    fractionsPlanned,
    prescribedDoseGy: prescribed,
    dosePerFractionGy: dosePerFraction,
    plannedMetersetPerFraction: group.beams.reduce((s, b) => s + (b.meterset ?? 0), 0),
    beams: group.beams.map((b) => ({
      beamNumber: b.beamNumber,
      beamName: names.get(b.beamNumber) || undefined,
      metersetPerFraction: b.meterset,
    })),
    fractionsDelivered: [...perFraction.values()].filter((e) => e >= COMPLETE).length,
    deliveredDoseGy: dosePerFraction === undefined ? undefined : dosePerFraction * equivalents,
  };
}

export function buildDoseHistory(
  plans: readonly RtPlan[],
  records: readonly TreatmentRecord[],
): DoseHistory {
  const planByUid = new Map(plans.map((plan) => [plan.sopInstanceUid, plan]));
  const recordsByPlan = new Map<string, TreatmentRecord[]>();
  const unmatchedRecords: DoseHistory['unmatchedRecords'] = [];
  for (const record of records) {
    const uid = record.referencedPlanUid;
    if (uid === undefined || !planByUid.has(uid)) {
      unmatchedRecords.push({ file: record.file, referencedPlanUid: uid });
      continue;
    }
    const list = recordsByPlan.get(uid) ?? [];
    list.push(record);
    recordsByPlan.set(uid, list);
  }

  const courses = plans.map((plan): CourseHistory => {
    const sessions = (recordsByPlan.get(plan.sopInstanceUid) ?? [])
      .flatMap((record) => sessionFromRecord(record, plan))
      .sort(
        (a, b) =>
          `${a.date ?? ''}${a.time ?? ''}`.localeCompare(`${b.date ?? ''}${b.time ?? ''}`) ||
          a.fractionGroupNumber - b.fractionGroupNumber ||
          a.fractionNumber - b.fractionNumber,
      );
    const groups = plan.fractionGroups.map((group) =>
      groupHistory(
        plan,
        group,
        sessions.filter((s) => s.fractionGroupNumber === group.number),
      ),
    );
    const same = <T>(values: T[]): T | undefined =>
      values.length > 0 && values.every((v) => v === values[0]) ? values[0] : undefined;
    const delivered = groups.map((g) => g.deliveredDoseGy);
    return {
      planUid: plan.sopInstanceUid,
      planLabel: plan.label,
      planFile: plan.file,
      prescribedDoseGy: prescribedDoseGy(plan),
      fractionsPlanned: groups.reduce((sum, g) => sum + g.fractionsPlanned, 0),
      dosePerFractionGy: same(groups.map((g) => g.dosePerFractionGy)),
      plannedMetersetPerFraction: same(groups.map((g) => g.plannedMetersetPerFraction)),
      fractionGroups: groups,
      sessions,
      fractionsDelivered: groups.reduce((sum, g) => sum + g.fractionsDelivered, 0),
      missedSessions: sessions.filter((s) => s.status === 'missed').length,
      partialSessions: sessions.filter((s) => s.status === 'partial').length,
      deliveredDoseGy: delivered.every((d) => d !== undefined)
        ? delivered.reduce((sum: number, d) => sum + (d as number), 0)
        : undefined,
    };
  });
  return {
    courses,
    unmatchedRecords,
    totalDeliveredDoseGy: courses.reduce((sum, c) => sum + (c.deliveredDoseGy ?? 0), 0),
  };
}
