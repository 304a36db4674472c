/*
 * Per-connector health kept in this process's memory (each pod learns on its own; nothing is
 * shared through Redis or the database): a sliding window of the last calls' outcomes, the
 * success rate over it, and a circuit breaker.
 *
 * closed → open after `failureThreshold` consecutive failures, or when the window holds at
 * least `minCalls` calls and the failure ratio reaches `failureRatio`; open → half_open once
 * `cooldownMs` has passed: one probe call is let through; its success closes the circuit
 * (window cleared), its failure opens it for another cooldown.
 */

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface BreakerSettings {
  readonly failureThreshold: number;
  readonly failureRatio: number;
  readonly minCalls: number;
  readonly cooldownMs: number;
  /** Calls in the sliding window. */
  readonly windowSize: number;
}

export class ConnectorHealth {
  private readonly window: boolean[] = [];
  private consecutiveFailures = 0;
  private state: CircuitState = 'closed';
  private openedAt = 0;
  private probeInFlight = false;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number,
  ) {}

  /** The state now (an open circuit whose cooldown passed reads as half_open). */
  current(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.settings.cooldownMs) return 'half_open';
    return this.state;
  }

  /** Whether a call may go now; in half_open, only one probe at a time, and it is taken by this call. */
  tryAcquire(): boolean {
    const state = this.current();
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.probeInFlight) return false;
    this.state = 'half_open';
    this.probeInFlight = true;
    return true;
  }

  /** Whether a call could go now (for ordering, without taking the probe). */
  available(): boolean {
    const state = this.current();
    return state === 'closed' || (state === 'half_open' && !this.probeInFlight);
  }

  /** Success rate over the window; 1 while it holds fewer than minCalls calls (no evidence against it). */
  successRate(): number {
    if (this.window.length < this.settings.minCalls) return 1;
    return this.window.filter(Boolean).length / this.window.length;
  }

  record(success: boolean): void {
    this.window.push(success);
    if (this.window.length > this.settings.windowSize) this.window.shift();
    if (this.state === 'half_open') {
      this.probeInFlight = false;
      if (success) this.close();
      else this.open();
      return;
    }
    if (success) {
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures++;
    const failures = this.window.filter((ok) => !ok).length;
    const ratioTripped = this.window.length >= this.settings.minCalls && failures / this.window.length >= this.settings.failureRatio;
    if (this.state === 'closed' && (this.consecutiveFailures >= this.settings.failureThreshold || ratioTripped)) this.open();
  }

  /** A call that took the probe and ended without telling success or failure (the caller's own error). */
  release(): void {
    this.probeInFlight = false;
  }

  private open(): void {
    this.state = 'open';
    this.openedAt = this.now();
    this.consecutiveFailures = 0;
  }

  private close(): void {
    this.state = 'closed';
    this.consecutiveFailures = 0;
    this.window.length = 0;
  }
}
