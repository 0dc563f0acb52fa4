// Long work (download, decrypt, upload, re-wrapping keys) runs as an operation the renderer
// named: it reports progress (done of total, in bytes or items; a byte rate) as events and
// can be cancelled by id.
// Signing out or pulling the card cancels every operation of that session.
import type { OperationProgress } from '../../shared/ipc/contract';
import { EhrError } from '../errors';

export interface Operation {
  readonly signal: AbortSignal;
  /** Reports progress of the current stage; throttled to a few events a second. */
  report(
    stage: OperationProgress['stage'],
    done: number,
    total: number | null,
    unit?: OperationProgress['unit'],
  ): void;
}

const MIN_INTERVAL_MS = 100;

export class Operations {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly emit: (progress: OperationProgress) => void) {}

  /** Runs `work` as operation `id` (or anonymously when the caller gave none). */
  async run<T>(id: string | undefined, work: (op: Operation) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (id) this.running.set(id, controller);
    let stage: OperationProgress['stage'] | null = null;
    let stageStarted = Date.now();
    let lastSent = 0;
    const op: Operation = {
      signal: controller.signal,
      report: (next, done, total, unit = 'bytes') => {
        const now = Date.now();
        if (next !== stage) {
          stage = next;
          stageStarted = now;
          lastSent = 0;
        }
        const finished = total !== null && done >= total;
        if (!id || (!finished && now - lastSent < MIN_INTERVAL_MS)) return;
        lastSent = now;
        const seconds = Math.max((now - stageStarted) / 1000, 0.001);
        this.emit({
          operationId: id,
          stage: next,
          unit,
          done,
          total,
          bytesPerSecond: unit === 'bytes' ? Math.round(done / seconds) : 0,
        });
      },
    };
    try {
      return await work(op);
    } finally {
      if (id) this.running.delete(id);
    }
  }

  cancel(id: string): boolean {
    const controller = this.running.get(id);
    controller?.abort();
    return Boolean(controller);
  }

  /** Stops every running operation, e.g. with the reason the session ended. */
  cancelAll(reason?: EhrError): void {
    for (const controller of this.running.values()) controller.abort(reason);
  }
}

/**
 * The error for an operation that was stopped: by the person (CANCELLED), or by the end
 * of the session (the card was pulled, the person signed out), saying what did not happen.
 */
export function stoppedError(op: Operation, what: string, outcome: string): EhrError {
  const reason: unknown = op.signal.reason;
  if (reason instanceof EhrError) {
    return new EhrError(reason.code, `${reason.message} The ${what} stopped. ${outcome}`);
  }
  return new EhrError('CANCELLED', `The ${what} was cancelled. ${outcome}`);
}
