// What the viewer's worker does with each request: everything slow about a course —
// parsing (dicom-parser through src/shared/rt), DVHs, dose summation. Parsed courses stay
// here so DVH and summation requests only name them; CT pixels are handed over to the UI
// (transferred), dose grids and contours are copied (the UI draws them too). Compressed
// CT/MR slices are loaded undecoded (the course is usable from its headers) and decoded
// one by one when the UI asks ('decode-slice', see lazyPixels.ts); their files stay here
// until the course is released. No DOM and no
// `self` here: rt.worker.ts wires it to the worker, tests drive it in Node.
import { RtError, isRtError } from '../../shared/rt/errors';
import type { DoseGrid } from '../../shared/rt/parse/rtdose';
import { readFirstSlice } from '../../shared/rt/first-slice';
import { buildDoseHistory } from '../../shared/rt/history';
import type { Roi, StructureSet } from '../../shared/rt/parse/rtstruct';
import { computeRoiDvh, imagePlanesOf, type ImagePlanes } from '../../shared/rt/roi-dvh';
import { createCodecLoader, type CodecLoader } from '../../shared/rt/codecs/load';
import { decodeSlicePixels, loadStudy, type Study, type StudyFile } from '../../shared/rt/study';
import type { CodecSet } from '../../shared/rt/parse/pixels';
import { prepareStudyFiles } from '../../shared/rt/study-reader';
import { sumDoseGrids } from '../../shared/rt/sum';
import {
  findRegistration,
  registrationsFromObject,
  type AcceptedRegistration,
} from '../../shared/rt/registration/accepted';
import { openDicom } from '../../shared/rt/parse/open';
import type { RegistrationSubject } from '../../shared/ipc/slices/rt';
import type {
  CourseData,
  DoseRef,
  Eqd2DvhResult,
  RoiDvhResult,
  WorkerRequest,
  WorkerResponse,
} from './protocol';

/** Sends a response to the UI thread, transferring (not copying) the given buffers. */
export type PostResponse = (message: WorkerResponse, transfer?: ArrayBuffer[]) => void;

function courseLabel(study: Study, courseId: number): string {
  const plan = study.plans[0];
  if (plan)
    return plan.name && plan.name !== plan.label ? `${plan.label} (${plan.name})` : plan.label;
  const set = study.structureSets[0];
  if (set?.label) return set.label;
  return `Course ${courseId}`;
}

function roiDvh(
  roi: Roi,
  study: { doses: Study['doses'] },
  doseIndex: number,
  imagePlanes?: ImagePlanes,
): RoiDvhResult {
  const grid = study.doses[doseIndex];
  if (!grid)
    return {
      roiNumber: roi.number,
      roiName: roi.name,
      dvh: null,
      problem: 'no dose grid',
      warnings: [],
    };
  return computeRoiDvh(roi, grid, {}, imagePlanes);
}

/** The patient and study of the course's first CT, for a REG saved as its record. */
function subjectOf(study: Study, files: readonly StudyFile[]): RegistrationSubject | undefined {
  const name = study.imageSeries[0]?.slices[0]?.file;
  const file = files.find((f) => f.name === name);
  if (!file) return undefined;
  try {
    const r = openDicom(file.bytes, file.name).reader;
    const studyInstanceUid = r.string('StudyInstanceUID');
    if (!studyInstanceUid) return undefined;
    const optional = (key: keyof RegistrationSubject, value: string | undefined) =>
      value ? { [key]: value } : {};
    return {
      patientName: r.string('PatientName') ?? '',
      patientId: r.string('PatientID') ?? '',
      studyInstanceUid,
      ...optional('patientBirthDate', r.string('PatientBirthDate')),
      ...optional('patientSex', r.string('PatientSex')),
      ...optional('studyDate', r.string('StudyDate')),
      ...optional('studyTime', r.string('StudyTime')),
      ...optional('studyId', r.string('StudyID')),
      ...optional('accessionNumber', r.string('AccessionNumber')),
    };
  } catch {
    return undefined;
  }
}

/**
 * A handler for worker requests; each answer (or a 'failed' one) goes to `post`. Requests
 * run one after another in arrival order (a load is asynchronous while it inflates and
 * loads codecs), so a DVH asked right after a load finds its course. The promise settles
 * when that request's answer has been posted.
 */
