// The structures of the course under review: colour, type, and per structure whether its
// contour is drawn and whether it is in the DVH.
import type { StructureSet } from '../../shared/rt/parse/rtstruct';

/** The set with `n` added or removed. */
export function toggle(set: ReadonlySet<number>, n: number): ReadonlySet<number> {
  const next = new Set(set);
  if (next.has(n)) next.delete(n);
  else next.add(n);
  return next;
}

interface Props {
  structureSet: StructureSet | undefined;
  hidden: ReadonlySet<number>;
  dvhRois: ReadonlySet<number>;
  hasDose: boolean;
  onToggleContour: (roiNumber: number) => void;
  onToggleDvh: (roiNumber: number) => void;
}

export function StructuresPanel({
  structureSet,
  hidden,
  dvhRois,
  hasDose,
  onToggleContour,
  onToggleDvh,
}: Props) {
  return (
    <section className="rt-panel" aria-label="Structures">
      <h3>Structures</h3>
      {structureSet ? (
        <table className="rt-table rt-structures">
          <thead>
            <tr>
              <th scope="col">Structure</th>
              <th scope="col">Type</th>
              <th scope="col">Contour</th>
              <th scope="col">DVH</th>
            </tr>
          </thead>
          <tbody>
            {structureSet.rois.map((roi) => (
              <tr key={roi.number}>
                <th scope="row">
                  <span className="rt-swatch" aria-hidden="true">
                    <svg width="10" height="10" viewBox="0 0 10 10">
                      <rect
                        width="10"
                        height="10"
                        fill={`rgb(${(roi.color ?? [255, 255, 255]).join(',')})`}
                      />
                    </svg>
                  </span>
                  {roi.name}
                </th>
                <td>{roi.interpretedType ?? '—'}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Show ${roi.name} contour`}
                    checked={!hidden.has(roi.number)}
                    onChange={() => onToggleContour(roi.number)}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${roi.name} in DVH`}
                    checked={dvhRois.has(roi.number)}
                    disabled={!hasDose}
                    onChange={() => onToggleDvh(roi.number)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No structure set was opened with this course.</p>
      )}
    </section>
  );
}
