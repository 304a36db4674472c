import { Injectable } from '@nestjs/common';

/** Wakes this process's dispatcher right after a commit that queued messages (other pods find them by polling). */
@Injectable()
export class DispatchSignal {
  private listener: (() => void) | undefined;

  listen(listener: () => void): void {
    this.listener = listener;
  }

  wake(): void {
    this.listener?.();
  }
}
