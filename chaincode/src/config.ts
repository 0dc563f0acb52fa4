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

export interface BreakGlassPolicy {
  maxHours: number;
  minReasonLength: number;
  maxReasonLength: number;
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
  };
}
