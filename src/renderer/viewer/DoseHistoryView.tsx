// The physicist's dose history: every opened course with what was prescribed and what the
// treatment records say was delivered, session by session; and the summation of dose grids
// across courses with the summed DVH — refused, with the reason, when the grids are not in
// one frame of reference (no registration is guessed).
import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { EmptyState } from '../components/EmptyState';
import type { IncomingFiles } from '../views/viewerLoad';
import { CoursePicker, FileProblems, ProgressLine, type LoadProgress } from './CoursePanels';
import type { ConstraintRow } from '../../shared/rt/constraint-table';
import { ehr } from '../ehr';
import { ConstraintPanel } from './ConstraintPanel';
import { doseReportInput } from './doseReportInput';
import { DvhPlot, DvhTable, type DvhRow } from './Dvh';
import { gy, mu, shortUid } from './format';
import { RegistrationPanel } from './RegistrationPanel';
import { SessionTable } from './SessionTable';
import type { AcceptedRegistration } from '../../shared/rt/registration/accepted';
import type { CourseData, DoseRef, SumResult } from './protocol';
import { RtClientError, rtClient, type Progress } from './rtClient';
import './viewer.css';

interface Props {
  emptyTitle: string;
  emptyText: string;
  /**
   * Files opened from the ledger by the shell; a new key loads them as one course, which
   * replaces the course loaded from the ledger before (courses opened from files stay).
   * Its patient is who a registration saved as a record belongs to.
   */
  incoming?: (IncomingFiles & { patientId?: string }) | null;
}

type SumState =
  | { state: 'idle' }
  | { state: 'running'; progress: LoadProgress }
  | { state: 'done'; result: SumResult; labels: string[]; sources: DoseRef[] }
  | { state: 'refused'; code: string; message: string };

const doseKey = (ref: { courseId: number; doseIndex: number }) =>
  `${ref.courseId}:${ref.doseIndex}`;

