/*
 * When a webhook message is attempted: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
 * 10 h after each failure (eight attempts over about 28 hours), and when an endpoint that
 * keeps failing is switched off: after five days without a successful delivery.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delay before each attempt, counted from the previous failure (the first is immediate). */
export const RETRY_DELAYS_MS: readonly number[] = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** An endpoint failing for this long (since its last success, or its first failure after one) is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * HOUR;

/** When to try again after `attemptsMade` failed attempts, or null when the schedule is exhausted. */
export function nextAttemptAfterFailure(attemptsMade: number, failedAt: number): number | null {
  const delay = RETRY_DELAYS_MS[attemptsMade];
  return delay === undefined ? null : failedAt + delay;
}

/** Whether an endpoint failing since `failingSince` has failed long enough to be disabled. */
export function failedTooLong(failingSince: number, now: number): boolean {
  return now - failingSince >= DISABLE_AFTER_FAILING_MS;
}
