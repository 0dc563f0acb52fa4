// The constraint table beside the cumulative DVH: per organ a metric and a limit in physical
// dose or EQD2, the α/β its EQD2 used (editable; the published default shown), the
// cumulative value and pass / close / fail. Edits are checked at once (a bad entry is named
// and changes nothing) and saved to the workstation's table. Limits are re-evaluated here;
// a new α/β asks the worker for that structure's cumulative EQD2 DVH; those DVHs are drawn
// under the table, so the re-irradiation question (what has the organ had, in EQD2) is seen.
import { useEffect, useState } from 'react';
import {
  constraintRows,
  EDITED_SOURCE,
  eqd2Key,
  eqd2Needs,
  roiPatternFor,
  type ConstraintRow,
  type Eqd2Need,
  type TableRoi,
} from '../../shared/rt/constraint-table';
import {
  checkConstraint,
  metricLabel,
  type Constraint,
  type ConstraintDose,
  type ConstraintMetric,
} from '../../shared/rt/constraints';
import { reportNumber } from '../../shared/rt/dose-report';
import type { Dvh } from '../../shared/rt/dvh';
import { ehr } from '../ehr';
import { DvhPlot, type DvhRow } from './Dvh';
import type { DoseRef, Eqd2DvhResult, SumResult } from './protocol';
import { rtClient } from './rtClient';

interface Props {
  result: SumResult;
  /** The dose grids of that sum, for the EQD2 sums. */
  sources: DoseRef[];
  rois: (TableRoi & { color?: readonly [number, number, number] | undefined })[];
  /** The rows as shown, for the report. */
  onRows?: (rows: ConstraintRow[]) => void;
}

const keyOf = (need: Eqd2Need) => eqd2Key(need);
function needOf(key: string): Eqd2Need {
  const at = key.lastIndexOf('@');
  return { roiName: key.slice(0, at), alphaBetaGy: Number(key.slice(at + 1)) };
}

function parseNumber(text: string, what: string): number {
  if (text.trim() === '') throw new Error(`Give the ${what}.`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`The ${what} “${text}” is not a number.`);
  return value;
}

