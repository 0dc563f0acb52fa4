#!/usr/bin/env node
// ehr-rt: the radiotherapy core from the command line, for scripts and for checking the
// workstation's numbers against other tools. Results go to stdout (only JSON with --json);
// anything wrong goes to stderr with a non-zero exit: 1 when the input cannot be used,
// 2 when the command line itself is wrong.

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SOP_CLASS } from '../shared/rt/dictionary';
import { summarizeDvh, type Dvh } from '../shared/rt/dvh';
import {
  doseAtLabel,
  doseAtVolume,
  NEAR_MAX_LEVELS,
  parseDoseAtLevels,
  parseVolumeAtLevels,
  volumeAtDoseLevel,
  volumeAtLabel,
  type VolumeLevel,
} from '../shared/rt/dvh-metrics';
import { alphaBetaFor } from '../shared/rt/biological';
import {
  CLOSE_MARGIN,
  DEFAULT_CONSTRAINTS,
  evaluateConstraintTable,
  type ConstraintDose,
} from '../shared/rt/constraints';
import { isRtError } from '../shared/rt/errors';
import type { Roi } from '../shared/rt/parse/rtstruct';
import { sumDoseGrids } from '../shared/rt/sum';
import { buildDoseHistory } from '../shared/rt/history';
import type { DoseGrid } from '../shared/rt/parse/rtdose';
import { createCodecLoader } from '../shared/rt/codecs/load';
import { inspectFiles } from '../shared/rt/inspect';
import {
  computeRoiDvh,
  imagePlanesOf,
  OUTSIDE_GRID_CONVENTION,
  outsideGridPercent,
} from '../shared/rt/roi-dvh';
import type { Study, StudyFile } from '../shared/rt/study';
import { readStudy as readStudyFiles } from '../shared/rt/study-reader';
import { synthesizeCourse } from '../shared/rt/synth/course';

const USAGE = `usage:
  ehr-rt dvh <folder> [--json] [--dose-at LEVELS] [--volume-at DOSES]
                                     DVH statistics of every ROI against the course's dose:
                                     min, mean, max, D98/D95/D50/D2 %, D2cc and D0.03cc,
                                     and Dx / Vx at the levels asked for:
                                       --dose-at 95,2,5cc   Dx at 95 % and 2 % of the
                                                            structure (bare number: %) or
                                                            at a volume in cc
                                       --volume-at 20Gy,5   Vx: cc and % receiving ≥ 20 Gy
                                                            and ≥ 5 Gy (bare number: Gy)
  ehr-rt constraints <folder> [--json] [--alpha-beta NAME=GY,…]
                                     the default constraint table (QUANTEC; cumulative cord
                                     from Nieder 2006) on every RTDOSE of the structure
                                     set's frame of reference summed as courses: physical
                                     and EQD2 (each course's fractions from its plan; α/β
                                     10 Gy targets, 2 Gy cord/brainstem, 3 Gy other organs,
                                     or as given). pass / close (within 5 % below the
                                     limit) / fail / not evaluable
  ehr-rt history <folder> [--json]   prescribed, planned and delivered fractions and dose,
                                     per course and per fraction group (fractions, MU per
                                     beam, prescription); the course totals count all groups
  ehr-rt inspect <folder> [--json]   per file: object, transfer syntax, errors, warnings and,
                                     for images, min/max/mean and SHA-256 of the decoded
                                     stored values (little-endian, as an uncompressed copy's
                                     PixelData), to compare with another tool's decoding
  ehr-rt synth <out-folder> [--matrix N] [--slices N] [--seed TEXT]
                                     write a synthetic course (CT, RTSTRUCT, RTPLAN, RTDOSE,
                                     RT Beams Treatment Records)
dvh: a structure that cannot be used (no closed contours, contours not axial, fewer than
  3 points) gets null statistics and its reason in "problem", the others are computed;
  contours left out or lying off the CT's slice planes are in its "warnings".
  Min and max are the extremes of the dose inside the structure: the DVH's samples and
  every dose-grid sample whose centre lies inside it.
  D<v>cc is the lowest dose within the hottest v cc (cumulative DVH, 0.01 Gy bins, linear
  inside a bin; volumes of the DVH's slab model). A structure smaller than v cc has no
  D<v>cc: it is null, with the reason in "notes".
  For a structure partly outside the dose grid, the ${OUTSIDE_GRID_CONVENTION};
  "outside_grid_percent" says how much of it that is, and a warning goes to stderr.
Warnings on stderr also name optional references a file was read without (an RTDOSE's
  plan reference without its UID, a structure set naming no image series).`;

