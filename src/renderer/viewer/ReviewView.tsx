// The radiation oncologist's review of one course: CT with window presets and slice
// scrolling, contours with per-structure toggles, dose as isodose lines or colour wash,
// the plan summary and the DVH of the selected structures. Parsing and DVHs run in the
// worker; this component only keeps choices and draws.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { prescribedDoseGy } from '../../shared/rt/parse/rtplan';
import { EmptyState } from '../components/EmptyState';
import type { IncomingFiles } from '../views/viewerLoad';
import {
  CoursePicker,
  FileProblems,
  PlanSummary,
  ProgressLine,
  type LoadProgress,
} from './CoursePanels';
import { CtViewport, WINDOW_PRESETS, type DoseMode } from './CtViewport';
import { DvhPlot, DvhTable, type DvhRow } from './Dvh';
import { registerSeries, releaseSeries } from './imageLoader';
import { DoseLegend } from './DoseLegend';
import { StructuresPanel, toggle } from './StructuresPanel';
import { isodoseLevels } from './overlay';
import type { CourseData, RoiDvhResult } from './protocol';
import { rtClient, type Preview, type Progress } from './rtClient';
import { buildImageSeries, type ImageSeries } from '../../shared/rt/parse/image';
import './viewer.css';

interface Props {
  emptyTitle: string;
  emptyText: string;
  /** Files opened from the ledger by the shell; a new key loads them (replacing the course). */
  incoming?: IncomingFiles | null;
}

/** Frees a course that is no longer shown: its CT in the image loader, its data in the worker. */
function release(old: CourseData) {
  old.imageSeries.forEach((_, i) => releaseSeries(`${old.id}-${i}`));
  void rtClient().release(old.id);
}

function pickIndexes(course: CourseData) {
  const series = course.imageSeries[0];
  const frame = series?.frameOfReferenceUid ?? course.structureSets[0]?.frameOfReferenceUid;
  const setIndex = Math.max(
    0,
    course.structureSets.findIndex((s) => s.frameOfReferenceUid === frame),
  );
  const doseFrame = course.structureSets[setIndex]?.frameOfReferenceUid ?? frame;
  const sameFrame = course.doses
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.frameOfReferenceUid === doseFrame);
  const doseIndex =
    sameFrame.find(({ d }) => d.summationType === 'PLAN')?.i ?? sameFrame[0]?.i ?? -1;
  const dose = course.doses[doseIndex];
  const planIndex = Math.max(
    0,
    course.plans.findIndex((p) => p.sopInstanceUid === dose?.referencedPlanUid),
  );
  return { setIndex, doseIndex, planIndex };
}

const NO_ROIS: ReadonlySet<number> = new Set();

/** The first picture while the rest of the course is parsed (first-slice.ts). */
interface FirstPicture {
  key: string;
  series: ImageSeries;
  index: number;
  count: number;
}