export function ConstraintPanel({ result, sources, rois, onRows }: Props) {
  const [table, setTable] = useState<Constraint[] | null>(null);
  const [isDefault, setIsDefault] = useState(true);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [eqd2, setEqd2] = useState<ReadonlyMap<string, Eqd2DvhResult>>(new Map());

  useEffect(() => {
    void ehr()
      .getConstraintTable()
      .then((r) => {
        if (!r.ok) return setFailure(r.error.message);
        setTable(r.value.constraints);
        setIsDefault(r.value.isDefault);
      });
  }, []);

  const missingKey = table
    ? eqd2Needs(table, rois)
        .map(keyOf)
        .filter((k) => !eqd2.has(k))
        .join('|')
    : '';
  useEffect(() => {
    if (!missingKey) return;
    const needs = missingKey.split('|').map(needOf);
    let current = true;
    rtClient()
      .eqd2(sources, needs)
      .then(
        (results) => results,
        // Shown on each row it concerns; not asked again for the same pairs.
        (error: Error) => needs.map((n) => ({ ...n, dvh: null, problem: error.message })),
      )
      .then((results) => {
        if (!current) return;
        setEqd2((map) => {
          const next = new Map(map);
          for (const r of results) next.set(keyOf(r), r);
          return next;
        });
      });
    return () => {
      current = false;
    };
  }, [missingKey, sources]);

  const physical = (name: string): Dvh | null =>
    result.dvhs.find((d) => d.roiName === name)?.dvh ?? null;
  const rows: ConstraintRow[] = table
    ? constraintRows(table, rois, physical, (need) => {
        const r = eqd2.get(keyOf(need));
        return r === undefined ? undefined : r.dvh;
      })
    : [];
  const rowsKey = JSON.stringify(rows.map((r) => [r.index, r.roiName, r.result, r.alphaBeta]));
  useEffect(() => {
    onRows?.(rows);
    // rows is rebuilt each render; only a change of what is shown (rowsKey) reports it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rowsKey, onRows]);

  const save = async (next: Constraint[]) => {
    setTable(next);
    const r = await ehr().saveConstraintTable({ constraints: next });
    if (!r.ok) {
      setFailure(r.error.message);
      setSaved(null);
      return;
    }
    setFailure(null);
    setIsDefault(r.value.isDefault);
    setSaved('Saved on this workstation.');
  };

  /** Applies an edit of one constraint when it is valid; otherwise names what is wrong. */
  const edit = (index: number, field: string, change: () => Partial<Constraint>) => {
    if (!table) return;
    const key = `${index}:${field}`;
    let next: Constraint;
    try {
      next = { ...(table[index] as Constraint), ...change(), source: EDITED_SOURCE };
      if (next.alphaBetaGy === undefined) delete next.alphaBetaGy;
      checkConstraint(next);
    } catch (error) {
      setFieldErrors((e) => ({ ...e, [key]: (error as Error).message }));
      return;
    }
    setFieldErrors(({ [key]: _dropped, ...rest }) => rest);
    void save(table.map((c, i) => (i === index ? next : c)));
  };

  const draft = (index: number, field: string, shown: string) =>
    drafts[`${index}:${field}`] ?? shown;
  const typing = (index: number, field: string, value: string) =>
    setDrafts((d) => ({ ...d, [`${index}:${field}`]: value }));
  const doneTyping = (index: number, field: string) =>
    setDrafts(({ [`${index}:${field}`]: _dropped, ...rest }) => rest);

  const remove = (index: number) => {
    if (!table) return;
    setDrafts({});
    setFieldErrors({});
    void save(table.filter((_, i) => i !== index));
  };

  const reset = async () => {
    const r = await ehr().resetConstraintTable();
    if (!r.ok) return setFailure(r.error.message);
    setDrafts({});
    setFieldErrors({});
    setTable(r.value.constraints);
    setIsDefault(true);
    setSaved('Published defaults restored.');
  };

  if (!table)
    return (
      <section className="rt-panel" aria-label="Dose constraints">
        <h4>Dose constraints</h4>
        {failure ? (
          <p className="banner error" role="alert">
            {failure}
          </p>
        ) : (
          <p className="muted">Reading the constraint table…</p>
        )}
      </section>
    );

  // One curve per structure and α/β the table asks in EQD2, in the order of the table.
  const eqd2Rows: DvhRow[] = eqd2Needs(table, rois).flatMap((need, i) => {
    const r = eqd2.get(keyOf(need));
    if (!r?.dvh) return [];
    const color = rois.find((roi) => roi.name === need.roiName)?.color;
    return [
      {
        roiNumber: i,
        name: `${need.roiName} (α/β ${need.alphaBetaGy} Gy)`,
        dvh: r.dvh,
        ...(color ? { color } : {}),
      },
    ];
  });

  const errorsOf = (index: number) =>
    Object.entries(fieldErrors)
      .filter(([k]) => k.startsWith(`${index}:`))
      .map(([, message]) => message);

  return (
    <section className="rt-panel rt-constraints" aria-label="Dose constraints">
      <div className="rt-dvh-head">
        <h4>Dose constraints (cumulative)</h4>
        <span className="muted">
          {isDefault ? 'Published defaults' : 'This workstation’s table'} · “close” = within 5 %
          below the limit
        </span>
        <button type="button" className="link" onClick={() => void reset()}>
          Restore published defaults
        </button>
      </div>
      {failure && (
        <p className="banner error" role="alert">
          {failure}
        </p>
      )}
      {saved && (
        <p className="muted" role="status">
          {saved}
        </p>
      )}
      <table className="rt-table rt-constraint-table" aria-label="Constraint results">
        <thead>
          <tr>
            <th scope="col">Organ</th>
            <th scope="col">Structure</th>
            <th scope="col">Metric</th>
            <th scope="col">Dose</th>
            <th scope="col">α/β (Gy)</th>
            <th scope="col">Limit</th>
            <th scope="col">Cumulative</th>
            <th scope="col">Result</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const c = row.constraint;
            const metric = metricLabel(c.metric);
            const name = `${c.organ} ${metric}${row.roiName ? ` (${row.roiName})` : ''}`;
            const status = row.roiName === null ? 'no structure' : (row.result?.status ?? '…');
            const problem =
              row.roiName && c.dose === 'EQD2' && row.alphaBeta
                ? eqd2.get(keyOf({ roiName: row.roiName, alphaBetaGy: row.alphaBeta.gy }))?.problem
                : undefined;
            const errors = errorsOf(row.index);
            return (
              <tr
                key={`${row.index}-${row.roiName ?? ''}`}
                data-constraint={`${c.organ} ${metric}`}
                data-roi={row.roiName ?? ''}
                data-status={status}
              >
                <th scope="row" title={c.source}>
                  {c.organ}
                </th>
                <td>{row.roiName ?? '—'}</td>
                <td>{metric}</td>
                <td>
                  <select
                    aria-label={`Dose of ${name}`}
                    value={c.dose}
                    onChange={(e) =>
                      edit(row.index, 'dose', () => ({ dose: e.target.value as ConstraintDose }))
                    }
                  >
                    <option value="EQD2">EQD2</option>
                    <option value="PHYSICAL">Physical</option>
                  </select>
                </td>
                <td>
                  {c.dose === 'EQD2' ? (
                    <>
                      <input
                        type="text"
                        inputMode="decimal"
                        size={4}
                        aria-label={`α/β of ${name}`}
                        placeholder={reportNumber(row.defaultAlphaBetaGy, 1)}
                        value={draft(row.index, 'alphaBeta', c.alphaBetaGy?.toString() ?? '')}
                        onChange={(e) => {
                          const text = e.target.value;
                          typing(row.index, 'alphaBeta', text);
                          edit(row.index, 'alphaBeta', () => ({
                            alphaBetaGy: text.trim() === '' ? undefined : parseNumber(text, 'α/β'),
                          }));
                        }}
                        onBlur={() => doneTyping(row.index, 'alphaBeta')}
                      />
                      <span className="muted" data-testid="alpha-beta-used">
                        {' '}
                        {row.alphaBeta
                          ? `${reportNumber(row.alphaBeta.gy, 1)} used · default ${reportNumber(row.defaultAlphaBetaGy, 1)}`
                          : ''}
                      </span>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <input
                    type="text"
                    inputMode="decimal"
                    size={5}
                    aria-label={`Limit of ${name}`}
                    value={draft(row.index, 'limit', String(c.limit))}
                    onChange={(e) => {
                      const text = e.target.value;
                      typing(row.index, 'limit', text);
                      edit(row.index, 'limit', () => ({ limit: parseNumber(text, 'limit') }));
                    }}
                    onBlur={() => doneTyping(row.index, 'limit')}
                  />{' '}
                  {c.metric.kind === 'Vx' ? c.metric.unit : 'Gy'}
                  {errors.length > 0 && (
                    <span className="rt-field-error" role="alert">
                      {' '}
                      {errors.join(' ')}
                    </span>
                  )}
                </td>
                <td data-testid="constraint-value">
                  {row.result ? `${reportNumber(row.result.value)} ${row.result.unit}` : '—'}
                  {(problem ?? row.result?.note) && (
                    <span className="muted"> {problem ?? row.result?.note}</span>
                  )}
                </td>
                <td className={`rt-status rt-status-${status.replace(' ', '-')}`}>{status}</td>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-label={`Remove ${name}`}
                    onClick={() => remove(row.index)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {eqd2Rows.length > 0 && (
        <div className="rt-eqd2-dvh" aria-label="Cumulative EQD2 DVH">
          <h4>Cumulative EQD2 DVH</h4>
          <DvhPlot
            rows={eqd2Rows}
            title="Cumulative EQD2 DVH of the summed courses"
            doseAxis="EQD2 (Gy)"
          />
          <p className="muted">
            Each course’s dose converted voxel by voxel with its own number of fractions, then
            summed: {eqd2Rows.map((r) => r.name).join(', ')}.
          </p>
        </div>
      )}
      <AddConstraint rois={rois} onAdd={(c) => void save([...table, c])} />
    </section>
  );
}

/** A new row for one structure of the summed set. */
function AddConstraint({ rois, onAdd }: { rois: TableRoi[]; onAdd: (c: Constraint) => void }) {
  const [roi, setRoi] = useState(rois[0]?.name ?? '');
  const [kind, setKind] = useState<ConstraintMetric['kind']>('Dmax');
  const [parameter, setParameter] = useState('2');
  const [unit, setUnit] = useState<'%' | 'cc'>('%');
  const [dose, setDose] = useState<ConstraintDose>('EQD2');
  const [limit, setLimit] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const add = () => {
    try {
      const metric: ConstraintMetric =
        kind === 'Dcc'
          ? { kind, cc: parseNumber(parameter, 'volume (cc)') }
          : kind === 'Vx'
            ? { kind, doseGy: parseNumber(parameter, 'dose level (Gy)'), unit }
            : { kind };
      const constraint: Constraint = {
        organ: roi,
        roiPattern: roiPatternFor(roi),
        metric,
        dose,
        limit: parseNumber(limit, 'limit'),
        source: EDITED_SOURCE,
      };
      checkConstraint(constraint);
      setProblem(null);
      setLimit('');
      onAdd(constraint);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };

  return (
    <fieldset className="rt-add-constraint">
      <legend>Add a constraint</legend>
      <label>
        Structure{' '}
        <select
          aria-label="New constraint’s structure"
          value={roi}
          onChange={(e) => setRoi(e.target.value)}
        >
          {rois.map((r) => (
            <option key={r.name}>{r.name}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        Metric{' '}
        <select
          aria-label="New constraint’s metric"
          value={kind}
          onChange={(e) => setKind(e.target.value as ConstraintMetric['kind'])}
        >
          <option value="Dmax">Dmax</option>
          <option value="Dcc">D at a volume (cc)</option>
          <option value="Dmean">Dmean</option>
          <option value="Vx">V at a dose (Vx)</option>
        </select>
      </label>{' '}
      {(kind === 'Dcc' || kind === 'Vx') && (
        <label>
          {kind === 'Dcc' ? 'Volume (cc)' : 'Dose level (Gy)'}{' '}
          <input
            type="text"
            inputMode="decimal"
            size={4}
            value={parameter}
            onChange={(e) => setParameter(e.target.value)}
          />
        </label>
      )}{' '}
      {kind === 'Vx' && (
        <label>
          Volume in{' '}
          <select value={unit} onChange={(e) => setUnit(e.target.value as '%' | 'cc')}>
            <option value="%">%</option>
            <option value="cc">cc</option>
          </select>
        </label>
      )}{' '}
      <label>
        Dose{' '}
        <select
          aria-label="New constraint’s dose"
          value={dose}
          onChange={(e) => setDose(e.target.value as ConstraintDose)}
        >
          <option value="EQD2">EQD2</option>
          <option value="PHYSICAL">Physical</option>
        </select>
      </label>{' '}
      <label>
        New limit{' '}
        <input
          type="text"
          inputMode="decimal"
          size={5}
          aria-label="New constraint’s limit"
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
        />
      </label>{' '}
      <button type="button" onClick={add} disabled={rois.length === 0}>
        Add constraint
      </button>
      {problem && (
        <p className="rt-field-error" role="alert">
          {problem}
        </p>
      )}
    </fieldset>
  );
}
