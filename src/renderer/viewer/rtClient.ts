// The UI side of the worker: one worker for the viewer, requests answered by promise,
// progress reported through a callback. Failures arrive as RtClientError with the code the
// core gave (e.g. FRAME_OF_REFERENCE_MISMATCH), so a refusal can be shown as what it is.
import type {
  CourseData,
  DoseRef,
  Eqd2DvhResult,
  OpenedFile,
  RoiDvhResult,
  SumResult,
  WorkerRequest,
  WorkerResponse,
} from './protocol';
import type { Eqd2Need } from '../../shared/rt/constraint-table';
import type { FirstSlice } from '../../shared/rt/first-slice';
import type { AcceptedRegistration } from '../../shared/rt/registration/accepted';
import { releaseCourse, trackCourse } from './lazyPixels';

export type Progress = (done: number, total: number, what: string) => void;
/** Called with the slice the viewer opens on, before the whole course is parsed. */
export type Preview = (first: FirstSlice) => void;

export class RtClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (response: WorkerResponse) => void;
  reject: (error: Error) => void;
  progress?: Progress;
  preview?: Preview;
}

type Body<K extends WorkerRequest['kind']> = Omit<Extract<WorkerRequest, { kind: K }>, 'id'>;

class RtClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private nextCourseId = 1;
  private readonly pending = new Map<number, Pending>();

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./rt.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const message = event.data;
      const entry = this.pending.get(message.id);
      if (!entry) return;
      if (message.kind === 'progress') {
        entry.progress?.(message.done, message.total, message.what);
        return;
      }
      if (message.kind === 'preview') {
        entry.preview?.(message.preview);
        return;
      }
      this.pending.delete(message.id);
      if (message.kind === 'failed') entry.reject(new RtClientError(message.code, message.message));
      else entry.resolve(message);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      const error = new RtClientError(
        'INTERNAL',
        `The viewer's worker stopped: ${event.message || 'it could not be started'}`,
      );
      for (const entry of this.pending.values()) entry.reject(error);
      this.pending.clear();
      this.worker = null;
      worker.terminate();
    };
    this.worker = worker;
    return worker;
  }

  private request<K extends WorkerRequest['kind']>(
    body: Body<K>,
    progress?: Progress,
    transfer: Transferable[] = [],
    preview?: Preview,
  ): Promise<WorkerResponse> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress, preview });
      worker.postMessage({ ...body, id } as unknown as WorkerRequest, transfer);
    });
  }

  /** Starts the worker (its bundle loads) while a record is still downloading. */
  warm(): void {
    this.ensureWorker();
  }

  /** Reads the files (progress per file), then parses them in the worker. */
  async load(files: readonly File[], progress?: Progress, preview?: Preview): Promise<CourseData> {
    // The worker starts (its bundle and codecs' glue load) while the files are read.
    this.ensureWorker();
    let read = 0;
    progress?.(0, files.length, 'Reading files');
    const opened: OpenedFile[] = await Promise.all(
      files.map(async (file) => {
        const buffer = await file.arrayBuffer();
        read++;
        if (read % 10 === 0 || read === files.length)
          progress?.(read - 1, files.length, 'Reading files');
        return { name: file.webkitRelativePath || file.name, buffer };
      }),
    );
    // The bench measures the first picture from here (bench/rt.bench.ts).
    performance.mark('rt-files-in-memory');
    return this.parse(opened, progress, preview);
  }

  /**
   * Parses files already in memory (e.g. a record decrypted by the main process). Each
   * file's bytes are copied into a fresh ArrayBuffer, which is transferred to the worker, so
   * the caller's arrays stay usable (the same files can be loaded again with more records).
   */
  async loadBuffers(
    files: readonly { name: string; bytes: Uint8Array }[],
    progress?: Progress,
    preview?: Preview,
  ): Promise<CourseData> {
    progress?.(0, files.length, 'Preparing files');
    const opened: OpenedFile[] = files.map((file) => {
      const buffer = new ArrayBuffer(file.bytes.byteLength);
      new Uint8Array(buffer).set(file.bytes);
      return { name: file.name, buffer };
    });
    return this.parse(opened, progress, preview);
  }

  private async parse(
    opened: OpenedFile[],
    progress?: Progress,
    preview?: Preview,
  ): Promise<CourseData> {
    const courseId = this.nextCourseId++;
    let first: FirstSlice | undefined;
    const response = await this.request<'load'>(
      { kind: 'load', courseId, files: opened },
      progress,
      opened.map((f) => f.buffer),
      (shown) => {
        first = shown;
        preview?.(shown);
      },
    );
    if (response.kind !== 'loaded') throw new RtClientError('INTERNAL', 'unexpected answer');
    // The first picture is the slice the viewer opens on: decoded already, not again.
    if (first) reuseFirstPicture(response.course, first);
    // Compressed slices came undecoded: decoded on demand and in the background from now.
    trackCourse(courseId, response.course.imageSeries, async (slice) => {
      const answer = await this.request<'decode-slice'>({
        kind: 'decode-slice',
        courseId,
        file: slice.file,
      });
      if (answer.kind !== 'slice-pixels') throw new RtClientError('INTERNAL', 'unexpected answer');
      return answer.pixels;
    });
    return response.course;
  }

  async dvh(
    courseId: number,
    structureSetIndex: number,
    doseIndex: number,
    roiNumbers: number[],
    progress?: Progress,
  ): Promise<RoiDvhResult[]> {
    const response = await this.request<'dvh'>(
      { kind: 'dvh', courseId, structureSetIndex, doseIndex, roiNumbers },
      progress,
    );
    if (response.kind !== 'dvh') throw new RtClientError('INTERNAL', 'unexpected answer');
    return response.results;
  }

  async sum(sources: DoseRef[], progress?: Progress): Promise<SumResult> {
    const response = await this.request<'sum'>({ kind: 'sum', sources }, progress);
    if (response.kind !== 'summed') throw new RtClientError('INTERNAL', 'unexpected answer');
    return response.result;
  }

  /** Cumulative EQD2 DVHs of the summed courses, one per (structure, α/β). */
  async eqd2(sources: DoseRef[], needs: Eqd2Need[], progress?: Progress): Promise<Eqd2DvhResult[]> {
    const response = await this.request<'eqd2'>({ kind: 'eqd2', sources, needs }, progress);
    if (response.kind !== 'eqd2') throw new RtClientError('INTERNAL', 'unexpected answer');
    return response.results;
  }

  /** Sums and EQD2 sums from now on map through this accepted registration. */
  async useRegistration(registration: AcceptedRegistration): Promise<void> {
    await this.request<'use-registration'>({ kind: 'use-registration', registration });
  }

  async release(courseId: number): Promise<void> {
    releaseCourse(courseId);
    await this.request<'release'>({ kind: 'release', courseId });
  }
}

function reuseFirstPicture(course: CourseData, first: FirstSlice): void {
  const decoded = first.slice;
  if (decoded.pixelsEncoded || decoded.pixels.length === 0) return;
  for (const series of course.imageSeries)
    for (const slice of series.slices)
      if (
        slice.pixelsEncoded &&
        slice.file === decoded.file &&
        slice.sopInstanceUid === decoded.sopInstanceUid
      ) {
        slice.pixels = decoded.pixels;
        delete slice.pixelsEncoded;
      }
}

let client: RtClient | null = null;

/** The viewer's one worker client (created on first use). */
export function rtClient(): RtClient {
  client ??= new RtClient();
  return client;
}
