import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Scheduler } from '@platform/jobs/scheduler';
import { ConnectorError } from '@modules/payments/connectors/connector';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { PaymentRepository, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { PaymentReports } from '../apply-report/payment-reports';
import { CaptureApproved } from '../capture/capture-approved';
import { retryDelayMs } from '../dispatch/dispatch-payments.job';
import { GatewayCalls } from '../dispatch/gateway-calls';

export const STATUS_SYNC_JOB = 'payments.status-sync';
const BATCH = 50;
const LEASE_MS = 60_000;

/**
 * Polls the provider for payments that sit in processing or requires_action longer than
 * PAYMENTS_SYNC_AFTER_SECONDS, and converges through PaymentReports (the same path as
 * webhooks: whichever arrives first settles, the other is a no-op). A payment whose
 * provider reference is unknown (the first call's outcome was unknown) is asked again with
 * the original call on its pinned connector and the same idempotency key: the provider
 * answers what that call did. A poll that fails counts; after PAYMENTS_SYNC_MAX_FAILURES
 * the payment is marked for review (PaymentReviewRequiredV1) — never left silently.
 */
@Injectable()
export class StatusSyncJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('StatusSync');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly payments: PaymentRepository,
    private readonly registry: ConnectorRegistry,
    private readonly gateway: GatewayCalls,
    private readonly reports: PaymentReports,
    private readonly scheduler: Scheduler,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
    private readonly capture: CaptureApproved,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every(STATUS_SYNC_JOB, this.config.sync.intervalMs, () => this.run());
  }

  async run(): Promise<number> {
    const claimed = await this.payments.claimSync(BATCH, LEASE_MS, this.config.sync.afterSeconds);
    await Promise.all(claimed.map((row) => this.sync(row)));
    return claimed.length;
  }

  /** Staff: polls one open payment now, whatever its age; answers it as it is afterwards. */
  async syncNow(paymentId: string): Promise<void> {
    const { rows } = await this.uow.query<PaymentRow>(
      `update payments.payments set lease_until = now() + make_interval(secs => $2::double precision / 1000)
       where id = $1 and state in ('processing', 'requires_action') and (lease_until is null or lease_until < now()) returning *`,
      [paymentId, LEASE_MS],
    );
    if (rows[0]) await this.sync(rows[0], 'staff');
  }

  private async sync(row: PaymentRow, cause: 'sync' | 'staff' = 'sync'): Promise<void> {
    try {
      const connector = row.connector ? this.registry.get(row.connector) : undefined;
      if (!connector)
        throw new ConnectorError(row.connector ?? 'internal', 'CONNECTOR_UNAVAILABLE', `connector ${row.connector ?? '(none)'} is not available`, true, false);
      const result = row.provider_reference ? await this.gateway.status(row, connector) : (await this.gateway.initiate(row)).result;
      const { payment } = await this.reports.apply(
        row.id,
        {
          status: result.status,
          connector: connector.name,
          providerReference: result.providerReference,
          ...(result.nextAction ? { nextAction: result.nextAction } : {}),
          ...(result.failureCode ? { failureCode: result.failureCode } : {}),
        },
        cause,
      );
      // Approved by the buyer (its webhook may be lost): the money moves when we capture.
      if (result.needsCapture && payment.state === 'processing') await this.capture.run(row.id, cause);
      const after = result.needsCapture ? ((await this.payments.find(row.id)) ?? payment) : payment;
      const open = after.state === 'processing' || after.state === 'requires_action';
      // The provider answered: failures count from here again (review is for a provider that keeps failing, not for a few blips over a long wait).
      await this.payments.releaseLease(row.id, {
        sync_failures: 0,
        ...(open ? { next_sync_at: new Date(Date.now() + Math.max(1000, this.config.sync.intervalMs)) } : {}),
      });
    } catch (error) {
      await this.failed(row, error).catch((err: unknown) => this.logger.error({ paymentId: row.id, err }, 'failed sync not recorded'));
    }
  }

  private async failed(row: PaymentRow, error: unknown): Promise<void> {
    const code = error instanceof ConnectorError ? error.code : 'SYNC_FAILED';
    this.logger.warn({ paymentId: row.id, code, failures: row.sync_failures + 1 }, 'payment status sync failed');
    await this.uow.run(async (tx) => {
      const current = (await this.payments.lock(tx, row.id))!;
      const failures = current.sync_failures + 1;
      await this.payments.update(tx, row.id, {
        sync_failures: failures,
        lease_until: null,
        next_sync_at: new Date(Date.now() + retryDelayMs(this.config.dispatch.retryBaseMs, failures)),
      });
      if (failures >= this.config.sync.maxFailures && (current.state === 'processing' || current.state === 'requires_action')) {
        await this.reports.flagReview(tx, { ...current, sync_failures: failures }, `status sync failed ${failures} times (last: ${code})`);
      }
    });
  }
}
