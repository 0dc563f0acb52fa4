// The CT view: cornerstone renders the slice through our image loader; on every rendered
// frame we draw the structure contours and the dose (isodose lines or colour wash) into the
// same canvas, in image pixel coordinates. Mouse wheel and keyboard scroll the slices.
import cornerstone, { type ImageRenderedDetail } from 'cornerstone-core';
import { useEffect, useRef, useState } from 'react';
import type { ImageSeries } from '../../shared/rt/parse/image';
import type { DoseGrid } from '../../shared/rt/parse/rtdose';
import type { StructureSet } from '../../shared/rt/parse/rtstruct';
import { imageIdOf } from './imageLoader';
import {
  contoursOnSlice,
  dosePlaneOnSlice,
  drawColorWash,
  drawContours,
  drawIsodoses,
  rgb,
  type DosePlane,
  type IsodoseLevel,
} from './overlay';

export type DoseMode = 'off' | 'isodose' | 'wash';

export interface WindowPreset {
  id: string;
  label: string;
  width: number;
  center: number;
}

export const WINDOW_PRESETS: WindowPreset[] = [
  { id: 'soft', label: 'Soft tissue', width: 400, center: 40 },
  { id: 'lung', label: 'Lung', width: 1500, center: -600 },
  { id: 'bone', label: 'Bone', width: 1800, center: 400 },
];

interface Props {
  series: ImageSeries;
  seriesKey: string;
  sliceIndex: number;
  onStep: (delta: number, absolute?: number) => void;
  preset: WindowPreset;
  structureSet?: StructureSet;
  visibleRois: ReadonlySet<number>;
  dose?: DoseGrid;
  doseMode: DoseMode;
  levels: readonly IsodoseLevel[];
  washFromGy: number;
  washToGy: number;
  /**
   * Where the slices at hand sit in the whole series, when only the first picture has been
   * read (see first-slice.ts): the label and data-rendered-slice count in the whole series.
   */
  position?: { index: number; count: number };
}

interface OverlayState {
  plane?: DosePlane;
  series: ImageSeries;
  seriesKey: string;
  sliceIndex: number;
  structureSet?: StructureSet;
  visibleRois: ReadonlySet<number>;
  doseMode: DoseMode;
  levels: readonly IsodoseLevel[];
  washFromGy: number;
  washToGy: number;
}

function sliceSpacing(series: ImageSeries): number {
  const offsets = series.sliceOffsets;
  if (offsets.length < 2) return series.slices[0]?.sliceThickness ?? 1;
  return Math.abs((offsets[1] as number) - (offsets[0] as number));
}

/** How long a slice may take before the viewport says it is decoding (no flicker below). */
const SLOW_SLICE_MS = 80;

