// The legend under the CT: isodose levels with their share of the reference dose, or the
// colour-wash scale in Gy.
import type { DoseMode } from './CtViewport';
import { gy } from './format';
import { isodoseLevels, washColor } from './overlay';

export function DoseLegend({
  mode,
  levels,
  fromGy,
  toGy,
  reference,
}: {
  mode: DoseMode;
  levels: ReturnType<typeof isodoseLevels>;
  fromGy: number;
  toGy: number;
  reference: string;
}) {
  if (mode === 'off') return <p className="muted rt-legend">Dose hidden.</p>;
  if (mode === 'isodose')
    return (
      <ul className="rt-legend rt-isodose-legend" aria-label="Isodose legend">
        {levels.map((level) => (
          <li key={level.percent}>
            <svg width="22" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="22" y2="4" stroke={level.color} strokeWidth="3" />
            </svg>
            {gy(level.gy, 1)} Gy{' '}
            <span className="muted">
              ({level.percent}% of {reference})
            </span>
          </li>
        ))}
      </ul>
    );
  const stops = [0, 0.25, 0.5, 0.75, 1];
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => fromGy + t * (toGy - fromGy));
  return (
    <figure className="rt-legend" aria-label="Colour wash legend">
      <svg
        viewBox="0 0 300 34"
        width="300"
        height="34"
        role="img"
        aria-label={`Colour wash from ${gy(fromGy, 1)} Gy to ${gy(toGy, 1)} Gy`}
      >
        <defs>
          <linearGradient id="rt-wash-gradient">
            {stops.map((t) => (
              <stop key={t} offset={t} stopColor={`rgb(${washColor(t).join(',')})`} />
            ))}
          </linearGradient>
        </defs>
        <rect x="10" y="2" width="280" height="12" fill="url(#rt-wash-gradient)" />
        {ticks.map((value, i) => (
          <text key={i} x={10 + i * 70} y="30" textAnchor="middle" className="rt-legend-tick">
            {gy(value, 1)}
          </text>
        ))}
      </svg>
      <figcaption className="muted">Gy · below {gy(fromGy, 1)} Gy not shown</figcaption>
    </figure>
  );
}
