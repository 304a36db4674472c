import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Scheduler } from '@platform/jobs/scheduler';
import { ConnectorError } from '@modules/payments/connectors/connector';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { RefundPaymentCommand, type ConnectorName, type PaymentView } from '@modules/payments/contract';
import { transition } from '@modules/payments/domain/payment-state';
import { notRefundable, paymentNotFound, refundExceedsRemaining, refundExistsWithDifferentFields } from '@modules/payments/domain/payment-errors';
import { PaymentRepository, paymentViewOf, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import type { StoredProviderEvent } from '@modules/payments/infrastructure/provider-event.repository';
import { RefundRepository, type RefundRow } from '@modules/payments/infrastructure/refund.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { PaymentReports } from '../apply-report/payment-reports';
import { PaymentsSignal } from '../dispatch/dispatch-signal';
import { retryDelayMs } from '../dispatch/dispatch-payments.job';
import { GatewayCalls, providerIdempotencyKey } from '../dispatch/gateway-calls';
import { PaymentLedger } from '../payment-ledger';

export const REFUNDS_JOB = 'payments.refunds';
const REFUNDABLE = new Set(['succeeded', 'partially_refunded']);

/**
 * Refunds of settled pay-ins, whole or in parts. Asked for: the refundable remainder is
 * checked (the amount minus every refund not failed), the money held on the ledger
 * (customer → pay-in clearing, id derived from the refund), then the refund row committed
 * under the payment's lock. The provider is called by the refunds job, outside any
 * transaction, with a key per refund; its answer (or its webhook) posts the hold and moves
 * the payment to partially_refunded or refunded (PaymentRefundedV1), or voids the hold when
 * the provider refused.
 */
@Injectable()
export class Refunds implements OnApplicationBootstrap {
  private readonly logger = new Logger('Refunds');
  private kickPending = false;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundRepository,
    private readonly ledger: PaymentLedger,
    private readonly reports: PaymentReports,
    private readonly gateway: GatewayCalls,
    private readonly registry: ConnectorRegistry,
    private readonly scheduler: Scheduler,
    private readonly signal: PaymentsSignal,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {
    signal.listen('refunds', () => this.kick());
  }

  onApplicationBootstrap(): void {
    this.scheduler.every(REFUNDS_JOB, this.config.dispatch.intervalMs, () => this.run());
  }

  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.scheduler.runNow(REFUNDS_JOB).catch(() => undefined);
    });
  }

  /** Asks for a refund of `amountText` minor units (null: the whole remainder); answers the payment. */
  async request(paymentId: string, refundId: string, amountText: string | null, reason: string | null): Promise<PaymentView> {
    const prior = await this.refunds.find(refundId);
    if (prior) return this.replay(prior, paymentId, amountText === null ? BigInt(prior.amount) : BigInt(amountText));
    const payment = await this.payments.findRow(paymentId);
    if (!payment) throw paymentNotFound();
    this.assertRefundable(payment);
    const remaining = BigInt(payment.amount) - (await this.uow.run((tx) => this.refunds.committed(tx, paymentId)));
    const amount = amountText === null ? remaining : BigInt(amountText);
    if (amount > remaining || amount <= 0n) throw refundExceedsRemaining(remaining);

    await this.ledger.holdRefund(payment, refundId, amount.toString());
    try {
      return await this.uow.run(async (tx) => {
        const row = (await this.payments.lock(tx, paymentId))!;
        const raced = await this.refunds.find(refundId, tx);
        if (raced) return this.replay(raced, paymentId, amount);
        this.assertRefundable(row);
        const left = BigInt(row.amount) - (await this.refunds.committed(tx, paymentId));
        if (amount > left) throw refundExceedsRemaining(left);
        await this.refunds.insert(tx, { id: refundId, paymentId, amount, reason });
        tx.afterCommit(() => this.signal.wake('refunds'));
        return paymentViewOf(row);
      });
    } catch (error) {
      if (!(await this.refunds.find(refundId)))
        await this.ledger
          .voidRefund(paymentId, refundId)
          .catch((err: unknown) => this.logger.warn({ refundId, err }, 'refund hold not voided; its timeout releases it'));
      throw error;
    }
  }

  /** One round of provider refund calls; answers how many were attempted. */
  async run(ids?: readonly string[]): Promise<number> {
    const claimed = await this.refunds.claimDue(50, this.config.dispatch.leaseMs, ids);
    await Promise.all(claimed.map((refund) => this.send(refund)));
    return claimed.length;
  }

  /** What a provider's refund webhook says; answers whether it matched a refund. */
  async applyProviderEvent(connector: ConnectorName, event: StoredProviderEvent): Promise<boolean> {
    let refund = await this.refunds.findByProviderReference(event.providerReference);
    if (!refund && event.paymentId) {
      const open = (await this.refunds.ofPayment(event.paymentId).catch(() => [])).filter((r) => r.state === 'pending' || r.state === 'processing');
      if (open.length === 1) refund = open[0]!;
    }
    if (!refund) return false;
    const payment = await this.payments.findRow(refund.payment_id);
    if (!payment || payment.connector !== connector) return false;
    if (event.status === 'refunded' || event.status === 'succeeded') await this.complete(refund.id, event.providerReference);
    else if (event.status === 'failed' || event.status === 'canceled') await this.fail(refund.id, event.failureCode ?? 'REFUND_FAILED');
    return true;
  }

  private async send(refund: RefundRow): Promise<void> {
    const payment = (await this.payments.findRow(refund.payment_id))!;
    const connector = payment.connector ? this.registry.get(payment.connector) : undefined;
    try {
      if (!connector?.refund || !payment.provider_reference) {
        throw new ConnectorError(payment.connector ?? 'internal', 'REFUND_NOT_SUPPORTED', 'the connector cannot refund this payment', false, false);
      }
      const key = providerIdempotencyKey(refund.id, 'refund', connector.name);
      const result = await this.gateway.timed(payment.id, connector, 'refund', key, () =>
        connector.refund!({
          paymentId: payment.id,
          refundId: refund.id,
          providerReference: payment.provider_reference!,
          amount: BigInt(refund.amount),
          currency: payment.currency.trim(),
          idempotencyKey: key,
        }),
      );
      if (result.status === 'succeeded') await this.complete(refund.id, result.providerReference);
      else if (result.status === 'failed') await this.fail(refund.id, result.failureCode ?? 'REFUND_FAILED');
      else await this.awaitConfirmation(refund, payment, result.providerReference);
    } catch (error) {
      const retryable = error instanceof ConnectorError ? error.retryable || error.outcomeUnknown : true;
      if (!retryable) return this.fail(refund.id, error instanceof ConnectorError ? error.code : 'REFUND_FAILED');
      // Never to another connector: the refund belongs to the one that charged.
      await this.refunds.update(this.uow, refund.id, {
        lease_until: null,
        next_attempt_at: new Date(Date.now() + retryDelayMs(this.config.dispatch.retryBaseMs, refund.attempts)),
      });
      if (refund.attempts >= this.config.dispatch.maxAttempts) {
        await this.uow.run(async (tx) =>
          this.reports.flagReview(tx, (await this.payments.lock(tx, payment.id))!, `refund ${refund.id} not confirmed after ${refund.attempts} attempts`),
        );
      }
    }
  }

  /**
   * The provider took the refund and will confirm it later (its webhook). Under the refund's
   * lock: a webhook faster than this answer may have settled it already, and a settled refund
   * is never put back to processing (it would be completed, and counted, a second time). The
   * call is asked again later with the same key (the provider answers what it did), in case
   * the confirmation is lost; after PAYMENTS_DISPATCH_MAX_ATTEMPTS the payment is flagged.
   */
  private async awaitConfirmation(refund: RefundRow, payment: PaymentRow, providerReference: string): Promise<void> {
    await this.uow.run(async (tx) => {
      // The payment's lock first, as complete() takes them.
      const locked = (await this.payments.lock(tx, payment.id))!;
      const current = (await this.refunds.lock(tx, refund.id))!;
      if (current.state === 'succeeded' || current.state === 'failed') return;
      await this.refunds.update(tx, refund.id, {
        state: 'processing',
        provider_reference: current.provider_reference ?? providerReference,
        lease_until: null,
        next_attempt_at: new Date(Date.now() + retryDelayMs(this.config.dispatch.retryBaseMs, refund.attempts)),
      });
      if (refund.attempts >= this.config.dispatch.maxAttempts) {
        await this.reports.flagReview(tx, locked, `refund ${refund.id} not confirmed after ${refund.attempts} attempts`);
      }
    });
  }

  /** The provider refunded: post the hold, then the refund and the payment's state, once. */
  async complete(refundId: string, providerReference: string): Promise<void> {
    const refund = (await this.refunds.find(refundId))!;
    if (refund.state === 'succeeded' || refund.state === 'failed') return;
    await this.ledger.postRefund(refund.payment_id, refund.id);
    await this.uow.run(async (tx) => {
      const payment = (await this.payments.lock(tx, refund.payment_id))!;
      const current = (await this.refunds.lock(tx, refundId))!;
      if (current.state === 'succeeded' || current.state === 'failed') return;
      await this.refunds.update(tx, refundId, { state: 'succeeded', provider_reference: current.provider_reference ?? providerReference, lease_until: null });
      const refunded = BigInt(payment.refunded_amount) + BigInt(current.amount);
      const to = refunded >= BigInt(payment.amount) ? 'refunded' : 'partially_refunded';
      const outcome = transition(payment.state, to);
      const withAmount = await this.payments.update(tx, payment.id, { refunded_amount: refunded });
      if (outcome.kind === 'apply') await this.reports.move(tx, withAmount, to, {}, 'job', { refundId, amount: current.amount });
      else await this.payments.addTransition(tx, payment.id, payment.state, to, 'job', { refundId, refused: 'state machine' }, false);
    });
  }

  /** The provider refused: release the hold and record the refund as failed. */
  async fail(refundId: string, code: string): Promise<void> {
    const refund = (await this.refunds.find(refundId))!;
    if (refund.state === 'succeeded' || refund.state === 'failed') return;
    await this.ledger.voidRefund(refund.payment_id, refund.id);
    await this.uow.run(async (tx) => {
      const current = (await this.refunds.lock(tx, refundId))!;
      if (current.state === 'succeeded' || current.state === 'failed') return;
      await this.refunds.update(tx, refundId, { state: 'failed', failure_code: code, lease_until: null });
    });
  }

  private assertRefundable(payment: PaymentRow): void {
    if (payment.kind !== 'pay_in') throw notRefundable('Only pay-ins are refunded');
    if (!REFUNDABLE.has(payment.state)) throw notRefundable(`A payment in state ${payment.state} cannot be refunded`);
  }

  private async replay(refund: RefundRow, paymentId: string, amount: bigint): Promise<PaymentView> {
    if (refund.payment_id !== paymentId || BigInt(refund.amount) !== amount) throw refundExistsWithDifferentFields(refund.id);
    return (await this.payments.find(paymentId))!;
  }
}

@CommandHandler(RefundPaymentCommand)
export class RefundPaymentCommandHandler implements ICommandHandler<RefundPaymentCommand, PaymentView> {
  constructor(private readonly refunds: Refunds) {}

  execute({ paymentId, refundId, amount, reason }: RefundPaymentCommand): Promise<PaymentView> {
    return this.refunds.request(paymentId, refundId, amount, reason ?? null);
  }
}
