// Smaller pieces of the review screens: the file picker with its progress, the list of
// files that could not be used (the rest of the course still loads) with the warnings of
// those that loaded damaged, and the plan summary with its own file's warnings.
import { useRef } from 'react';
import { groupPrescribedDoseGy, prescribedDoseGy, type RtPlan } from '../../shared/rt/parse/rtplan';
import { dicomDate, gy, mu } from './format';
import type { CourseData } from './protocol';

export interface LoadProgress {
  done: number;
  total: number;
  what: string;
}

export function CoursePicker({
  label,
  onFiles,
  busy,
}: {
  label: string;
  onFiles: (files: File[]) => void;
  busy: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="rt-picker">
      <button type="button" disabled={busy} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        className="rt-file-input"
        aria-label={label}
        disabled={busy}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </span>
  );
}

export function ProgressLine({ progress }: { progress: LoadProgress }) {
  return (
    <div className="rt-progress" role="status">
      <progress max={Math.max(progress.total, 1)} value={progress.done} />
      <span>
        {progress.what}
        {progress.total > 1 ? ` (${progress.done + 1} of ${progress.total})` : ''}
      </span>
    </div>
  );
}

export function FileProblems({ course }: { course: CourseData }) {
  const { errors, warnings, skipped } = course;
  if (errors.length + warnings.length + skipped.length === 0) return null;
  return (
    <section className="rt-problems" aria-label="Files not loaded">
      {errors.length > 0 && (
        <div role="alert">
          <h3>
            {errors.length} of {course.fileCount} files could not be used; the rest of the course is
            shown
          </h3>
          <ul>
            {errors.map((error) => (
              <li key={`${error.file}${error.message}`} data-code={error.code}>
                {error.message} <span className="muted">[{error.code}]</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {warnings.length > 0 && (
        <ul className="rt-warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {skipped.length > 0 && (
        <p className="muted">
          Not reviewed: {skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}
        </p>
      )}
    </section>
  );
}

/** Prescription, fractions and MU per fraction group (a sequential boost is a second group). */
function FractionGroupsTable({ plan }: { plan: RtPlan }) {
  return (
    <table className="rt-table" aria-label="Fraction groups">
      <thead>
        <tr>
          <th scope="col">Fraction group</th>
          <th scope="col">Fractions</th>
          <th scope="col">Prescription</th>
          <th scope="col">Dose / fx</th>
          <th scope="col">MU / fx</th>
        </tr>
      </thead>
      <tbody>
        {plan.fractionGroups.map((group) => {
          const dose = groupPrescribedDoseGy(plan, group);
          return (
            <tr key={group.number} data-fraction-group={group.number}>
              <th scope="row">
                {group.number}
                {group.description ? ` ${group.description}` : ''}
              </th>
              <td>{group.fractionsPlanned}</td>
              <td>{dose === undefined ? 'not given' : `${gy(dose, 1)} Gy`}</td>
              <td>
                {dose !== undefined && group.fractionsPlanned > 0
                  ? `${gy(dose / group.fractionsPlanned)} Gy`
                  : '—'}
              </td>
              <td>{mu(group.beams.reduce((sum, b) => sum + (b.meterset ?? 0), 0))}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function PlanSummary({ plan }: { plan: RtPlan }) {
  const groups = plan.fractionGroups;
  const several = groups.length > 1;
  const prescribed = prescribedDoseGy(plan);
  // Every group's fractions count: the course is all of them.
  const fractions = groups.reduce((sum, g) => sum + g.fractionsPlanned, 0);
  const meterset = groups.map(
    (group) => new Map(group.beams.map((b) => [b.beamNumber, b.meterset])),
  );
  const totalMu = groups.map((group) => group.beams.reduce((sum, b) => sum + (b.meterset ?? 0), 0));
  return (
    <section className="rt-panel rt-plan" aria-label="Plan summary">
      <h3>Plan {plan.label}</h3>
      {plan.warnings.length > 0 && (
        // Damage found in the file: say it where the plan's numbers are read.
        <div className="rt-problems" role="alert" aria-label="Plan file damaged">
          <h3>This plan file is damaged; what is shown may be incomplete</h3>
          <ul>
            {plan.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      <dl className="rt-facts">
        <dt>Prescription</dt>
        <dd data-testid="prescription">
          {prescribed === undefined ? 'not given' : `${gy(prescribed, 1)} Gy`}
          {several && prescribed !== undefined && ` in ${groups.length} fraction groups`}
        </dd>
        <dt>Fractions</dt>
        <dd data-testid="fractions">{groups.length > 0 ? fractions : '—'}</dd>
        <dt>Dose per fraction</dt>
        <dd>
          {several
            ? 'per fraction group, below'
            : prescribed !== undefined && fractions
              ? `${gy(prescribed / fractions)} Gy`
              : '—'}
        </dd>
        <dt>Plan date</dt>
        <dd>{dicomDate(plan.date)}</dd>
        <dt>Approval</dt>
        <dd>{plan.approvalStatus ?? '—'}</dd>
      </dl>
      {several && <FractionGroupsTable plan={plan} />}
      <table className="rt-table" aria-label="Beams">
        <thead>
          <tr>
            <th scope="col">Beam</th>
            <th scope="col">Type</th>
            <th scope="col">Energy</th>
            <th scope="col">Gantry</th>
            <th scope="col">Machine</th>
            {groups.map((group) => (
              <th
                scope="col"
                key={group.number}
                title={several ? `MU per fraction in fraction group ${group.number}` : undefined}
              >
                {several ? `MU (${group.number})` : 'MU / fx'}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {plan.beams.map((beam) => (
            <tr key={beam.number}>
              <th scope="row">
                {beam.number} {beam.name}
              </th>
              <td>
                {beam.radiationType} {beam.type}
              </td>
              <td>
                {beam.nominalEnergy === undefined
                  ? '—'
                  : `${beam.nominalEnergy} ${beam.radiationType === 'ELECTRON' ? 'MeV' : 'MV'}`}
              </td>
              <td>{beam.gantryAngle === undefined ? '—' : `${beam.gantryAngle}°`}</td>
              <td>{beam.treatmentMachine ?? '—'}</td>
              {meterset.map((byBeam, i) => (
                <td key={groups[i]?.number}>{mu(byBeam.get(beam.number))}</td>
              ))}
            </tr>
          ))}
        </tbody>
        {groups.length > 0 && (
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>
                Total per fraction
              </th>
              {totalMu.map((total, i) => (
                <td key={groups[i]?.number}>{mu(total)}</td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </section>
  );
}
