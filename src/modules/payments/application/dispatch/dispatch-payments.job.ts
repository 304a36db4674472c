import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Scheduler } from '@platform/jobs/scheduler';
import { ConnectorError } from '@modules/payments/connectors/connector';
import { PaymentRepository, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { PaymentReports } from '../apply-report/payment-reports';
import { PaymentsSignal } from './dispatch-signal';
import { GatewayCalls } from './gateway-calls';

export const DISPATCH_PAYMENTS_JOB = 'payments.dispatch';
const BATCH = 50;

/** Exponential backoff with full jitter: attempt n waits up to base · 2^(n-1), at most an hour. */
export function retryDelayMs(baseMs: number, attempt: number): number {
  const ceiling = Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Sends committed payments (state created) to their gateway or rail, never inside a database
 * transaction: each round leases due payments (FOR UPDATE SKIP LOCKED, so two processes
 * never call for the same payment at once), calls the connector through the router with the
 * provider idempotency key `${paymentId}:${operation}:${connector}`, and applies the answer
 * through PaymentReports (which locks the row and runs the state machine).
 *
 * - an answer (requires_action, processing, succeeded, failed): applied;
 * - outcome unknown (a timeout after sending): the payment moves to processing on its
 *   pinned connector and status sync finds out — never another connector;
 * - safe to retry (every candidate refused before doing anything): due again after a
 *   backoff, unpinned, until PAYMENTS_DISPATCH_MAX_ATTEMPTS, then failed (the hold voided);
 * - refused for good (no connector, a decline thrown as an error): failed;
 * - our own failure (the database or the ledger unavailable while applying an answer): due
 *   again with the pin kept (the provider may have done the work; the same key asks it
 *   again), and after PAYMENTS_DISPATCH_MAX_ATTEMPTS marked for review, never failed.
 *
 * Runs after each creation commits (woken) and on a timer in every process; a lease that
 * runs out (its process died mid-call) makes the payment due again, resent with the same key.
 */
@Injectable()
export class DispatchPaymentsJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('DispatchPayments');
  private kickPending = false;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly payments: PaymentRepository,
    private readonly gateway: GatewayCalls,
    private readonly reports: PaymentReports,
    private readonly scheduler: Scheduler,
    signal: PaymentsSignal,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {
    signal.listen('dispatch', () => this.kick());
  }

  onApplicationBootstrap(): void {
    this.scheduler.every(DISPATCH_PAYMENTS_JOB, this.config.dispatch.intervalMs, () => this.run());
  }

  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.scheduler.runNow(DISPATCH_PAYMENTS_JOB).catch(() => undefined);
    });
  }

  /** One round (until nothing is due); answers how many payments were attempted. */
  async run(ids?: readonly string[]): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.payments.claimDispatch(BATCH, this.config.dispatch.leaseMs, ids);
      if (claimed.length === 0) return total;
      total += claimed.length;
      await Promise.all(claimed.map((row) => this.dispatch(row)));
      if (claimed.length < BATCH) return total;
    }
  }

  private async dispatch(row: PaymentRow): Promise<void> {
    try {
      if (row.kind === 'transfer') return await this.settleTransfer(row);
      const { connector, result } = await this.gateway.initiate(row);
      await this.reports.apply(
        row.id,
        {
          status: result.status,
          connector,
          providerReference: result.providerReference,
          ...(result.nextAction ? { nextAction: result.nextAction } : {}),
          ...(result.failureCode ? { failureCode: result.failureCode } : {}),
        },
        'gateway',
        { operation: row.kind === 'payout' ? 'payout' : 'authorize' },
      );
      await this.payments.releaseLease(row.id);
    } catch (error) {
      await this.afterFailure(row, error).catch((err: unknown) =>
        this.logger.error({ paymentId: row.id, err }, 'dispatch failure not recorded; the lease runs out and it is tried again'),
      );
    }
  }

  /** A transfer left created (its request was cut short after the insert): no gateway, its hold is posted. */
  private async settleTransfer(row: PaymentRow): Promise<void> {
    await this.reports.apply(row.id, { status: 'succeeded', connector: 'internal' }, 'job', { settledBy: 'dispatch' });
    await this.payments.releaseLease(row.id);
  }

  private async afterFailure(row: PaymentRow, error: unknown): Promise<void> {
    if (error instanceof ConnectorError && error.outcomeUnknown) {
      // It may have reached the provider: status sync asks (same connector, same key), nothing fails over.
      await this.reports.apply(row.id, { status: 'processing', connector: error.connector }, 'gateway', { outcomeUnknown: true, code: error.code });
      await this.payments.releaseLease(row.id);
      return;
    }
    if (!(error instanceof ConnectorError) && row.dispatch_attempts >= this.config.dispatch.maxAttempts) {
      // Not the provider's refusal (our side failed, perhaps after the provider did the work): never fail it blindly.
      await this.uow.run(async (tx) => {
        const current = (await this.payments.lock(tx, row.id))!;
        if (current.state === 'created') await this.reports.flagReview(tx, current, `dispatch failed ${row.dispatch_attempts} times on our side`);
      });
      return;
    }
    const retryable = !(error instanceof ConnectorError) || error.retryable;
    if (!retryable || row.dispatch_attempts >= this.config.dispatch.maxAttempts) {
      const code = error instanceof ConnectorError ? error.code : 'DISPATCH_FAILED';
      this.logger.warn({ paymentId: row.id, code, attempts: row.dispatch_attempts }, 'payment failed at dispatch');
      await this.reports.apply(row.id, { status: 'failed', failureCode: code }, 'job', { attempts: row.dispatch_attempts, code });
      await this.payments.releaseLease(row.id);
      return;
    }
    if (!(error instanceof ConnectorError)) this.logger.warn({ paymentId: row.id, err: error }, 'payment dispatch failed; retried later');
    // Every candidate refused before doing anything: the next round may route afresh.
    await this.payments.releaseLease(row.id, {
      next_attempt_at: new Date(Date.now() + retryDelayMs(this.config.dispatch.retryBaseMs, row.dispatch_attempts)),
      ...(error instanceof ConnectorError ? { connector: null } : {}),
    });
  }
}