class UsageError extends Error {}
class InputError extends Error {}

function listFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    throw new InputError(`cannot read folder ${folder}`);
  }
  return entries.flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

// In Node the codecs' Emscripten glue finds its .wasm beside itself in node_modules (the
// codec packages stay external to the CLI bundle for that reason; see scripts/build.ts).
const loadCodec = createCodecLoader();

function readFiles(folder: string): StudyFile[] {
  const files: StudyFile[] = listFiles(folder)
    .sort()
    .map((path) => ({ name: relative(folder, path), bytes: new Uint8Array(readFileSync(path)) }));
  if (files.length === 0) throw new InputError(`no files in ${folder}`);
  return files;
}

async function readStudy(folder: string): Promise<Study> {
  const files = readFiles(folder);
  const study = await readStudyFiles(files, loadCodec);
  // Unreadable files do not stop the command, but the user must hear about them.
  for (const error of study.errors) console.error(`warning: ${error.message} [${error.code}]`);
  for (const warning of study.warnings) console.error(`warning: ${warning}`);
  return study;
}

function round(value: number | undefined, digits = 4): number | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function pickDose(study: Study, frameOfReferenceUid: string): DoseGrid {
  const candidates = study.doses.filter((d) => d.frameOfReferenceUid === frameOfReferenceUid);
  const dose = candidates.find((d) => d.summationType === 'PLAN') ?? candidates[0];
  if (!dose)
    throw new InputError(
      study.doses.length === 0
        ? 'no readable RTDOSE in the folder'
        : 'no RTDOSE shares the structure set’s frame of reference',
    );
  return dose;
}

interface DvhLevels {
  doseAt: VolumeLevel[];
  volumeAt: number[];
}

/** The --dose-at / --volume-at levels; a malformed list is a usage error. */
function dvhLevels(flags: Map<string, string | undefined>): DvhLevels {
  try {
    return {
      doseAt: flags.has('--dose-at') ? parseDoseAtLevels(flags.get('--dose-at') ?? '') : [],
      volumeAt: flags.has('--volume-at') ? parseVolumeAtLevels(flags.get('--volume-at') ?? '') : [],
    };
  } catch (error) {
    if (isRtError(error)) throw new UsageError(error.message);
    throw error;
  }
}

function levelValues(dvh: Dvh | null, levels: DvhLevels) {
  const doseAt = [...NEAR_MAX_LEVELS, ...levels.doseAt].map((level) =>
    dvh ? doseAtVolume(dvh, level) : { label: doseAtLabel(level), gy: null },
  );
  const notes = doseAt.flatMap((d) => ('note' in d && d.note ? [`${d.label}: ${d.note}`] : []));
  return {
    dose_at: Object.fromEntries(doseAt.map((d) => [d.label, round(d.gy ?? undefined)])),
    volume_at: Object.fromEntries(
      levels.volumeAt.map((gy) => {
        const v = dvh ? volumeAtDoseLevel(dvh, gy) : null;
        return [
          volumeAtLabel(gy),
          v ? { cc: round(v.cc, 3), percent: round(v.percent, 2) } : { cc: null, percent: null },
        ];
      }),
    ),
    notes,
  };
}

