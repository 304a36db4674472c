import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import type { WorkJob } from '@platform/work-queue/work-queue.types';
import { WorkQueues } from '@platform/work-queue/work-queues';
import { ConnectorError } from '@modules/payments/connectors/connector';
import { PaymentRepository, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { PaymentReports } from '../apply-report/payment-reports';
import { GatewayCalls } from './gateway-calls';

export const DISPATCH_PAYMENTS_JOB = 'payments.dispatch';
/** Due payments one sweep hands to the queue (the next sweep takes the rest). */
const SWEEP_LIMIT = 1000;

/** Exponential backoff with full jitter: attempt n waits up to base · 2^(n-1), at most an hour. */
export function retryDelayMs(baseMs: number, attempt: number): number {
  const ceiling = Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Sends committed payments (state created) to their gateway or rail, never inside a database
 * transaction, as jobs of the work queue `payments.dispatch` (WorkQueues: BullMQ on Redis when
 * REDIS_URL is set, in process otherwise). Creating a payment enqueues a job whose id is the
 * payment id (a second enqueue of a queued id is ignored); the job leases its payment (so two
 * processes never call for the same payment at once), calls the connector through the router
 * with the provider idempotency key `${paymentId}:${operation}:${connector}`, and applies the
 * answer through PaymentReports (which locks the row and runs the state machine).
 *
 * - an answer (requires_action, processing, succeeded, failed): applied;
 * - outcome unknown (a timeout after sending): the payment moves to processing on its
 *   pinned connector and status sync finds out — never another connector;
 * - safe to retry (every candidate refused before doing anything): the job fails and the
 *   queue runs it again after its backoff, unpinned, until PAYMENTS_DISPATCH_MAX_ATTEMPTS
 *   calls (counted on the row), then the payment fails (the hold voided);
 * - refused for good (no connector, a decline thrown as an error): failed;
 * - our own failure (the database or the ledger unavailable while applying an answer): the
 *   job fails with the pin kept (the provider may have done the work; the same key asks it
 *   again); on the queue's last attempt the payment is marked for review and the job is
 *   dead-lettered, for staff to retry from the jobs view (that retry takes it off review).
 *
 * Nothing lives only in the queue: the row says what is due. The sweeper (every
 * PAYMENTS_DISPATCH_INTERVAL_MS, in every process) enqueues again each created payment that
 * has been due for PAYMENTS_DISPATCH_SWEEP_AFTER_MS and is not leased — a job Redis lost, an
 * enqueue that missed, a process that died mid-call (its lease runs out; the payment is sent
 * again with the same key).
 */
@Injectable()
export class DispatchPaymentsJob implements OnModuleInit {
  private readonly logger = new Logger('DispatchPayments');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly payments: PaymentRepository,
    private readonly gateway: GatewayCalls,
    private readonly reports: PaymentReports,
    private readonly queues: WorkQueues,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  onModuleInit(): void {
    const { maxAttempts, retryBaseMs, concurrency, intervalMs, sweepAfterMs } = this.config.dispatch;
    this.queues.define({
      name: DISPATCH_PAYMENTS_JOB,
      attempts: maxAttempts,
      backoff: { baseMs: retryBaseMs, maxMs: 3_600_000 },
      concurrency,
      handler: (job) => this.handle(job),
      sweep: {
        everyMs: intervalMs,
        due: async () => (await this.payments.awaitingDispatch(sweepAfterMs, SWEEP_LIMIT)).map((id) => ({ id, data: { paymentId: id } })),
      },
    });
  }

  /** After the commit that created the payment; false (logged, counted) when the queue is away: the sweeper finds it. */
  enqueue(paymentId: string): Promise<boolean> {
    return this.queues.enqueue(DISPATCH_PAYMENTS_JOB, paymentId, { paymentId });
  }

  private async handle(job: WorkJob): Promise<void> {
    const { paymentId } = job.data as { paymentId: string };
    const row = await this.payments.claimForDispatch(paymentId, this.config.dispatch.leaseMs);
    // Sent already, canceled, or leased by another process (which finishes it or lets the lease run out).
    if (!row) return;
    try {
      if (row.kind === 'transfer') return await this.settleTransfer(row);
      const { connector, result } = await this.gateway.initiate(row);
      const applied = await this.reports.apply(
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
        { known: row, releaseLease: true },
      );
      // A move released the lease with the state; a report that moved nothing (a webhook got there first) did not.
      if (applied.outcome !== 'apply') await this.payments.releaseLease(row.id);
    } catch (error) {
      const again = await this.afterFailure(row, error, job.attempt >= this.config.dispatch.maxAttempts).catch((err: unknown) => {
        this.logger.error({ paymentId: row.id, err }, 'dispatch failure not recorded; the lease runs out and the sweeper enqueues it again');
        return true;
      });
      if (again) throw error;
    }
  }

  /** A transfer left created (its request was cut short after the insert): no gateway, its hold is posted. */
  private async settleTransfer(row: PaymentRow): Promise<void> {
    await this.reports.apply(row.id, { status: 'succeeded', connector: 'internal' }, 'job', { settledBy: 'dispatch' });
    await this.payments.releaseLease(row.id);
  }

  /** Records the failure on the row; answers whether the job should fail (to be run again by the queue, or dead-lettered). */
  private async afterFailure(row: PaymentRow, error: unknown, lastAttempt: boolean): Promise<boolean> {
    if (error instanceof ConnectorError && error.outcomeUnknown) {
      // It may have reached the provider: status sync asks (same connector, same key), nothing fails over.
      await this.reports.apply(row.id, { status: 'processing', connector: error.connector }, 'gateway', { outcomeUnknown: true, code: error.code });
      await this.payments.releaseLease(row.id);
      return false;
    }
    if (!(error instanceof ConnectorError)) {
      // Not the provider's refusal (our side failed, perhaps after the provider did the work): never fail it blindly.
      this.logger.warn({ paymentId: row.id, err: error, attempts: row.dispatch_attempts }, 'payment dispatch failed on our side; retried later');
      if (lastAttempt) {
        await this.uow.run(async (tx) => {
          const current = (await this.payments.lock(tx, row.id))!;
          if (current.state === 'created') await this.reports.flagReview(tx, current, `dispatch failed ${row.dispatch_attempts} times on our side`);
        });
      }
      await this.payments.releaseLease(row.id, { next_attempt_at: this.retryAt(row) });
      return true;
    }
    if (!error.retryable || row.dispatch_attempts >= this.config.dispatch.maxAttempts) {
      this.logger.warn({ paymentId: row.id, code: error.code, attempts: row.dispatch_attempts }, 'payment failed at dispatch');
      await this.reports.apply(row.id, { status: 'failed', failureCode: error.code }, 'job', { attempts: row.dispatch_attempts, code: error.code });
      await this.payments.releaseLease(row.id);
      return false;
    }
    // Every candidate refused before doing anything: the next attempt may route afresh.
    await this.payments.releaseLease(row.id, { next_attempt_at: this.retryAt(row), connector: null });
    return true;
  }

  /** When the sweeper may enqueue it again if the queue loses the retry (the queue's own backoff normally runs it first). */
  private retryAt(row: PaymentRow): Date {
    return new Date(Date.now() + retryDelayMs(this.config.dispatch.retryBaseMs, row.dispatch_attempts));
  }
}
