import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Scheduler } from '@platform/jobs/scheduler';
import type { ConnectorName } from '@modules/payments/contract';
import { FINAL_STATES, SETTLED_STATES } from '@modules/payments/domain/payment-state';
import { PaymentRepository, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { ProviderEventRepository, type ProviderEventRow } from '@modules/payments/infrastructure/provider-event.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { PaymentReports } from '../apply-report/payment-reports';
import { CaptureApproved } from '../capture/capture-approved';
import { PaymentsSignal } from '../dispatch/dispatch-signal';
import { retryDelayMs } from '../dispatch/dispatch-payments.job';
import { Refunds } from '../refunds/refunds';

export const PROVIDER_EVENTS_JOB = 'payments.provider-events';
const BATCH = 100;
const LEASE_MS = 60_000;

/**
 * Applies the stored webhook events (payments.provider_events, deduplicated by connector and
 * event id when received), oldest first by the provider's timestamp, each through the same
 * path as every other report (PaymentReports: lock, reconcile, ledger, transition, event).
 * An event is matched to its payment by our id when the provider echoes it, else by the
 * provider's reference; one that matches nothing yet (a webhook faster than the API answer
 * that names the reference) is retried with backoff, as is one whose application failed.
 * A processed event is never taken again, and applying one twice would be a no-op anyway.
 */
@Injectable()
export class ProcessProviderEventsJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('ProviderEvents');
  private kickPending = false;

  constructor(
    private readonly events: ProviderEventRepository,
    private readonly payments: PaymentRepository,
    private readonly reports: PaymentReports,
    private readonly refunds: Refunds,
    private readonly scheduler: Scheduler,
    signal: PaymentsSignal,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
    private readonly capture: CaptureApproved,
  ) {
    signal.listen('events', () => this.kick());
  }

  onApplicationBootstrap(): void {
    this.scheduler.every(PROVIDER_EVENTS_JOB, this.config.providerEvents.intervalMs, () => this.run());
  }

  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.scheduler.runNow(PROVIDER_EVENTS_JOB).catch(() => undefined);
    });
  }

  async run(): Promise<number> {
    const claimed = await this.events.claimDue(BATCH, LEASE_MS);
    // One payment's events in order, different payments side by side.
    const byPayment = new Map<string, ProviderEventRow[]>();
    for (const row of claimed) {
      const key = row.payload.paymentId ?? `${row.connector}:${row.payload.providerReference}`;
      byPayment.set(key, [...(byPayment.get(key) ?? []), row]);
    }
    await Promise.all(
      [...byPayment.values()].map(async (rows) => {
        for (const row of rows) await this.process(row);
      }),
    );
    return claimed.length;
  }

  private async process(row: ProviderEventRow): Promise<void> {
    const event = row.payload;
    const connector = row.connector as ConnectorName;
    try {
      let matched: boolean;
      if (event.subject === 'refund' || event.status === 'refunded') {
        matched = await this.refunds.applyProviderEvent(connector, event);
      } else {
        const payment = await this.match(connector, event.paymentId, event.providerReference);
        // A bank return can be read before the settlement it undoes is applied: it waits for it rather than being refused.
        matched = payment !== null && !(event.status === 'returned' && !SETTLED_STATES.has(payment.state) && !FINAL_STATES.has(payment.state));
        if (payment && matched) {
          await this.reports.apply(
            payment.id,
            {
              status: event.status,
              connector,
              providerReference: event.providerReference,
              ...(event.failureCode ? { failureCode: event.failureCode } : {}),
            },
            'webhook',
            { eventId: event.eventId },
            { known: payment },
          );
          // The buyer approved (PayPal): capture now; a failure leaves the event to be retried.
          if (event.needsCapture) await this.capture.run(payment.id, 'webhook');
        }
      }
      if (matched) return await this.events.markProcessed(connector, event.eventId);
      if (row.attempts >= this.config.providerEvents.maxAttempts) {
        this.logger.warn({ connector, eventId: event.eventId }, 'provider event matches no payment; given up');
        return await this.events.markProcessed(connector, event.eventId, 'unmatched');
      }
      await this.events.retryLater(connector, event.eventId, retryDelayMs(this.config.dispatch.retryBaseMs, row.attempts), 'no payment matches yet');
    } catch (error) {
      this.logger.warn({ connector, eventId: event.eventId, attempts: row.attempts, err: error }, 'provider event not applied; retried later');
      const message = error instanceof Error ? error.message : String(error);
      await this.events.retryLater(connector, event.eventId, retryDelayMs(this.config.dispatch.retryBaseMs, row.attempts), message).catch(() => undefined);
    }
  }

  private async match(connector: ConnectorName, paymentId: string | undefined, providerReference: string): Promise<PaymentRow | null> {
    if (paymentId) {
      const byId = await this.payments.findRow(paymentId).catch(() => null);
      if (byId && (byId.connector === null || byId.connector === connector)) return byId;
    }
    return this.payments.findByProviderReference(connector, providerReference);
  }
}