async function dvhCommand(folder: string, json: boolean, levels: DvhLevels): Promise<void> {
  const study = await readStudy(folder);
  const structureSet = study.structureSets[0];
  if (!structureSet) throw new InputError('no readable RTSTRUCT in the folder');
  const dose = pickDose(study, structureSet.frameOfReferenceUid);
  // Each structure fails alone (its reason on stderr and as "problem"); the rest are computed.
  const planes = imagePlanesOf(structureSet, study.imageSeries);
  const outcomes = structureSet.rois.map((roi) => computeRoiDvh(roi, dose, {}, planes));
  for (const o of outcomes) {
    if (o.problem) console.error(`warning: ${o.problem} [no DVH]`);
    for (const w of o.warnings) console.error(`warning: ROI "${o.roiName}": ${w}`);
  }
  const structures = outcomes.map(({ roiName, dvh, problem, warnings }) => {
    const s = dvh ? summarizeDvh(dvh) : undefined;
    const at = levelValues(dvh, levels);
    return {
      name: roiName,
      volume_cc: round(s?.volumeCc, 3),
      min_gy: round(s?.minGy),
      mean_gy: round(s?.meanGy),
      max_gy: round(s?.maxGy),
      d98_gy: round(s?.d98Gy),
      d95_gy: round(s?.d95Gy),
      d50_gy: round(s?.d50Gy),
      d2_gy: round(s?.d2Gy),
      d2cc_gy: at.dose_at['D2cc'] ?? null,
      d0_03cc_gy: at.dose_at['D0.03cc'] ?? null,
      dose_at: at.dose_at,
      volume_at: at.volume_at,
      notes: at.notes,
      outside_grid_percent: dvh ? round(outsideGridPercent(dvh), 2) : null,
      problem: problem ?? null,
      warnings,
    };
  });
  if (json) {
    process.stdout.write(`${JSON.stringify({ structures })}\n`);
    return;
  }
  console.log(`dose ${dose.file} (${dose.units}), structures ${structureSet.file}`);
  const doseLabels = Object.keys(structures[0]?.dose_at ?? {});
  const volumeLabels = Object.keys(structures[0]?.volume_at ?? {});
  console.log(
    ['name', 'volume_cc', 'min', 'mean', 'max', 'D98', 'D95', 'D50', 'D2']
      .concat(
        doseLabels,
        volumeLabels.map((l) => `${l}_cc`),
      )
      .join('\t'),
  );
  for (const s of structures)
    console.log(
      [s.name, s.volume_cc, s.min_gy, s.mean_gy, s.max_gy, s.d98_gy, s.d95_gy, s.d50_gy, s.d2_gy]
        .concat(
          doseLabels.map((l) => s.dose_at[l] ?? null),
          volumeLabels.map((l) => s.volume_at[l]?.cc ?? null),
        )
        .map((v) => (v === null ? '-' : String(v)))
        .join('\t'),
    );
  for (const s of structures)
    for (const note of s.notes) console.error(`note: ROI "${s.name}": ${note}`);
}

/** "SPINAL_CORD=2,PAROTID_L=3.5" → α/β by ROI name. */
function parseAlphaBeta(text: string | undefined): Record<string, number> {
  const edited: Record<string, number> = {};
  for (const part of (text ?? '').split(',')) {
    const match = /^(.+)=(\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!match) throw new UsageError(`--alpha-beta: "${part}" is not NAME=GY (e.g. SPINAL_CORD=2)`);
    edited[(match[1] as string).trim()] = Number(match[2]);
  }
  return edited;
}

/** The course's number of fractions, from the plan its dose references. */
function courseFractions(study: Study, dose: DoseGrid): number {
  const plan = study.plans.find((p) => p.sopInstanceUid === dose.referencedPlanUid);
  if (!plan)
    throw new InputError(
      `${dose.file}: its plan is not in the folder, so its number of fractions (needed for EQD2) is unknown; no constraint was evaluated`,
    );
  if (plan.fractionGroups.length !== 1)
    throw new InputError(
      `${dose.file}: plan ${plan.label} has ${plan.fractionGroups.length} fraction groups, and one dose for all of them has no single dose per fraction; no constraint was evaluated`,
    );
  return (plan.fractionGroups[0] as { fractionsPlanned: number }).fractionsPlanned;
}

