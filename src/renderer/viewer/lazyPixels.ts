// Decode on demand, the UI side: a course arrives with its compressed CT/MR slices
// undecoded (`pixelsEncoded`, see parse/image.ts), usable at once from their headers. Each
// course's slices are then decoded by the worker one request at a time: first the slice
// the viewport asks for and its neighbours (so scrolling stays smooth), then every other
// slice in the background, from the middle (where the viewer opens) outwards, until the
// course is released. One request at a time keeps a DVH or a sum asked meanwhile from
// waiting behind the whole series in the worker's queue. A decoded slice gets its pixels
// in place, so every holder of the course (image loader, registration) sees them.
import type { ImageSeries, ImageSlice } from '../../shared/rt/parse/image';

type Pixels = ImageSlice['pixels'];
/** Asks the worker for one slice's pixels (rtClient's 'decode-slice'). */
export type DecodeSlice = (slice: ImageSlice) => Promise<Pixels>;

/** Slices on each side of the one asked for that are decoded next. */
const NEIGHBOURS = 2;

interface Waiter {
  resolve: (pixels: Pixels) => void;
  reject: (error: Error) => void;
}

/** The undecoded slices of one course and the order they are decoded in. */
export class SliceDecodeQueue {
  private order: ImageSlice[] = [];
  private readonly neighbours = new Map<ImageSlice, ImageSlice[]>();
  private readonly failures = new Map<ImageSlice, Error>();
  private readonly waiters = new Map<ImageSlice, Waiter[]>();
  private running = false;
  private released = false;

  constructor(
    private readonly decode: DecodeSlice,
    series: readonly (readonly ImageSlice[])[],
  ) {
    for (const slices of series) {
      slices.forEach((slice, i) => {
        const near: ImageSlice[] = [];
        for (let d = 1; d <= NEIGHBOURS; d++)
          for (const j of [i + d, i - d]) if (slices[j]) near.push(slices[j] as ImageSlice);
        this.neighbours.set(slice, near);
      });
      const middle = Math.floor(slices.length / 2);
      const outwards = [...slices.keys()].sort(
        (a, b) => Math.abs(a - middle) - Math.abs(b - middle) || b - a,
      );
      this.order.push(...outwards.map((i) => slices[i] as ImageSlice).filter(isEncoded));
    }
  }

  /** Starts the background decode of every slice. */
  start(): void {
    void this.pump();
  }

  /** The slice's pixels, decoded first (with its neighbours next) if they are not yet. */
  pixels(slice: ImageSlice): Promise<Pixels> {
    if (!slice.pixelsEncoded) return Promise.resolve(slice.pixels);
    const failed = this.failures.get(slice);
    if (failed) return Promise.reject(failed);
    if (this.released) return Promise.reject(new Error('the course was closed'));
    const promise = new Promise<Pixels>((resolve, reject) => {
      this.waiters.set(slice, [...(this.waiters.get(slice) ?? []), { resolve, reject }]);
    });
    const first = [slice, ...(this.neighbours.get(slice) ?? [])].filter(isEncoded);
    this.order = [...first, ...this.order.filter((s) => !first.includes(s))];
    void this.pump();
    return promise;
  }

  /** Stops decoding: what is asked after (or still waiting) is refused. */
  release(): void {
    this.released = true;
    this.order = [];
    const closed = new Error('the course was closed');
    for (const waiters of this.waiters.values()) for (const w of waiters) w.reject(closed);
    this.waiters.clear();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.order.shift(); next && !this.released; next = this.order.shift()) {
        if (!next.pixelsEncoded || this.failures.has(next)) continue;
        await this.decodeOne(next);
      }
    } finally {
      this.running = false;
    }
  }

  private async decodeOne(slice: ImageSlice): Promise<void> {
    try {
      const pixels = await this.decode(slice);
      if (this.released) return;
      slice.pixels = pixels;
      delete slice.pixelsEncoded;
      for (const w of this.waiters.get(slice) ?? []) w.resolve(pixels);
    } catch (error) {
      const failure = new Error(error instanceof Error ? error.message : String(error));
      this.failures.set(slice, failure);
      for (const w of this.waiters.get(slice) ?? []) w.reject(failure);
    }
    this.waiters.delete(slice);
  }
}

function isEncoded(slice: ImageSlice): boolean {
  return slice.pixelsEncoded === true;
}

// Which queue decodes a slice, and each course's queue (to release it).
const queueOfSlice = new WeakMap<ImageSlice, SliceDecodeQueue>();
const queueOfCourse = new Map<number, SliceDecodeQueue>();

/** Starts decoding a loaded course's undecoded slices in the background. */
export function trackCourse(
  courseId: number,
  imageSeries: readonly ImageSeries[],
  decode: DecodeSlice,
): void {
  const series = imageSeries.map((s) => s.slices).filter((s) => s.some(isEncoded));
  if (series.length === 0) return;
  const queue = new SliceDecodeQueue(decode, series);
  for (const slices of series) for (const slice of slices) queueOfSlice.set(slice, queue);
  queueOfCourse.set(courseId, queue);
  queue.start();
}

export function releaseCourse(courseId: number): void {
  queueOfCourse.get(courseId)?.release();
  queueOfCourse.delete(courseId);
}

/** A slice's pixels, decoded now if they are not yet. */
export function decodedPixels(slice: ImageSlice): Promise<Pixels> {
  if (!slice.pixelsEncoded) return Promise.resolve(slice.pixels);
  const queue = queueOfSlice.get(slice);
  if (!queue) return Promise.reject(new Error(`${slice.file}: its pixels were never decoded`));
  return queue.pixels(slice);
}

/**
 * Every slice of a series decoded (what a volume needs); refused with the first slice
 * that cannot be decoded, by its file and why.
 */
export async function decodedSeries(series: ImageSeries): Promise<void> {
  await Promise.all(series.slices.map(decodedPixels));
}
