import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '@platform/clock';
import { Scheduler } from '@platform/jobs/scheduler';
import { ProviderEventRepository } from '@modules/payments/infrastructure/provider-event.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { BankRails } from '@modules/payments/rails/bank-rails';
import { PaymentsSignal } from '../dispatch/dispatch-signal';
import { BankCredits } from './bank-credits';

export const RAIL_FILES_JOB = 'payments.rail-files';
export const ACH_SETTLE_JOB = 'payments.ach-settle';

/** YYYY-MM-DD of `at` in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * The bank rails' jobs, on the platform scheduler in every process (rows are taken FOR UPDATE
 * SKIP LOCKED, so two processes never put one payout in two files):
 *
 * - `payments.rail-files` (PAYMENTS_RAIL_FILES_INTERVAL_MS): each configured rail builds its
 *   next files from the queue (buildNextFiles: one NACHA file, one pain.001, or a pacs.008
 *   per SWIFT payout), stored sealed in payments.rail_files; and credits a crash left
 *   half-done are finished.
 * - `payments.ach-settle` (PAYMENTS_ACH_SETTLE_INTERVAL_MS): ACH payouts whose effective entry
 *   date is before today (the bank's time zone) without a return settle; their events go to
 *   payments.provider_events and the provider-events job applies them (ledger posting,
 *   PaymentSucceededV1). If the process dies after the rail row is marked settled and before
 *   the events are stored, status sync finds the payout settled through `status()`.
 */
@Injectable()
export class RailJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('RailJobs');

  constructor(
    private readonly rails: BankRails,
    private readonly events: ProviderEventRepository,
    private readonly credits: BankCredits,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly signal: PaymentsSignal,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.rails.configured.length === 0) return;
    this.scheduler.every(RAIL_FILES_JOB, this.config.rails.buildIntervalMs, () => this.buildFiles());
    if (this.rails.get('ach')) this.scheduler.every(ACH_SETTLE_JOB, this.config.rails.settleIntervalMs, () => this.settleAch());
  }

  /** One round: the next files of every rail; answers how many files were built. */
  async buildFiles(): Promise<number> {
    let built = 0;
    const failed: string[] = [];
    for (const rail of this.rails.all()) {
      // One rail's failure (its transaction rolled back, its queue untouched) does not hold back the others.
      const files = await rail.buildNextFiles().catch((error: unknown) => {
        failed.push(rail.name);
        this.logger.error({ rail: rail.name, err: error }, 'rail files not built; the queue is tried again next round');
        return [];
      });
      if (files.length > 0)
        this.logger.log({ rail: rail.name, files: files.length, entries: files.reduce((n, f) => n + f.paymentIds.length, 0) }, 'rail files built');
      built += files.length;
    }
    await this.credits.finishPending();
    if (failed.length > 0) throw new Error(`rail files not built for ${failed.join(', ')}`);
    return built;
  }

  /** ACH payouts past their effective date without a return: settled. */
  async settleAch(): Promise<number> {
    const ach = this.rails.get('ach');
    if (!ach) return 0;
    const today = localDate(new Date(this.clock.now()), this.config.rails.originators.ach!.cutoffs.timeZone);
    const settled = await ach.settleDue(today);
    if ((await this.events.store('ach', settled)) > 0) this.signal.wake('events');
    return settled.length;
  }
}
