// cornerstone image loader for CT/MR slices parsed by our dicom-parser-based core
// (src/shared/rt/parse/image.ts, run in the worker). Image ids are `ehrct:<key>/<index>`;
// the slices behind a key are registered when a course opens and dropped when it closes.
// A compressed slice not decoded yet is asked of the worker (lazyPixels.ts); one that
// cannot be decoded fails its own load, which the viewport shows in its place.
import cornerstone, { type CornerstoneImage } from 'cornerstone-core';
import type { ImageSlice } from '../../shared/rt/parse/image';
import { decodedPixels } from './lazyPixels';

const SCHEME = 'ehrct';
const seriesByKey = new Map<string, readonly ImageSlice[]>();
let registered = false;

function toImage(imageId: string, slice: ImageSlice): CornerstoneImage {
  let min = Infinity;
  let max = -Infinity;
  const { pixels } = slice;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const hu = (v: number) => v * slice.rescaleSlope + slice.rescaleIntercept;
  return {
    imageId,
    minPixelValue: min,
    maxPixelValue: max,
    slope: slice.rescaleSlope,
    intercept: slice.rescaleIntercept,
    windowCenter: slice.windowCenter ?? (hu(min) + hu(max)) / 2,
    windowWidth: slice.windowWidth ?? Math.max(1, hu(max) - hu(min)),
    getPixelData: () => pixels,
    rows: slice.rows,
    columns: slice.columns,
    height: slice.rows,
    width: slice.columns,
    color: false,
    invert: false,
    columnPixelSpacing: slice.columnSpacing,
    rowPixelSpacing: slice.rowSpacing,
    sizeInBytes: pixels.byteLength,
  };
}

function load(imageId: string): { promise: Promise<CornerstoneImage> } {
  const match = /^ehrct:(.+)\/(\d+)$/.exec(imageId);
  const slice = match ? seriesByKey.get(match[1] as string)?.[Number(match[2])] : undefined;
  return {
    promise: slice
      ? decodedPixels(slice).then(() => toImage(imageId, slice))
      : Promise.reject(new Error(`${imageId} is not open`)),
  };
}

export function registerSeries(key: string, slices: readonly ImageSlice[]): void {
  if (!registered) {
    cornerstone.registerImageLoader(SCHEME, load);
    registered = true;
  }
  seriesByKey.set(key, slices);
}

export function releaseSeries(key: string): void {
  // Images are loaded with loadImage (not cached by cornerstone), so dropping the key is all.
  seriesByKey.delete(key);
}

export function imageIdOf(key: string, index: number): string {
  return `${SCHEME}:${key}/${index}`;
}
