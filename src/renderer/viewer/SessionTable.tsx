// One course's treatment sessions as the RT treatment records tell them: per fraction, the
// planned against the delivered meterset, and what each beam delivered.
import type { CourseHistory } from '../../shared/rt/history';
import { dicomDate, dicomTime, gy, mu } from './format';

export function SessionTable({ history }: { history: CourseHistory }) {
  const several = history.fractionGroups.length > 1;
  return (
    <section className="rt-panel" aria-label={`Sessions of ${history.planLabel}`}>
      <h3>
        {history.planLabel}: {history.fractionsDelivered} of {history.fractionsPlanned} fractions
        delivered
        {history.deliveredDoseGy !== undefined &&
          history.prescribedDoseGy !== undefined &&
          ` · ${gy(history.deliveredDoseGy, 1)} of ${gy(history.prescribedDoseGy, 1)} Gy`}
      </h3>
      {history.sessions.length === 0 ? (
        <p className="muted">No treatment records for this plan were opened.</p>
      ) : (
        <table className="rt-table" aria-label={`Treatment sessions of ${history.planLabel}`}>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Time</th>
              <th scope="col">Fraction</th>
              <th scope="col">Status</th>
              <th scope="col">Planned MU</th>
              <th scope="col">Delivered MU</th>
              <th scope="col">Difference</th>
              <th scope="col" className="rt-left">
                Delivered MU per beam
              </th>
            </tr>
          </thead>
          <tbody>
            {history.sessions.map((s) => (
              <tr
                key={`${s.file}-${s.fractionGroupNumber}-${s.fractionNumber}`}
                data-status={s.status}
              >
                <td>{dicomDate(s.date)}</td>
                <td>{dicomTime(s.time)}</td>
                <td>
                  {several
                    ? `${s.fractionNumber} (group ${s.fractionGroupNumber})`
                    : s.fractionNumber}
                </td>
                <td className={s.status === 'delivered' ? 'rt-ok' : 'rt-flag'}>{s.status}</td>
                <td>{mu(s.plannedMeterset)}</td>
                <td>{mu(s.deliveredMeterset)}</td>
                <td>
                  {s.plannedMeterset > 0
                    ? `${s.deliveredMeterset - s.plannedMeterset >= 0 ? '+' : ''}${mu(s.deliveredMeterset - s.plannedMeterset)} MU`
                    : '—'}
                </td>
                <td className="muted">
                  {s.beams
                    .map(
                      (b) =>
                        `${b.beamName ?? b.beamNumber}: ${mu(b.deliveredMeterset)}${b.terminationStatus !== 'NORMAL' ? ` (${b.terminationStatus})` : ''}`,
                    )
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
