// DVH plot (SVG, cumulative, volume in % against dose in Gy) and the statistics table:
// D98, D95, D50, D2, mean, max, volume and a Vx the user chooses. Numbers come from
// src/shared/rt/dvh.ts (computed in the worker; queries here are cheap lookups).
import { Fragment, useId } from 'react';
import { summarizeDvh, volumeAtDose, type Dvh } from '../../shared/rt/dvh';
import { cc, gy } from './format';
import { rgb } from './overlay';

export interface DvhRow {
  roiNumber: number;
  name: string;
  color?: readonly [number, number, number];
  dvh: Dvh | null;
  problem?: string;
  /** Said under the row: contours left out, volume outside the dose grid. */
  warnings?: readonly string[];
}

const W = 620;
const H = 300;
const M = { left: 52, right: 16, top: 14, bottom: 40 };

function niceStep(span: number, target: number): number {
  const raw = span / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit < 1.5 ? 1 : unit < 3 ? 2 : unit < 7 ? 5 : 10) * power;
}

/** Cumulative DVH as at most ~300 (dose, %) points. */
function curve(dvh: Dvh): [number, number][] {
  const { cumulativeCc, binWidthGy, volumeCc } = dvh;
  if (volumeCc <= 0) return [];
  const n = cumulativeCc.length;
  const stride = Math.max(1, Math.floor(n / 300));
  const points: [number, number][] = [[0, 100]];
  for (let k = 0; k < n; k += stride)
    points.push([k * binWidthGy, (100 * (cumulativeCc[k] as number)) / volumeCc]);
  points.push([dvh.maxGy, 0]);
  return points;
}

export function DvhPlot({
  rows,
  title,
  markerGy,
  doseAxis = 'Dose (Gy)',
}: {
  rows: readonly DvhRow[];
  title: string;
  markerGy?: number;
  /** The x axis's name (EQD2 for a biologically weighted DVH). */
  doseAxis?: string;
}) {
  const titleId = useId();
  const drawn = rows.filter((r) => r.dvh);
  const maxDose = Math.max(1, markerGy ?? 0, ...drawn.map((r) => r.dvh?.maxGy ?? 0)) * 1.05;
  const step = niceStep(maxDose, 8);
  const x = (d: number) => M.left + (d / maxDose) * (W - M.left - M.right);
  const y = (p: number) => M.top + (1 - p / 100) * (H - M.top - M.bottom);
  const xTicks: number[] = [];
  for (let d = 0; d <= maxDose + 1e-9; d += step) xTicks.push(d);
  return (
    <svg
      className="rt-dvh-plot"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={titleId}
      data-curves={drawn.length}
    >
      <title id={titleId}>{title}</title>
      <rect
        x={M.left}
        y={M.top}
        width={W - M.left - M.right}
        height={H - M.top - M.bottom}
        className="rt-plot-area"
      />
      {xTicks.map((d) => (
        <g key={`x${d}`}>
          <line x1={x(d)} x2={x(d)} y1={M.top} y2={H - M.bottom} className="rt-grid" />
          <text x={x(d)} y={H - M.bottom + 15} className="rt-tick" textAnchor="middle">
            {Number(d.toFixed(2))}
          </text>
        </g>
      ))}
      {[0, 20, 40, 60, 80, 100].map((p) => (
        <g key={`y${p}`}>
          <line x1={M.left} x2={W - M.right} y1={y(p)} y2={y(p)} className="rt-grid" />
          <text x={M.left - 6} y={y(p) + 4} className="rt-tick" textAnchor="end">
            {p}
          </text>
        </g>
      ))}
      <text x={(M.left + W - M.right) / 2} y={H - 6} className="rt-axis" textAnchor="middle">
        {doseAxis}
      </text>
      <text
        x={14}
        y={(M.top + H - M.bottom) / 2}
        className="rt-axis"
        textAnchor="middle"
        transform={`rotate(-90 14 ${(M.top + H - M.bottom) / 2})`}
      >
        Volume (%)
      </text>
      {markerGy !== undefined && (
        <line
          x1={x(markerGy)}
          x2={x(markerGy)}
          y1={M.top}
          y2={H - M.bottom}
          className="rt-marker"
        />
      )}
      {drawn.map((row) => (
        <polyline
          key={row.roiNumber}
          points={curve(row.dvh as Dvh)
            .map(([d, p]) => `${x(d).toFixed(1)},${y(p).toFixed(1)}`)
            .join(' ')}
          fill="none"
          stroke={rgb(row.color)}
          strokeWidth={2}
          data-roi={row.name}
        />
      ))}
    </svg>
  );
}

export function DvhTable({
  rows,
  vxGy,
  caption,
  label,
}: {
  rows: readonly DvhRow[];
  vxGy: number;
  caption?: string;
  label: string;
}) {
  const vx = Number.isFinite(vxGy) ? vxGy : 0;
  return (
    <table className="rt-table rt-dvh-table" aria-label={label}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">Structure</th>
          <th scope="col">Volume (cc)</th>
          <th scope="col">D98 (Gy)</th>
          <th scope="col">D95 (Gy)</th>
          <th scope="col">D50 (Gy)</th>
          <th scope="col">D2 (Gy)</th>
          <th scope="col">Mean (Gy)</th>
          <th scope="col">Max (Gy)</th>
          <th scope="col">V{gy(vx, vx % 1 === 0 ? 0 : 1)}Gy (%)</th>
          <th scope="col">V{gy(vx, vx % 1 === 0 ? 0 : 1)}Gy (cc)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const s = row.dvh ? summarizeDvh(row.dvh) : null;
          const v = row.dvh ? volumeAtDose(row.dvh, vx) : null;
          return (
            <Fragment key={row.roiNumber}>
              <tr data-roi={row.name}>
                <th scope="row">
                  <span className="rt-swatch" aria-hidden="true">
                    <svg width="10" height="10" viewBox="0 0 10 10">
                      <rect width="10" height="10" fill={rgb(row.color)} />
                    </svg>
                  </span>
                  {row.name}
                </th>
                {s && v ? (
                  <>
                    <td>{cc(s.volumeCc)}</td>
                    <td>{gy(s.d98Gy)}</td>
                    <td>{gy(s.d95Gy)}</td>
                    <td>{gy(s.d50Gy)}</td>
                    <td>{gy(s.d2Gy)}</td>
                    <td>{gy(s.meanGy)}</td>
                    <td>{gy(s.maxGy)}</td>
                    <td>{v.percent.toFixed(1)}</td>
                    <td>{cc(v.cc)}</td>
                  </>
                ) : (
                  <td colSpan={9} className="muted">
                    {row.problem ?? 'Computing…'}
                  </td>
                )}
              </tr>
              {row.warnings && row.warnings.length > 0 && (
                <tr className="rt-dvh-warning" data-roi-warning={row.name}>
                  <td colSpan={10} role="note">
                    ⚠ {row.name}: {row.warnings.join('; ')}
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