async function constraintsCommand(
  folder: string,
  json: boolean,
  edited: Record<string, number>,
): Promise<void> {
  const study = await readStudy(folder);
  const structureSet = study.structureSets[0];
  if (!structureSet) throw new InputError('no readable RTSTRUCT in the folder');
  pickDose(study, structureSet.frameOfReferenceUid);
  const inFrame = study.doses.filter(
    (d) => d.frameOfReferenceUid === structureSet.frameOfReferenceUid,
  );
  const planDoses = inFrame.filter((d) => d.summationType === 'PLAN');
  const courses = (planDoses.length > 0 ? planDoses : inFrame).map((grid) => ({
    grid,
    label: grid.file,
    fractions: courseFractions(study, grid),
  }));
  const physical = sumDoseGrids(courses).grid;
  const rois = new Map(structureSet.rois.map((r) => [r.name, r]));
  const alphaBeta = new Map(
    structureSet.rois.map((r) => {
      try {
        return [r.name, alphaBetaFor(r, edited)] as const;
      } catch (error) {
        if (isRtError(error)) throw new UsageError(error.message);
        throw error;
      }
    }),
  );
  const dvhOf = (name: string, dose: ConstraintDose) => {
    const roi = rois.get(name) as Roi;
    const grid =
      dose === 'PHYSICAL'
        ? physical
        : sumDoseGrids(courses, {
            biological: { quantity: 'EQD2', alphaBetaGy: alphaBeta.get(name)?.gy ?? 3 },
          }).grid;
    const outcome = computeRoiDvh(roi, grid);
    if (outcome.problem) console.error(`warning: ${outcome.problem} [not evaluable]`);
    return outcome.dvh;
  };
  const results = evaluateConstraintTable(DEFAULT_CONSTRAINTS, [...rois.keys()], dvhOf);
  const output = {
    courses: courses.map((c) => ({ dose: c.label, fractions: c.fractions })),
    close_margin_percent: CLOSE_MARGIN * 100,
    alpha_beta_gy: Object.fromEntries(
      [...new Set(results.map((r) => r.roiName))].map((name) => [
        name,
        { gy: alphaBeta.get(name)?.gy ?? null, basis: alphaBeta.get(name)?.basis ?? null },
      ]),
    ),
    constraints: results.map((r) => ({
      organ: r.organ,
      roi: r.roiName,
      metric: r.metric,
      dose: r.dose,
      value: round(r.value ?? undefined),
      limit: r.limit,
      unit: r.unit,
      status: r.status,
      source: r.source,
      note: r.note ?? null,
    })),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return;
  }
  for (const c of output.constraints)
    console.log(
      `${c.status.padEnd(13)} ${c.roi}: ${c.metric} ${c.dose} ${c.value ?? '-'} ${c.unit} (limit ${c.limit}; ${c.source})`,
    );
}

/** A plan or record that could not be read would leave a course wrong, not just shorter. */
function refuseIncompleteHistory(study: Study): void {
  const lost = study.errors.filter(
    (e) => e.sopClassUid === SOP_CLASS.rtPlan || e.sopClassUid === SOP_CLASS.rtBeamsTreatmentRecord,
  );
  if (lost.length > 0)
    throw new InputError(
      `the dose history would be wrong: ${lost.map((e) => e.file).join(', ')} could not be read (see above)`,
    );
}

async function historyCommand(folder: string, json: boolean): Promise<void> {
  const study = await readStudy(folder);
  refuseIncompleteHistory(study);
  if (study.plans.length === 0 && study.treatmentRecords.length === 0)
    throw new InputError('no readable RTPLAN or RT treatment record in the folder');
  const planWarnings = new Map(study.plans.map((p) => [p.sopInstanceUid, p.warnings]));
  const history = buildDoseHistory(study.plans, study.treatmentRecords);
  const courses = history.courses.map((course) => ({
    plan_label: course.planLabel,
    plan_uid: course.planUid,
    prescribed_gy: round(course.prescribedDoseGy),
    fractions_planned: course.fractionsPlanned,
    dose_per_fraction_gy: round(course.dosePerFractionGy),
    planned_mu_per_fraction: round(course.plannedMetersetPerFraction, 2),
    // Each fraction group (a sequential boost is a second one); the totals above count all.
    fraction_groups: course.fractionGroups.map((g) => ({
      number: g.number,
      description: g.description ?? null,
      prescribed_gy: round(g.prescribedDoseGy),
      fractions_planned: g.fractionsPlanned,
      dose_per_fraction_gy: round(g.dosePerFractionGy),
      planned_mu_per_fraction: round(g.plannedMetersetPerFraction, 2),
      beams: g.beams.map((b) => ({
        number: b.beamNumber,
        name: b.beamName ?? null,
        mu_per_fraction: round(b.metersetPerFraction, 2),
      })),
      fractions_delivered: g.fractionsDelivered,
      delivered_gy: round(g.deliveredDoseGy),
    })),
    fractions_delivered: course.fractionsDelivered,
    missed_sessions: course.missedSessions,
    partial_sessions: course.partialSessions,
    delivered_gy: round(course.deliveredDoseGy),
    // Damage found in the plan: what it reports may be incomplete.
    warnings: planWarnings.get(course.planUid) ?? [],
    sessions: course.sessions.map((s) => ({
      date: s.date ?? null,
      fraction_group: s.fractionGroupNumber,
      fraction: s.fractionNumber,
      status: s.status,
      planned_mu: round(s.plannedMeterset, 2),
      delivered_mu: round(s.deliveredMeterset, 2),
    })),
  }));
  const output = {
    courses,
    total_delivered_gy: round(history.totalDeliveredDoseGy),
    unmatched_records: history.unmatchedRecords.map((r) => r.file),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return;
  }
  for (const c of courses) {
    console.log(
      `${c.plan_label}: ${c.prescribed_gy ?? '?'} Gy in ${c.fractions_planned} fractions; ` +
        `${c.fractions_delivered} delivered (${c.delivered_gy ?? '?'} Gy), ${c.missed_sessions} missed`,
    );
    if (c.fraction_groups.length > 1)
      for (const g of c.fraction_groups)
        console.log(
          `  group ${g.number}${g.description ? ` (${g.description})` : ''}: ${g.prescribed_gy ?? '?'} Gy in ${g.fractions_planned} fractions, ` +
            `${g.planned_mu_per_fraction} MU per fraction (${g.beams.map((b) => `${b.name ?? b.number} ${b.mu_per_fraction ?? '?'}`).join(', ')}); ${g.fractions_delivered} delivered`,
        );
    for (const s of c.sessions)
      console.log(
        `  ${s.date ?? '????????'}  ${c.fraction_groups.length > 1 ? `group ${s.fraction_group} ` : ''}fraction ${s.fraction}  ${s.status}  ${s.delivered_mu}/${s.planned_mu} MU`,
      );
  }
}

