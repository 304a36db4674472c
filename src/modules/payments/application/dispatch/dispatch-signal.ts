import { Injectable } from '@nestjs/common';

/** Wakes this process's payment jobs right after a commit that queued work for them (other pods find it by polling). */
@Injectable()
export class PaymentsSignal {
  private readonly listeners = new Map<'refunds' | 'events', () => void>();

  listen(job: 'refunds' | 'events', listener: () => void): void {
    this.listeners.set(job, listener);
  }

  wake(job: 'refunds' | 'events'): void {
    this.listeners.get(job)?.();
  }
}
