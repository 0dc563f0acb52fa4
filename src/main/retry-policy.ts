// One shape for every bounded retry in the workstation (the ledger's submit rules and the
// record storage), so a deployment tunes both the same way.
export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  maxAttempts: number;
  /** Backoff base: the first retry waits up to this long. */
  baseDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
}
