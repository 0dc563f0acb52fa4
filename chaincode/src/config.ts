/**
 * Deployment settings, read once when the chaincode process starts.
 *
 * ACTION_EHR_BREAK_GLASS_MAX_HOURS: the longest a break-glass session may last, in whole
 * hours (1-72, default 4). Every organisation's chaincode server must use the same value:
 * endorsements from peers with different limits disagree, and the transaction fails
 * validation instead of being decided by one hospital's setting.
 */
export const BREAK_GLASS_MAX_HOURS_ENV = 'ACTION_EHR_BREAK_GLASS_MAX_HOURS';
export const DEFAULT_BREAK_GLASS_MAX_HOURS = 4;
export const BREAK_GLASS_HOURS_CEILING = 72;

/** A reason short enough to be "emergency" is not an explanation an auditor can check. */
export const BREAK_GLASS_MIN_REASON_LENGTH = 20;
export const BREAK_GLASS_MAX_REASON_LENGTH = 1000;
/** "aaaaaaaaaaaaaaaaaaaa" is long enough and says nothing: a reason needs several words. */
export const BREAK_GLASS_MIN_REASON_WORDS = 3;

export interface BreakGlassPolicy {
  maxHours: number;
  minReasonLength: number;
  maxReasonLength: number;
  minReasonWords: number;
}

export function loadBreakGlassPolicy(env: NodeJS.ProcessEnv = process.env): BreakGlassPolicy {
  const raw = env[BREAK_GLASS_MAX_HOURS_ENV];
  let maxHours = DEFAULT_BREAK_GLASS_MAX_HOURS;
  if (raw !== undefined && raw !== '') {
    // A bad value stops the chaincode at start-up rather than quietly falling back.
    if (!/^[1-9][0-9]*$/.test(raw) || Number(raw) > BREAK_GLASS_HOURS_CEILING) {
      throw new Error(
        `${BREAK_GLASS_MAX_HOURS_ENV} must be a whole number of hours from 1 to ${BREAK_GLASS_HOURS_CEILING}; got ${JSON.stringify(raw)}`,
      );
    }
    maxHours = Number(raw);
  }
  return {
    maxHours,
    minReasonLength: BREAK_GLASS_MIN_REASON_LENGTH,
    maxReasonLength: BREAK_GLASS_MAX_REASON_LENGTH,
    minReasonWords: BREAK_GLASS_MIN_REASON_WORDS,
  };
}

/**
 * ACTION_EHR_TX_TIME_TOLERANCE_SECONDS: how far a transaction's timestamp may be from the
 * clock of the peer's chaincode process, in whole seconds (10-3600, default 300).
 *
 * Every rule uses the transaction timestamp, the same on every endorser. But the client sets
 * it and Fabric's endorsers do not check it, so without a bound a caregiver whose grant has
 * ended could backdate a proposal into his old window, and a disclosure would be logged at a
 * forged time. The bound is generous next to NTP-synchronised clocks, so honest endorsers
 * agree; only at the edge of the tolerance could two peers' answers differ, and then the
 * transaction fails rather than committing.
 */
export const TX_TIME_TOLERANCE_ENV = 'ACTION_EHR_TX_TIME_TOLERANCE_SECONDS';
export const DEFAULT_TX_TIME_TOLERANCE_SECONDS = 300;
const TX_TIME_TOLERANCE_RANGE = [10, 3600] as const;

export interface ClockPolicy {
  toleranceMillis: number;
  /** The chaincode process's clock (a test may fix it). */
  nowMillis: () => number;
}

export function loadClockPolicy(env: NodeJS.ProcessEnv = process.env): ClockPolicy {
  const raw = env[TX_TIME_TOLERANCE_ENV];
  let seconds = DEFAULT_TX_TIME_TOLERANCE_SECONDS;
  if (raw !== undefined && raw !== '') {
    const [min, max] = TX_TIME_TOLERANCE_RANGE;
    if (!/^[1-9][0-9]*$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new Error(
        `${TX_TIME_TOLERANCE_ENV} must be a whole number of seconds from ${min} to ${max}; got ${JSON.stringify(raw)}`,
      );
    }
    seconds = Number(raw);
  }
  return {
    toleranceMillis: seconds * 1000,
    // The one place the process clock is read: only to bound the client's timestamp, never
    // to decide a rule.
    // eslint-disable-next-line no-restricted-properties
    nowMillis: () => Date.now(),
  };
}
