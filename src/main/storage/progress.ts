// Progress of one transfer, for the UI's progress bars.
export interface Progress {
  key: string;
  /** Bytes confirmed so far: acknowledged by the service (upload) or handed on (download). */
  loaded: number;
  /** Known up front for downloads; for uploads only when the caller gave a length (else set on the last event). */
  total?: number;
}

export type ProgressListener = (p: Progress) => void;

/**
 * Download progress is reported at most every this many bytes (and always at the end): a
 * 200 MB study arrives in thousands of socket reads, and each event may cross IPC to the UI.
 */
export const PROGRESS_STEP_BYTES = 256 * 1024;