export function CtViewport(props: Props) {
  const { series, seriesKey, sliceIndex, onStep, preset, dose, structureSet, visibleRois } = props;
  const { doseMode, levels, washFromGy, washToGy, position } = props;
  const element = useRef<HTMLDivElement>(null);
  const overlay = useRef<OverlayState | null>(null);
  const [rendered, setRendered] = useState<{ key: string; index: number } | null>(null);
  // Why the slice at `index` cannot be shown; only that slice shows it (the rest scroll).
  const [failed, setFailed] = useState<{ key: string; index: number; text: string } | null>(null);
  // A slice still decoding (compressed series decode on demand) after a moment: its
  // label must never stand over the previous slice's picture.
  const [pending, setPending] = useState<{ key: string; index: number } | null>(null);
  const slice = series.slices[sliceIndex];

  const planes = useRef<{ dose?: DoseGrid; series?: ImageSeries; bySlice: Map<number, DosePlane> }>(
    {
      bySlice: new Map(),
    },
  );

  // Enable cornerstone on the element once; draw overlays on every rendered frame.
  useEffect(() => {
    const el = element.current;
    if (!el) return;
    cornerstone.enable(el);
    const onRendered = (event: Event) => {
      const detail = (event as CustomEvent<ImageRenderedDetail>).detail;
      const p = overlay.current;
      if (!p) return;
      const { plane } = p;
      const current = p.series.slices[p.sliceIndex];
      if (!current) return;
      const ctx = detail.canvasContext;
      ctx.save();
      cornerstone.setToPixelCoordinateSystem(detail.enabledElement, ctx);
      const px = 1 / Math.max(detail.viewport.scale, 1e-3);
      if (plane && p.doseMode === 'wash') drawColorWash(ctx, plane, p.washFromGy, p.washToGy);
      if (plane && p.doseMode === 'isodose') drawIsodoses(ctx, plane, p.levels, 1.6 * px);
      if (p.structureSet) {
        const half = sliceSpacing(p.series) / 2 - 1e-3;
        for (const roi of p.structureSet.rois) {
          if (!p.visibleRois.has(roi.number)) continue;
          const contours = contoursOnSlice(roi, current, half);
          if (contours.length > 0) drawContours(ctx, current, contours, rgb(roi.color), 2 * px);
        }
      }
      ctx.restore();
      const id = detail.image.imageId;
      const match = /\/(\d+)$/.exec(id);
      if (match) {
        const next = { key: p.seriesKey, index: Number(match[1]) };
        setRendered((prev) => (prev?.key === next.key && prev.index === next.index ? prev : next));
      }
    };
    const onResize = () => cornerstone.resize(el, true);
    el.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
    window.addEventListener('resize', onResize);
    return () => {
      el.removeEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
      window.removeEventListener('resize', onResize);
      cornerstone.disable(el);
    };
  }, []);

  // Wheel scrolls slices (a non-passive listener, so the page itself does not scroll).
  useEffect(() => {
    const el = element.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      if (event.deltaY !== 0) onStep(event.deltaY > 0 ? -1 : 1);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [onStep]);

  // Overlays follow the props; the dose plane of a slice is computed once and kept.
  useEffect(() => {
    const el = element.current;
    let plane: DosePlane | undefined;
    if (planes.current.dose !== dose || planes.current.series !== series)
      planes.current = { dose, series, bySlice: new Map() };
    if (dose && slice && doseMode !== 'off') {
      const cache = planes.current.bySlice;
      plane = cache.get(sliceIndex);
      if (!plane) {
        plane = dosePlaneOnSlice(dose, slice);
        cache.set(sliceIndex, plane);
      }
    }
    overlay.current = {
      plane,
      series,
      seriesKey,
      sliceIndex,
      structureSet,
      visibleRois,
      doseMode,
      levels,
      washFromGy,
      washToGy,
    };
    if (el && cornerstone.getEnabledElement(el).image) cornerstone.updateImage(el);
  }, [
    dose,
    slice,
    doseMode,
    sliceIndex,
    series,
    seriesKey,
    structureSet,
    visibleRois,
    levels,
    washFromGy,
    washToGy,
  ]);

  // Load and show the slice with the chosen window.
  useEffect(() => {
    const el = element.current;
    if (!el) return;
    let alive = true;
    const slow = setTimeout(() => {
      if (alive) setPending({ key: seriesKey, index: sliceIndex });
    }, SLOW_SLICE_MS);
    cornerstone
      .loadImage(imageIdOf(seriesKey, sliceIndex))
      .then((image) => {
        if (!alive) return;
        cornerstone.displayImage(el, image, {
          voi: { windowWidth: preset.width, windowCenter: preset.center },
        });
        setFailed(null);
      })
      .catch((error: unknown) => {
        if (alive)
          setFailed({
            key: seriesKey,
            index: sliceIndex,
            text: `This slice cannot be shown: ${error instanceof Error ? error.message : String(error)}`,
          });
      })
      .finally(() => {
        clearTimeout(slow);
        if (alive) setPending(null);
      });
    return () => {
      alive = false;
      clearTimeout(slow);
    };
  }, [seriesKey, sliceIndex, preset]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const steps: Record<string, number> = {
      ArrowUp: 1,
      ArrowRight: 1,
      ArrowDown: -1,
      ArrowLeft: -1,
      PageUp: 10,
      PageDown: -10,
    };
    if (event.key in steps) onStep(steps[event.key] as number);
    else if (event.key === 'Home') onStep(0, 0);
    else if (event.key === 'End') onStep(0, series.slices.length - 1);
    else return;
    event.preventDefault();
  };

  const failure =
    failed?.key === seriesKey && failed.index === sliceIndex ? failed.text : undefined;
  const decoding = !failure && pending?.key === seriesKey && pending.index === sliceIndex;
  const z = series.sliceOffsets[sliceIndex];
  const shown = rendered?.key === seriesKey ? rendered.index + (position?.index ?? 0) : -1;
  return (
    <div
      className="rt-viewport"
      tabIndex={0}
      role="group"
      aria-label="CT image"
      aria-keyshortcuts="ArrowUp ArrowDown PageUp PageDown Home End"
      onKeyDown={onKeyDown}
      data-rendered-slice={shown}
    >
      {/* Hidden while the slice cannot be shown: never another slice's picture under it. */}
      <div
        ref={element}
        className="rt-canvas"
        style={failure || decoding ? { visibility: 'hidden' } : undefined}
      />
      <div className="rt-corner rt-corner-tl" aria-live="polite">
        <span data-testid="slice-label">
          Slice {sliceIndex + 1 + (position?.index ?? 0)} /{' '}
          {position?.count ?? series.slices.length}
        </span>
        <span>z {z === undefined ? '—' : z.toFixed(1)} mm</span>
      </div>
      <div className="rt-corner rt-corner-tr">
        <span>
          {preset.label} W {preset.width} L {preset.center}
        </span>
        {slice && <span>{slice.modality || 'CT'}</span>}
      </div>
      {failure && (
        <p className="rt-viewport-message" role="alert">
          {failure}
        </p>
      )}
      {decoding && (
        <p className="rt-viewport-message" role="status" aria-busy="true">
          Decoding slice {sliceIndex + 1 + (position?.index ?? 0)}…
        </p>
      )}
    </div>
  );
}