export function ReviewView({ emptyTitle, emptyText, incoming }: Props) {
  const [course, setCourse] = useState<CourseData | null>(null);
  const [firstPicture, setFirstPicture] = useState<FirstPicture | null>(null);
  const [source, setSource] = useState<string | null>(null);
  const [progress, setProgress] = useState<LoadProgress | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [slice, setSlice] = useState(0);
  const [presetId, setPresetId] = useState('soft');
  const [doseMode, setDoseMode] = useState<DoseMode>('isodose');
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [dvhRois, setDvhRois] = useState<ReadonlySet<number>>(new Set());
  const [dvhResults, setDvhResults] = useState<ReadonlyMap<number, RoiDvhResult>>(new Map());
  const [dvhProgress, setDvhProgress] = useState<LoadProgress | null>(null);
  const [vxText, setVxText] = useState('20');
  const requested = useRef(new Set<number>());
  // The course on screen (to release it when another replaces it) and the latest load, so
  // an earlier load that finishes late does not replace a newer one.
  const shownCourse = useRef<CourseData | null>(null);
  const latestLoad = useRef(0);

  /**
   * Loads a course and shows it in place of the current one; `from` says where it came from.
   * The caller has cleared the failure and shown the progress (see `starting`).
   */
  const open = useCallback(
    async (load: (p: Progress, v: Preview) => Promise<CourseData>, from: string | null) => {
      const ticket = ++latestLoad.current;
      const pictureKey = `first-${ticket}`;
      const showFirst: Preview = (first) => {
        if (ticket !== latestLoad.current) return;
        registerSeries(pictureKey, [first.slice]);
        setFirstPicture({
          key: pictureKey,
          series: buildImageSeries([first.slice]),
          index: first.index,
          count: first.count,
        });
      };
      try {
        const loaded = await load((done, total, what) => {
          if (ticket === latestLoad.current) setProgress({ done, total, what });
        }, showFirst);
        if (ticket !== latestLoad.current) return void rtClient().release(loaded.id);
        if (shownCourse.current) release(shownCourse.current);
        shownCourse.current = loaded;
        loaded.imageSeries.forEach((s, i) => registerSeries(`${loaded.id}-${i}`, s.slices));
        const { setIndex } = pickIndexes(loaded);
        const rois = loaded.structureSets[setIndex]?.rois ?? [];
        requested.current = new Set();
        setCourse(loaded);
        setSource(from);
        setSlice(Math.floor((loaded.imageSeries[0]?.slices.length ?? 1) / 2));
        setHidden(new Set());
        setDvhResults(new Map());
        setDvhRois(
          new Set(rois.filter((r) => r.interpretedType !== 'EXTERNAL').map((r) => r.number)),
        );
      } catch (error) {
        if (ticket !== latestLoad.current) return;
        setFailure((error as Error).message);
        // What came from the ledger replaces the course: never leave another one on screen.
        if (from !== null && shownCourse.current) {
          release(shownCourse.current);
          shownCourse.current = null;
          setCourse(null);
          setSource(null);
        }
      } finally {
        releaseSeries(pictureKey);
        if (ticket === latestLoad.current) {
          setProgress(null);
          setFirstPicture(null);
        }
      }
    },
    [],
  );

  const starting = () => {
    setFailure(null);
    setProgress({ done: 0, total: 1, what: 'Reading files' });
  };
  // Files from the ledger: show the load starting as soon as they arrive (state adjusted
  // while rendering), then load them in the effect.
  const [incomingSeen, setIncomingSeen] = useState<number | null>(null);
  if (incoming && incoming.key !== incomingSeen) {
    setIncomingSeen(incoming.key);
    starting();
  }
  useEffect(() => {
    if (!incoming) return;
    void open((p, v) => rtClient().loadBuffers(incoming.files, p, v), incoming.label);
  }, [incoming, open]);

  const indexes = useMemo(() => (course ? pickIndexes(course) : null), [course]);
  const series = course?.imageSeries[0];
  const structureSet = indexes ? course?.structureSets[indexes.setIndex] : undefined;
  const dose = indexes ? course?.doses[indexes.doseIndex] : undefined;
  const plan = indexes ? course?.plans[indexes.planIndex] : undefined;
  const prescription = plan ? prescribedDoseGy(plan) : undefined;
  const referenceGy = prescription ?? dose?.maxDose ?? 1;
  const levels = useMemo(() => isodoseLevels(referenceGy), [referenceGy]);
  const visibleRois = useMemo(
    () => new Set(structureSet?.rois.map((r) => r.number).filter((n) => !hidden.has(n))),
    [structureSet, hidden],
  );

  // Ask the worker for the DVHs of newly selected structures.
  useEffect(() => {
    if (!course || !indexes || !dose || !structureSet) return;
    const missing = [...dvhRois].filter((n) => !requested.current.has(n));
    if (missing.length === 0) return;
    missing.forEach((n) => requested.current.add(n));
    rtClient()
      .dvh(course.id, indexes.setIndex, indexes.doseIndex, missing, (done, total, what) =>
        setDvhProgress({ done, total, what }),
      )
      .then((results) => {
        setDvhResults((prev) => {
          const next = new Map(prev);
          for (const r of results) next.set(r.roiNumber, r);
          return next;
        });
      })
      .catch((error: unknown) => setFailure(`DVH: ${(error as Error).message}`))
      .finally(() => setDvhProgress(null));
  }, [course, indexes, dose, structureSet, dvhRois]);

  const sliceCount = series?.slices.length ?? 0;
  const onStep = useCallback(
    (delta: number, absolute?: number) =>
      setSlice((s) => Math.min(Math.max((absolute ?? s) + delta, 0), Math.max(sliceCount - 1, 0))),
    [sliceCount],
  );

  const picker = (
    <CoursePicker
      label={course ? 'Open another course…' : 'Open course files…'}
      busy={progress !== null}
      onFiles={(files) => {
        starting();
        void open((p, v) => rtClient().load(files, p, v), null);
      }}
    />
  );

  // The first slice, on screen while the rest of the course is read.
  const firstView = firstPicture && (
    <div className="rt-first-picture" data-first-picture={firstPicture.count}>
      <p className="muted">
        Slice {firstPicture.index + 1} of {firstPicture.count}; reading the rest of the course…
      </p>
      <CtViewport
        series={firstPicture.series}
        seriesKey={firstPicture.key}
        sliceIndex={0}
        onStep={() => undefined}
        preset={WINDOW_PRESETS.find((p) => p.id === presetId) ?? WINDOW_PRESETS[0]!}
        visibleRois={NO_ROIS}
        doseMode="off"
        levels={[]}
        washFromGy={0}
        washToGy={1}
        position={{ index: firstPicture.index, count: firstPicture.count }}
      />
    </div>
  );

  if (!course) {
    return (
      <div className="rt-review">
        {!firstView && <EmptyState title={emptyTitle}>{emptyText}</EmptyState>}
        <div className="rt-actions">{picker}</div>
        {progress && <ProgressLine progress={progress} />}
        {firstView}
        {failure && (
          <p className="banner error" role="alert">
            {failure}
          </p>
        )}
      </div>
    );
  }

  const preset = WINDOW_PRESETS.find((p) => p.id === presetId) ?? WINDOW_PRESETS[0]!;
  const vx = Number.parseFloat(vxText);
  const dvhRows: DvhRow[] = (structureSet?.rois ?? [])
    .filter((roi) => dvhRois.has(roi.number))
    .map((roi) => {
      const result = dvhResults.get(roi.number);
      return {
        roiNumber: roi.number,
        name: roi.name,
        color: roi.color,
        dvh: result?.dvh ?? null,
        problem: result?.problem ?? (dose ? undefined : 'no dose grid'),
        warnings: result?.warnings,
      };
    });
  const unsupported = course.errors.filter((e) => /transfer syntax/i.test(e.message));

  return (
    <div className="rt-review">
      <div className="rt-toolbar">
        <div>
          <h2>{course.label}</h2>
          {source && <p className="muted rt-source">Opened from the ledger: {source}</p>}
          <p className="muted">
            {course.fileCount} files · {series ? `${series.slices.length} CT slices` : 'no CT'} ·{' '}
            {course.structureSets.length} structure set · {course.plans.length} plan ·{' '}
            {course.doses.length} dose · {course.errors.length} not loaded
          </p>
        </div>
        <div className="rt-actions">{picker}</div>
      </div>
      {progress && <ProgressLine progress={progress} />}
      {failure && (
        <p className="banner error" role="alert">
          {failure}
        </p>
      )}
      <FileProblems course={course} />

      <div className="rt-workspace">
        <div className="rt-image-column">
          {series ? (
            <CtViewport
              series={series}
              seriesKey={`${course.id}-0`}
              sliceIndex={Math.min(slice, series.slices.length - 1)}
              onStep={onStep}
              preset={preset}
              structureSet={structureSet}
              visibleRois={visibleRois}
              dose={dose}
              doseMode={doseMode}
              levels={levels}
              washFromGy={referenceGy * 0.1}
              washToGy={Math.max(dose?.maxDose ?? 0, referenceGy)}
            />
          ) : (
            <div className="rt-viewport rt-viewport-empty" role="alert">
              <p>No CT series could be displayed.</p>
              {unsupported.length > 0 ? (
                <p>
                  {unsupported.length} image file{unsupported.length > 1 ? 's use' : ' uses'} an
                  unsupported transfer syntax: {unsupported[0]?.message}
                </p>
              ) : (
                <p>The files opened hold no readable CT or MR image series.</p>
              )}
            </div>
          )}
          {series && (
            <div className="rt-controls">
              <input
                type="range"
                aria-label="Slice"
                min={1}
                max={series.slices.length}
                value={Math.min(slice, series.slices.length - 1) + 1}
                onChange={(e) => onStep(0, Number(e.target.value) - 1)}
              />
              <div className="rt-segmented" role="group" aria-label="Window">
                {WINDOW_PRESETS.map((p) => (
                  <button
                    key={p.id}
                    type="button"
                    aria-pressed={p.id === presetId}
                    onClick={() => setPresetId(p.id)}
                  >
                    {p.label}
                  </button>
                ))}
              </div>
              <div className="rt-segmented" role="group" aria-label="Dose display">
                {(
                  [
                    ['off', 'No dose'],
                    ['isodose', 'Isodose lines'],
                    ['wash', 'Colour wash'],
                  ] as const
                ).map(([mode, label]) => (
                  <button
                    key={mode}
                    type="button"
                    aria-pressed={doseMode === mode}
                    disabled={!dose && mode !== 'off'}
                    onClick={() => setDoseMode(mode)}
                  >
                    {label}
                  </button>
                ))}
              </div>
              {dose ? (
                <DoseLegend
                  mode={doseMode}
                  levels={levels}
                  fromGy={referenceGy * 0.1}
                  toGy={Math.max(dose.maxDose, referenceGy)}
                  reference={prescription !== undefined ? 'prescription' : 'maximum'}
                />
              ) : (
                <p className="muted">
                  This course has no dose grid in the structures’ frame of reference.
                </p>
              )}
            </div>
          )}
        </div>

        <div className="rt-side">
          <StructuresPanel
            structureSet={structureSet}
            hidden={hidden}
            dvhRois={dvhRois}
            hasDose={Boolean(dose)}
            onToggleContour={(n) => setHidden((h) => toggle(h, n))}
            onToggleDvh={(n) => setDvhRois((d) => toggle(d, n))}
          />
          {plan ? (
            <PlanSummary plan={plan} />
          ) : (
            <section className="rt-panel">
              <h3>Plan</h3>
              <p className="muted">No RT plan was opened with this course.</p>
            </section>
          )}
        </div>
      </div>

      {structureSet && dose && (
        <section className="rt-panel rt-dvh" aria-label="Dose-volume histogram">
          <div className="rt-dvh-head">
            <h3>Dose-volume histogram</h3>
            <label className="rt-vx">
              Vx at
              <input
                type="number"
                min={0}
                step={0.5}
                value={vxText}
                aria-label="Vx dose (Gy)"
                onChange={(e) => setVxText(e.target.value)}
              />
              Gy
            </label>
          </div>
          {dvhProgress && <ProgressLine progress={dvhProgress} />}
          {dvhRows.length === 0 ? (
            <p className="muted">Tick structures under “DVH” to plot them.</p>
          ) : (
            <div className="rt-dvh-body">
              <DvhPlot
                rows={dvhRows}
                title={`Cumulative DVH of ${dvhRows.map((r) => r.name).join(', ')}`}
                markerGy={prescription}
              />
              <DvhTable rows={dvhRows} vxGy={vx} label="DVH statistics" />
            </div>
          )}
          <p className="muted rt-note">
            Dose from {dose.file} ({dose.summationType}, {dose.units}); structures from{' '}
            {structureSet.file}. Each contour fills its CT slice, dose is interpolated trilinearly,
            statistics use 0.01 Gy bins.
          </p>
        </section>
      )}
    </div>
  );
}
