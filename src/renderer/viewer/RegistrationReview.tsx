// Review of a candidate registration before anything is summed through it: a checkerboard
// of the current CT and the prior CT resampled through the candidate, on an axial slice the
// physicist scrolls, with the current course's structures drawn; nudges of ±1 mm and ±0.5°
// about each axis; the transform's numbers; Accept or Discard. The maths is
// shared/rt/registration/review.ts; this only draws it.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Roi } from '../../shared/rt/parse/rtstruct';
import type { RigidTransform } from '../../shared/rt/registration/rigid';
import {
  checkerboardSlice,
  nudgeTransform,
  readTransform,
  slicePlane,
  volumeCentre,
  type Axis,
  type Nudge,
} from '../../shared/rt/registration/review';
import type { CtVolume } from '../../shared/rt/registration/volume';
import { contoursOnSlice, drawContours, rgb } from './overlay';

interface Props {
  current: CtVolume;
  prior: CtVolume;
  currentLabel: string;
  priorLabel: string;
  transform: RigidTransform;
  adjusted: boolean;
  method: string;
  /** The current course's structures, drawn on the checkerboard. */
  rois: readonly Roi[];
  busy: boolean;
  onChange: (transform: RigidTransform) => void;
  onAccept: () => void;
  onDiscard: () => void;
}

/** Soft-tissue-and-bone window: both CTs' edges stay visible across the squares. */
const WINDOW = { center: 40, width: 1000 };
const DISPLAY_PX = 384;
const AXES: Axis[] = ['x', 'y', 'z'];

function greyImage(hu: Float32Array, nx: number, ny: number): ImageData {
  const image = new ImageData(nx, ny);
  const lo = WINDOW.center - WINDOW.width / 2;
  for (let n = 0; n < nx * ny; n++) {
    const g = Math.max(0, Math.min(255, (((hu[n] as number) - lo) / WINDOW.width) * 255));
    image.data[n * 4] = g;
    image.data[n * 4 + 1] = g;
    image.data[n * 4 + 2] = g;
    image.data[n * 4 + 3] = 255;
  }
  return image;
}

export function RegistrationReview(props: Props) {
  const { current, prior, transform, rois } = props;
  const [k, setK] = useState(Math.floor(current.size[2] / 2));
  const canvas = useRef<HTMLCanvasElement>(null);
  const centre = useMemo(() => volumeCentre(current), [current]);
  const [nx, ny] = current.size;
  const scale = Math.max(1, Math.floor(DISPLAY_PX / Math.max(nx, ny)));

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const board = checkerboardSlice(current, prior, transform.matrix, k);
    const picture = document.createElement('canvas');
    picture.width = nx;
    picture.height = ny;
    picture.getContext('2d')?.putImageData(greyImage(board, nx, ny), 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(picture, 0, 0, nx * scale, ny * scale);
    ctx.scale(scale, scale);
    const plane = slicePlane(current, k);
    for (const roi of rois)
      drawContours(
        ctx,
        plane,
        contoursOnSlice(roi, plane, current.spacing[2] / 2),
        rgb(roi.color),
        1.5 / scale,
      );
  }, [current, prior, transform, k, rois, nx, ny, scale]);

  const nudge = (n: Nudge) => props.onChange(nudgeTransform(transform, n, centre));
  const readout = readTransform(transform.matrix);
  const f = (v: number) => v.toFixed(2);

  return (
    <section className="rt-panel rt-registration" aria-label="Registration review">
      <h4>
        Review: {props.priorLabel} mapped onto {props.currentLabel}
      </h4>
      <p className="muted">
        Squares alternate between the current CT and the prior CT seen through the registration;
        edges that break at the squares’ borders show a misregistration. {props.method}
        {props.adjusted ? ' · adjusted by hand' : ''}
      </p>
      <div className="rt-registration-body">
        <div>
          <canvas
            ref={canvas}
            width={nx * scale}
            height={ny * scale}
            aria-label="Checkerboard of the current and prior CT"
            data-slice={k}
          />
          <label className="rt-registration-slice">
            Slice {k + 1} of {current.size[2]}
            <input
              type="range"
              min={0}
              max={current.size[2] - 1}
              value={k}
              aria-label="Review slice"
              onChange={(e) => setK(Number(e.target.value))}
            />
          </label>
        </div>
        <div>
          <table className="rt-table" aria-label="Nudge the registration">
            <thead>
              <tr>
                <th scope="col">Axis</th>
                <th scope="col">Move</th>
                <th scope="col">Turn</th>
              </tr>
            </thead>
            <tbody>
              {AXES.map((axis) => (
                <tr key={axis}>
                  <th scope="row">{axis}</th>
                  <td>
                    {[-1, 1].map((mm) => (
                      <button
                        key={mm}
                        type="button"
                        className="secondary"
                        disabled={props.busy}
                        aria-label={`Move the prior CT ${mm > 0 ? '+' : '−'}1 mm along ${axis}`}
                        onClick={() => nudge({ kind: 'translate', axis, amount: mm })}
                      >
                        {mm > 0 ? '+' : '−'}1 mm
                      </button>
                    ))}
                  </td>
                  <td>
                    {[-0.5, 0.5].map((deg) => (
                      <button
                        key={deg}
                        type="button"
                        className="secondary"
                        disabled={props.busy}
                        aria-label={`Turn the prior CT ${deg > 0 ? '+' : '−'}0.5° about ${axis}`}
                        onClick={() => nudge({ kind: 'rotate', axis, amount: deg })}
                      >
                        {deg > 0 ? '+' : '−'}0.5°
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="rt-facts" aria-label="Registration transform">
            <dt>Translation (mm)</dt>
            <dd data-testid="registration-translation">
              {readout.translationMm.map(f).join(', ')}
            </dd>
            <dt>Rotation (°, about x, y, z)</dt>
            <dd data-testid="registration-rotation">{readout.rotationDeg.map(f).join(', ')}</dd>
          </dl>
          <div className="rt-actions">
            <button type="button" disabled={props.busy} onClick={props.onAccept}>
              Accept registration
            </button>
            <button
              type="button"
              className="secondary"
              disabled={props.busy}
              onClick={props.onDiscard}
            >
              Discard
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}