export function DoseHistoryView({ emptyTitle, emptyText, incoming }: Props) {
  const [courses, setCourses] = useState<CourseData[]>([]);
  const [progress, setProgress] = useState<LoadProgress | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [sum, setSum] = useState<SumState>({ state: 'idle' });
  const [vxText, setVxText] = useState('45');
  const [source, setSource] = useState<string | null>(null);
  const [constraintRows, setConstraintRows] = useState<ConstraintRow[]>([]);
  const [exported, setExported] = useState<{ ok: boolean; text: string } | null>(null);
  const [accepted, setAccepted] = useState<AcceptedRegistration | null>(null);
  // The course that came from the ledger, and the latest ledger load (an earlier one that
  // finishes late is dropped).
  const ledgerCourse = useRef<number | null>(null);
  const latestLedgerLoad = useRef(0);

  const add = async (files: File[]) => {
    setFailure(null);
    try {
      const course = await rtClient().load(files, (done, total, what) =>
        setProgress({ done, total, what }),
      );
      setCourses((list) => [...list, course]);
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setProgress(null);
    }
  };

  const dropLedgerCourse = useCallback(() => {
    const old = ledgerCourse.current;
    if (old === null) return;
    ledgerCourse.current = null;
    void rtClient().release(old);
    setCourses((list) => list.filter((c) => c.id !== old));
    setSource(null);
  }, []);

  const addFromLedger = useCallback(
    async (load: (p: Progress) => Promise<CourseData>, label: string) => {
      const ticket = ++latestLedgerLoad.current;
      try {
        const course = await load((done, total, what) => {
          if (ticket === latestLedgerLoad.current) setProgress({ done, total, what });
        });
        if (ticket !== latestLedgerLoad.current) return void rtClient().release(course.id);
        const old = ledgerCourse.current;
        ledgerCourse.current = course.id;
        if (old !== null) void rtClient().release(old);
        setCourses((list) =>
          list.some((c) => c.id === old)
            ? list.map((c) => (c.id === old ? course : c))
            : [...list, course],
        );
        setSource(label);
        setSum({ state: 'idle' });
      } catch (error) {
        if (ticket !== latestLedgerLoad.current) return;
        setFailure((error as Error).message);
        dropLedgerCourse();
        setSum({ state: 'idle' });
      } finally {
        if (ticket === latestLedgerLoad.current) setProgress(null);
      }
    },
    [dropLedgerCourse],
  );

  // Files from the ledger: show the load starting as soon as they arrive (state adjusted
  // while rendering), then load them in the effect.
  const [incomingSeen, setIncomingSeen] = useState<number | null>(null);
  if (incoming && incoming.key !== incomingSeen) {
    setIncomingSeen(incoming.key);
    setFailure(null);
    setProgress({ done: 0, total: 1, what: 'Reading files' });
  }
  useEffect(() => {
    if (!incoming) return;
    void addFromLedger((p) => rtClient().loadBuffers(incoming.files, p), incoming.label);
  }, [incoming, addFromLedger]);

  const remove = (course: CourseData) => {
    if (course.id === ledgerCourse.current) {
      ledgerCourse.current = null;
      setSource(null);
    }
    void rtClient().release(course.id);
    setCourses((list) => list.filter((c) => c.id !== course.id));
    setSum({ state: 'idle' });
  };

  const doses: DoseRef[] = courses.flatMap((course) =>
    course.doses.map((dose, doseIndex) => ({
      courseId: course.id,
      doseIndex,
      // Records opened together may hold several courses: each dose is named by its plan.
      label: `${course.plans.find((p) => p.sopInstanceUid === dose.referencedPlanUid)?.label ?? course.label} · ${dose.file}`,
    })),
  );
  const selected = doses.filter((d) => !excluded.has(doseKey(d)));

  const runSum = async () => {
    setSum({ state: 'running', progress: { done: 0, total: 1, what: 'Starting' } });
    try {
      const result = await rtClient().sum(selected, (done, total, what) =>
        setSum({ state: 'running', progress: { done, total, what } }),
      );
      setSum({ state: 'done', result, labels: selected.map((s) => s.label), sources: selected });
    } catch (error) {
      const code = error instanceof RtClientError ? error.code : 'INTERNAL';
      setSum({ state: 'refused', code, message: (error as Error).message });
    }
  };

  const exportReport = async (format: 'pdf' | 'csv') => {
    if (sum.state !== 'done') return;
    setExported(null);
    const result = await ehr().exportDoseReport({
      format,
      report: doseReportInput(courses, sum.result, summedRows, constraintRows),
    });
    if (!result.ok) setExported({ ok: false, text: result.error.message });
    else if (result.value) setExported({ ok: true, text: `Report saved to ${result.value.path}` });
  };

  const picker = (
    <CoursePicker
      label={courses.length === 0 ? 'Open course files…' : 'Add another course…'}
      busy={progress !== null}
      onFiles={(files) => void add(files)}
    />
  );

  if (courses.length === 0)
    return (
      <div className="rt-review">
        <EmptyState title={emptyTitle}>{emptyText}</EmptyState>
        <div className="rt-actions">{picker}</div>
        {progress && <ProgressLine progress={progress} />}
        {failure && (
          <p className="banner error" role="alert">
            {failure}
          </p>
        )}
      </div>
    );

  const allCourses = courses.flatMap((c) => c.history.courses.map((h) => ({ course: c, h })));
  const totalDelivered = allCourses.reduce((s, { h }) => s + (h.deliveredDoseGy ?? 0), 0);
  const vx = Number.parseFloat(vxText);
  const summedSet = sum.state === 'done' ? sum.result : null;
  const summedRows: (DvhRow & { interpretedType?: string | undefined })[] =
    summedSet?.dvhs.map((d) => {
      const roi = courses
        .flatMap((c) => c.structureSets.flatMap((s) => s.rois))
        .find((r) => r.number === d.roiNumber && r.name === d.roiName);
      return {
        roiNumber: d.roiNumber,
        name: d.roiName,
        interpretedType: roi?.interpretedType,
        color: roi?.color,
        dvh: d.dvh,
        problem: d.problem,
        warnings: d.warnings,
      };
    }) ?? [];

  return (
    <div className="rt-review">
      <div className="rt-toolbar">
        <div>
          <h2>
            Dose history of {courses.length} opened course{courses.length > 1 ? 's' : ''}
          </h2>
          <p className="muted">
            Delivered dose is estimated from the treatment records’ delivered meterset against the
            plan. Nominal total delivered: {gy(totalDelivered, 1)} Gy (not a spatial sum).
          </p>
          {source && <p className="muted rt-source">Opened from the ledger: {source}</p>}
        </div>
        <div className="rt-actions">{picker}</div>
      </div>
      {progress && <ProgressLine progress={progress} />}
      {failure && (
        <p className="banner error" role="alert">
          {failure}
        </p>
      )}

      <section className="rt-panel" aria-label="Courses">
        <h3>Courses</h3>
        <table className="rt-table" aria-label="Courses">
          <thead>
            <tr>
              <th scope="col">Course</th>
              <th scope="col">Prescribed (Gy)</th>
              <th scope="col">Fractions planned</th>
              <th scope="col">Dose / fx (Gy)</th>
              <th scope="col">Fractions delivered</th>
              <th scope="col">Missed sessions</th>
              <th scope="col">Delivered so far (Gy)</th>
              <th scope="col">Frame of reference</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {allCourses.map(({ course, h }) => (
              <Fragment key={`${course.id}-${h.planUid}`}>
                <tr data-course={h.planLabel}>
                  <th scope="row">{h.planLabel}</th>
                  <td>{gy(h.prescribedDoseGy, 1)}</td>
                  <td>{h.fractionsPlanned}</td>
                  <td>{gy(h.dosePerFractionGy)}</td>
                  <td>{h.fractionsDelivered}</td>
                  <td className={h.missedSessions > 0 ? 'rt-flag' : undefined}>
                    {h.missedSessions}
                  </td>
                  <td>{gy(h.deliveredDoseGy)}</td>
                  <td
                    title={
                      course.plans.find((p) => p.sopInstanceUid === h.planUid)?.frameOfReferenceUid
                    }
                  >
                    {shortUid(
                      course.plans.find((p) => p.sopInstanceUid === h.planUid)
                        ?.frameOfReferenceUid ?? '—',
                    )}
                  </td>
                  <td>
                    <button type="button" className="link" onClick={() => remove(course)}>
                      Close
                    </button>
                  </td>
                </tr>
                {h.fractionGroups.length > 1 &&
                  h.fractionGroups.map((g) => (
                    <tr
                      key={`${course.id}-${h.planUid}-${g.number}`}
                      className="rt-subrow"
                      data-fraction-group={`${h.planLabel} ${g.number}`}
                    >
                      <th scope="row">
                        fraction group {g.number}
                        {g.description ? ` ${g.description}` : ''}
                      </th>
                      <td>{gy(g.prescribedDoseGy, 1)}</td>
                      <td>{g.fractionsPlanned}</td>
                      <td>{gy(g.dosePerFractionGy)}</td>
                      <td>{g.fractionsDelivered}</td>
                      <td />
                      <td>{gy(g.deliveredDoseGy)}</td>
                      <td colSpan={2} className="muted">
                        {mu(g.plannedMetersetPerFraction)} MU / fx
                      </td>
                    </tr>
                  ))}
              </Fragment>
            ))}
          </tbody>
        </table>
        {courses.map((c) => (
          <FileProblems key={c.id} course={c} />
        ))}
      </section>

      {allCourses.map(({ course, h }) => (
        <SessionTable key={`${course.id}-${h.planUid}`} history={h} />
      ))}

      <section className="rt-panel" aria-label="Dose summation">
        <h3>Dose summation across courses</h3>
        {doses.length === 0 ? (
          <p className="muted">None of the opened courses holds a dose grid.</p>
        ) : (
          <>
            <ul className="rt-dose-list">
              {doses.map((d) => {
                const course = courses.find((c) => c.id === d.courseId);
                const grid = course?.doses[d.doseIndex];
                return (
                  <li key={doseKey(d)}>
                    <label>
                      <input
                        type="checkbox"
                        checked={!excluded.has(doseKey(d))}
                        onChange={() =>
                          setExcluded((set) => {
                            const next = new Set(set);
                            if (next.has(doseKey(d))) next.delete(doseKey(d));
                            else next.add(doseKey(d));
                            return next;
                          })
                        }
                      />
                      {d.label}
                    </label>{' '}
                    <span className="muted">
                      {grid?.summationType} · {grid?.doseType} {grid?.units} · max{' '}
                      {gy(grid?.maxDose)} Gy · frame{' '}
                      <span title={grid?.frameOfReferenceUid}>
                        {shortUid(grid?.frameOfReferenceUid ?? '')}
                      </span>
                    </span>
                  </li>
                );
              })}
            </ul>
            <button
              type="button"
              disabled={selected.length < 2 || sum.state === 'running'}
              onClick={() => void runSum()}
            >
              Sum {selected.length} selected dose grids
            </button>
          </>
        )}
        {sum.state === 'running' && <ProgressLine progress={sum.progress} />}
        {sum.state === 'refused' && (
          <div className="banner error rt-refusal" role="alert" data-code={sum.code}>
            <strong>Summation refused.</strong> {sum.message}
          </div>
        )}
        {((sum.state === 'refused' && sum.code === 'FRAME_OF_REFERENCE_MISMATCH') || accepted) && (
          <RegistrationPanel
            courses={courses}
            selected={selected}
            patientId={incoming?.patientId}
            offer={sum.state === 'refused' && sum.code === 'FRAME_OF_REFERENCE_MISMATCH'}
            accepted={accepted}
            onAccepted={(registration) => {
              setAccepted(registration);
              void runSum();
            }}
          />
        )}
        {sum.state === 'done' && (
          <div className="rt-sum-result">
            <dl className="rt-facts" aria-label="Summation provenance">
              <dt>Method</dt>
              <dd>{sum.result.provenance.method}</dd>
              <dt>Frame of reference</dt>
              <dd title={sum.result.provenance.frameOfReferenceUid}>
                {shortUid(sum.result.provenance.frameOfReferenceUid)}
              </dd>
              <dt>Sources</dt>
              <dd>
                {sum.result.provenance.sources
                  .map((s) => `${s.label ?? s.file} (${s.summationType}, max ${gy(s.maxGy)} Gy)`)
                  .join(' + ')}
              </dd>
              <dt>Registration</dt>
              <dd data-testid="summed-registration">
                {sum.result.provenance.sources.some((s) => s.registration)
                  ? sum.result.provenance.sources
                      .filter((s) => s.registration)
                      .map(
                        (s) => `${s.label ?? s.file} mapped through ${s.registration?.description}`,
                      )
                      .join('; ')
                  : 'none: every dose grid is in the same frame of reference'}
              </dd>
              <dt>Common grid</dt>
              <dd>
                {sum.result.provenance.grid.columns} × {sum.result.provenance.grid.rows} ×{' '}
                {sum.result.provenance.grid.frames} voxels,{' '}
                {sum.result.provenance.grid.spacingMm.map((s) => s.toFixed(2)).join(' × ')} mm
              </dd>
              <dt>Dose summed</dt>
              <dd>
                each course’s RTDOSE as stored (a PLAN dose is the whole planned course, not the
                fractions delivered so far)
              </dd>
              <dt>Summed maximum</dt>
              <dd data-testid="summed-max">{gy(sum.result.grid.maxDose)} Gy</dd>
            </dl>
            {summedRows.length === 0 ? (
              <p className="muted">
                No structure set in this frame of reference was opened, so there is no summed DVH.
              </p>
            ) : (
              <>
                <div className="rt-dvh-head">
                  <h4>Cumulative DVH ({sum.result.structureSetLabel})</h4>
                  <label className="rt-vx">
                    Vx at
                    <input
                      type="number"
                      min={0}
                      step={0.5}
                      value={vxText}
                      aria-label="Summed Vx dose (Gy)"
                      onChange={(e) => setVxText(e.target.value)}
                    />
                    Gy
                  </label>
                </div>
                <div className="rt-dvh-body">
                  <DvhPlot rows={summedRows} title="Cumulative DVH of the summed dose" />
                  <DvhTable rows={summedRows} vxGy={vx} label="Summed DVH statistics" />
                </div>
                <ConstraintPanel
                  result={sum.result}
                  sources={sum.sources}
                  rois={summedRows.map((r) => ({
                    name: r.name,
                    color: r.color,
                    ...(r.interpretedType ? { interpretedType: r.interpretedType } : {}),
                  }))}
                  onRows={setConstraintRows}
                />
                <div className="rt-actions rt-report-actions">
                  <button type="button" onClick={() => void exportReport('pdf')}>
                    Export dose report (PDF)…
                  </button>
                  <button type="button" onClick={() => void exportReport('csv')}>
                    Export dose report (CSV)…
                  </button>
                  {exported && (
                    <p
                      className={exported.ok ? 'muted' : 'banner error'}
                      role={exported.ok ? 'status' : 'alert'}
                      data-testid="report-saved"
                    >
                      {exported.text}
                    </p>
                  )}
                </div>
              </>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
