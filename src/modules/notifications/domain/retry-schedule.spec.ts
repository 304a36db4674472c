import { nextRetryDelayMs } from './retry-schedule';

describe('nextRetryDelayMs', () => {
  const options = { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 };

  it('doubles per attempt with jitter in [delay/2, delay], capped, and stops when attempts are used up', () => {
    expect(nextRetryDelayMs(1, options, undefined, () => 0)).toBe(500);
    expect(nextRetryDelayMs(1, options, undefined, () => 1)).toBe(1000);
    expect(nextRetryDelayMs(3, options, undefined, () => 0)).toBe(2000);
    expect(nextRetryDelayMs(3, options, undefined, () => 1)).toBe(4000);
    expect(nextRetryDelayMs(4, { ...options, maxMs: 5000 }, undefined, () => 1)).toBe(5000);
    expect(nextRetryDelayMs(5, options)).toBeNull();
    for (let i = 0; i < 100; i++) {
      const d = nextRetryDelayMs(2, options)!;
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });

  it("never retries sooner than the provider's Retry-After, nor later than the cap", () => {
    expect(nextRetryDelayMs(1, options, 30_000, () => 0)).toBe(30_000);
    expect(nextRetryDelayMs(1, options, 600_000, () => 0)).toBe(60_000);
  });
});