export function createRtWorkerHandler(
  post: PostResponse,
  /** Loads pixel codecs; the worker passes where the bundler put the .wasm files. */
  loadCodec: CodecLoader = createCodecLoader(),
): (request: WorkerRequest) => Promise<void> {
  const courses = new Map<number, Study & { label: string }>();
  // The files of each course's undecoded slices, by name, and the codecs that read them.
  const encoded = new Map<number, { files: Map<string, StudyFile>; codecs: CodecSet }>();
  // Registrations the physicist reviewed and accepted in this session (automatic ones).
  const accepted: AcceptedRegistration[] = [];

  function dvhs(
    id: number,
    set: StructureSet,
    roiNumbers: readonly number[] | undefined,
    compute: (roi: Roi) => RoiDvhResult,
  ): RoiDvhResult[] {
    const rois = roiNumbers ? set.rois.filter((r) => roiNumbers.includes(r.number)) : set.rois;
    const results: RoiDvhResult[] = [];
    rois.forEach((roi, i) => {
      post({ kind: 'progress', id, done: i, total: rois.length, what: `DVH of ${roi.name}` });
      results.push(compute(roi));
    });
    return results;
  }

  // REG objects shared with any open course: a grid in another frame of reference than the
  // first is mapped through the one that registers its frame to the first's.
  function summationSources(refs: readonly DoseRef[]) {
    const registrations = [
      ...[...courses.values()].flatMap((c) => c.registrations.flatMap(registrationsFromObject)),
      ...accepted,
    ];
    let reference: string | undefined;
    return refs.map((source) => {
      const grid = courses.get(source.courseId)?.doses[source.doseIndex];
      if (!grid) throw new Error(`${source.label} is no longer open`);
      reference ??= grid.frameOfReferenceUid;
      const registration =
        grid.frameOfReferenceUid === reference
          ? undefined
          : findRegistration(registrations, grid.frameOfReferenceUid, reference);
      return { grid, label: source.label, registration };
    });
  }

  /** The structures of the sum: the ones asked for, else the first set in its frame. */
  function structuresFor(
    frame: string,
    refs: readonly DoseRef[],
    asked: { courseId: number; structureSetIndex: number } | undefined,
  ): StructureSet | undefined {
    if (asked) {
      const set = courses.get(asked.courseId)?.structureSets[asked.structureSetIndex];
      if (set) return set;
    }
    for (const source of refs) {
      const set = courses
        .get(source.courseId)
        ?.structureSets.find((s) => s.frameOfReferenceUid === frame);
      if (set) return set;
    }
    return undefined;
  }

  /** A dose grid's course fractions, from the plan it references (needed for EQD2). */
  function plannedFractions(ref: DoseRef, grid: DoseGrid): number {
    const plan = courses
      .get(ref.courseId)
      ?.plans.find((p) => p.sopInstanceUid === grid.referencedPlanUid);
    if (!plan)
      throw new RtError(
        'BAD_VALUE',
        `${ref.label}: its plan was not opened, so its number of fractions (needed for EQD2) is unknown; no EQD2 was computed`,
      );
    if (plan.fractionGroups.length !== 1)
      throw new RtError(
        'BAD_VALUE',
        `${ref.label}: plan ${plan.label} has ${plan.fractionGroups.length} fraction groups, and one dose for all of them has no single dose per fraction; no EQD2 was computed`,
      );
    return (plan.fractionGroups[0] as { fractionsPlanned: number }).fractionsPlanned;
  }

  async function handle(request: WorkerRequest): Promise<void> {
    const { id } = request;
    switch (request.kind) {
      case 'load': {
        const files = request.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.buffer) }));
        // Inflating and loading codecs first, once, for the first picture and the course.
        const prepared = await prepareStudyFiles(files, loadCodec);
        // The first picture before the rest is parsed: the slice the viewer opens on.
        const first = readFirstSlice(prepared.files, prepared.codecs);
        if (first)
          post({ kind: 'preview', id, preview: first }, [first.slice.pixels.buffer as ArrayBuffer]);
        post({ kind: 'progress', id, done: 0, total: 1, what: 'Parsing DICOM' });
        const study = loadStudy(prepared.files, prepared.codecs, { deferDecode: true });
        const label = courseLabel(study, request.courseId);
        courses.set(request.courseId, { ...study, label });
        const course: CourseData = {
          id: request.courseId,
          label,
          fileCount: request.files.length,
          imageSeries: study.imageSeries,
          structureSets: study.structureSets,
          plans: study.plans,
          doses: study.doses,
          history: buildDoseHistory(study.plans, study.treatmentRecords),
          errors: study.errors,
          warnings: study.warnings,
          skipped: study.skipped,
        };
        const subject = subjectOf(study, prepared.files);
        if (subject) course.subject = subject;
        // The worker keeps no CT pixels (DVH and summation need contours and dose only).
        const pixels = study.imageSeries.flatMap((s) =>
          s.slices.map((slice) => slice.pixels.buffer),
        );
        const waiting = new Set(
          study.imageSeries.flatMap((s) =>
            s.slices.filter((x) => x.pixelsEncoded).map((x) => x.file),
          ),
        );
        if (waiting.size > 0)
          encoded.set(request.courseId, {
            files: new Map(
              prepared.files.filter((f) => waiting.has(f.name)).map((f) => [f.name, f]),
            ),
            codecs: prepared.codecs,
          });
        post({ kind: 'loaded', id, course }, pixels as ArrayBuffer[]);
        for (const series of study.imageSeries) series.slices = [];
        return;
      }
      case 'decode-slice': {
        const file = encoded.get(request.courseId)?.files.get(request.file);
        if (!file) {
          post({ kind: 'failed', id, code: 'BAD_VALUE', message: 'that course is no longer open' });
          return;
        }
        const pixels = decodeSlicePixels(file, encoded.get(request.courseId)?.codecs);
        post({ kind: 'slice-pixels', id, pixels }, [pixels.buffer as ArrayBuffer]);
        return;
      }
      case 'dvh': {
        const study = courses.get(request.courseId);
        const set = study?.structureSets[request.structureSetIndex];
        if (!study || !set) {
          post({ kind: 'failed', id, code: 'BAD_VALUE', message: 'that course is no longer open' });
          return;
        }
        // The series keeps its planes in the worker (its pixels went to the UI).
        const planes = imagePlanesOf(set, study.imageSeries);
        const results = dvhs(id, set, request.roiNumbers, (roi) =>
          roiDvh(roi, study, request.doseIndex, planes),
        );
        post({ kind: 'dvh', id, results });
        return;
      }
      case 'sum': {
        const sources = summationSources(request.sources);
        post({ kind: 'progress', id, done: 0, total: 1, what: 'Resampling and adding dose grids' });
        const summation = sumDoseGrids(sources);
        const set = structuresFor(
          summation.provenance.frameOfReferenceUid,
          request.sources,
          request.structures,
        );
        const summed = { doses: [summation.grid] };
        const results = set ? dvhs(id, set, undefined, (roi) => roiDvh(roi, summed, 0)) : [];
        post({
          kind: 'summed',
          id,
          result: {
            provenance: summation.provenance,
            grid: summation.grid,
            structureSetLabel: set ? set.label || set.file : undefined,
            dvhs: results,
          },
        });
        return;
      }
      case 'eqd2': {
        // Each course converted with its own planned fractions, then added: one sum per α/β.
        const sources = summationSources(request.sources).map((s, i) => ({
          ...s,
          fractions: plannedFractions(request.sources[i] as DoseRef, s.grid),
        }));
        const frame = sources[0]?.grid.frameOfReferenceUid ?? '';
        const set = structuresFor(frame, request.sources, undefined);
        const byAlphaBeta = new Map<number, typeof request.needs>();
        for (const need of request.needs)
          byAlphaBeta.set(need.alphaBetaGy, [...(byAlphaBeta.get(need.alphaBetaGy) ?? []), need]);
        const results: Eqd2DvhResult[] = [];
        let done = 0;
        for (const [alphaBetaGy, needs] of byAlphaBeta) {
          post({
            kind: 'progress',
            id,
            done: done++,
            total: byAlphaBeta.size,
            what: `EQD2 sum at α/β ${alphaBetaGy} Gy`,
          });
          const summed = {
            doses: [sumDoseGrids(sources, { biological: { quantity: 'EQD2', alphaBetaGy } }).grid],
          };
          for (const need of needs) {
            const roi = set?.rois.find((r) => r.name === need.roiName);
            const outcome = roi ? roiDvh(roi, summed, 0) : null;
            results.push({
              ...need,
              dvh: outcome?.dvh ?? null,
              ...(outcome?.problem || !roi
                ? { problem: outcome?.problem ?? 'no such structure in the summed set' }
                : {}),
            });
          }
        }
        post({ kind: 'eqd2', id, results });
        return;
      }
      case 'use-registration': {
        accepted.unshift(request.registration);
        post({ kind: 'registration-used', id });
        return;
      }
      case 'release': {
        courses.delete(request.courseId);
        encoded.delete(request.courseId);
        post({ kind: 'released', id });
        return;
      }
    }
  }

  async function answer(request: WorkerRequest): Promise<void> {
    try {
      await handle(request);
    } catch (error) {
      post(
        isRtError(error)
          ? { kind: 'failed', id: request.id, code: error.code, message: error.message }
          : { kind: 'failed', id: request.id, code: 'INTERNAL', message: String(error) },
      );
    }
  }

  let queue = Promise.resolve();
  return (request) => {
    queue = queue.then(() => answer(request));
    return queue;
  };
}
