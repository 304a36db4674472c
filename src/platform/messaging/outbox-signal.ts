import { Injectable } from '@nestjs/common';

/**
 * Wakes this process's relay right after a commit that appended events, so delivery
 * latency is not the poll interval. Other pods' relays still find the rows by polling.
 */
@Injectable()
export class OutboxSignal {
  private readonly waiters = new Map<string, () => void>();
  private readonly pending = new Set<string>();
  private released = false;

  notify(context: string): void {
    const wake = this.waiters.get(context);
    if (wake) {
      this.waiters.delete(context);
      wake();
    } else {
      this.pending.add(context);
    }
  }

  /** Resolves on notify(context) or after `ms`, whichever is first. */
  wait(context: string, ms: number): Promise<void> {
    if (this.pending.delete(context) || this.released) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(context);
        resolve();
      }, ms);
      this.waiters.set(context, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Ends every wait, now and until reset(): the relay is stopping. */
  release(): void {
    this.released = true;
    for (const context of [...this.waiters.keys()]) this.notify(context);
  }

  reset(): void {
    this.released = false;
  }
}
