import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Scheduler } from '@platform/jobs/scheduler';
import type { ConnectorName } from '@modules/payments/contract';
import { ReconciliationRepository } from '@modules/payments/infrastructure/reconciliation.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { ReconcileSettlements } from './reconcile-settlements';

export const RECONCILIATION_JOB = 'payments.reconciliation';
/** A run holds its connector's cursor this long at most (a crashed pod's lease runs out). */
const LEASE_MS = 15 * 60_000;

/**
 * Per connector with a settlement report: reconciles the windows after the last one done,
 * one window of PAYMENTS_RECONCILIATION_WINDOW_SECONDS at a time, up to
 * PAYMENTS_RECONCILIATION_LAG_SECONDS ago; the cursor (payments.reconciliation_cursors)
 * advances only after a window's run completed, so a failed run is retried from the same
 * place at the next tick. The cursor is leased: two pods never run the same connector at once.
 */
@Injectable()
export class ReconciliationJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReconciliationJob');

  constructor(
    private readonly reconcile: ReconcileSettlements,
    private readonly repo: ReconciliationRepository,
    private readonly scheduler: Scheduler,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every(RECONCILIATION_JOB, this.config.reconciliation.intervalMs, () => this.run());
  }

  /** Runs every due window of every connector; answers the windows reconciled. */
  async run(now = new Date()): Promise<number> {
    let done = 0;
    for (const connector of this.reconcile.connectors()) done += await this.catchUp(connector, now);
    return done;
  }

  private async catchUp(connector: ConnectorName, now: Date): Promise<number> {
    const { windowSeconds, lagSeconds, lookbackSeconds } = this.config.reconciliation;
    const end = now.getTime() - lagSeconds * 1000;
    const claimed = await this.repo.claimCursor(connector, new Date(end - lookbackSeconds * 1000), LEASE_MS);
    if (!claimed) return 0;
    let done = 0;
    try {
      for (let from = claimed; from.getTime() + windowSeconds * 1000 <= end; done++) {
        const to: Date = new Date(from.getTime() + windowSeconds * 1000);
        const run = await this.reconcile.run(connector, from, to, 'schedule');
        if (run.state !== 'completed') break;
        await this.repo.advanceCursor(connector, to, LEASE_MS);
        from = to;
      }
    } catch (error) {
      this.logger.warn({ connector, err: error }, 'reconciliation stopped; the window is retried at the next run');
    } finally {
      await this.repo.releaseCursor(connector);
    }
    return done;
  }
}
