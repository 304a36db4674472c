import { DISABLE_AFTER_FAILING_MS, failedTooLong, nextAttemptAfterFailure, RETRY_DELAYS_MS } from './retry-schedule';

describe('webhook retry schedule', () => {
  it('retries at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then gives up', () => {
    expect(RETRY_DELAYS_MS).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    const t = 1_000_000;
    expect(nextAttemptAfterFailure(1, t)).toBe(t + 5_000);
    expect(nextAttemptAfterFailure(7, t)).toBe(t + 36_000_000);
    expect(nextAttemptAfterFailure(8, t)).toBeNull();
  });

  it('disables an endpoint after five days of failures, not before', () => {
    expect(DISABLE_AFTER_FAILING_MS).toBe(432_000_000);
    expect(failedTooLong(0, 432_000_000 - 1)).toBe(false);
    expect(failedTooLong(0, 432_000_000)).toBe(true);
  });
});