async function inspectCommand(folder: string, json: boolean): Promise<void> {
  const files = await inspectFiles(readFiles(folder), loadCodec);
  if (json) {
    process.stdout.write(`${JSON.stringify({ files })}\n`);
    return;
  }
  for (const f of files) {
    const what = `${f.object ?? f.sop_class_uid ?? 'not DICOM'}, ${f.transfer_syntax ?? '-'}`;
    const pixels = f.pixels
      ? `  min ${f.pixels.min} max ${f.pixels.max} mean ${round(f.pixels.mean)} sha256 ${f.pixels.sha256}`
      : '';
    console.log(`${f.file}: ${what}${pixels}`);
    if (f.error) console.log(`  error: ${f.error.message} [${f.error.code}]`);
    if (f.skipped) console.log(`  skipped: ${f.skipped}`);
    for (const warning of f.warnings) console.log(`  warning: ${warning}`);
  }
}

function positiveInteger(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} needs a positive integer`);
  return value;
}

function synthCommand(folder: string, flags: Map<string, string | undefined>): void {
  const course = synthesizeCourse({
    matrix: flags.has('--matrix') ? positiveInteger('--matrix', flags.get('--matrix')) : undefined,
    slices: flags.has('--slices') ? positiveInteger('--slices', flags.get('--slices')) : undefined,
    seed: flags.get('--seed'),
  });
  mkdirSync(folder, { recursive: true });
  for (const file of course.files) writeFileSync(join(folder, file.name), file.bytes);
  console.log(`wrote ${course.files.length} files to ${folder}`);
}

function parseArguments(argv: readonly string[]) {
  const positional: string[] = [];
  const flags = new Map<string, string | undefined>();
  const valued = new Set([
    '--matrix',
    '--slices',
    '--seed',
    '--dose-at',
    '--volume-at',
    '--alpha-beta',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (valued.has(arg)) {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      flags.set(arg, argv[++i]);
    } else if (arg === '--json' || arg === '--help' || arg === '-h') flags.set(arg, undefined);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  return { positional, flags };
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    const { positional, flags } = parseArguments(argv);
    if (flags.has('--help') || flags.has('-h')) {
      console.log(USAGE);
      return 0;
    }
    const [command, folder, ...extra] = positional;
    if (!command || !folder || extra.length > 0)
      throw new UsageError('expected a command and a folder');
    const json = flags.has('--json');
    if (command !== 'dvh' && (flags.has('--dose-at') || flags.has('--volume-at')))
      throw new UsageError('--dose-at and --volume-at belong to the dvh command');
    if (command === 'dvh') await dvhCommand(folder, json, dvhLevels(flags));
    else if (command === 'constraints')
      await constraintsCommand(
        folder,
        json,
        flags.has('--alpha-beta') ? parseAlphaBeta(flags.get('--alpha-beta')) : {},
      );
    else if (command === 'history') await historyCommand(folder, json);
    else if (command === 'inspect') await inspectCommand(folder, json);
    else if (command === 'synth') synthCommand(folder, flags);
    else throw new UsageError(`unknown command ${command}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`ehr-rt: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof InputError || isRtError(error)) {
      console.error(`ehr-rt: ${error.message}`);
      return 1;
    }
    console.error(
      `ehr-rt: unexpected failure: ${error instanceof Error ? error.stack : String(error)}`,
    );
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
