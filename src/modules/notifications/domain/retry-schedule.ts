/**
 * Exponential backoff with full jitter for transient failures: attempt n (1-based) waits a
 * random time in [delay/2, delay] where delay = base·2^(n-1), capped at `max`, or the
 * provider's Retry-After when it said one (never less). Null once attempts are used up.
 */
export function nextRetryDelayMs(
  attempt: number,
  options: { readonly baseMs: number; readonly maxMs: number; readonly maxAttempts: number },
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | null {
  if (attempt >= options.maxAttempts) return null;
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  return Math.min(options.maxMs, Math.max(jittered, retryAfterMs ?? 0));
}
