import type { BackoffPolicy } from './work-queue.types';

/**
 * The delay before the next attempt after `failures` failed ones (1 after the first):
 * "full jitter" — uniformly random in [0, min(maxMs, baseMs · 2^(failures-1))]. Jitter
 * spreads the retries of jobs that failed together (a provider outage) instead of sending
 * them back in one wave; the cap keeps a long outage from pushing retries out for days.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 40)); // 2^40 ms is beyond any cap; keeps the number finite
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * (ceiling + 1));
}
