import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { DomainError } from '@shared-kernel';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import { CancelPaymentCommand, CreatePaymentCommand, RefundPaymentCommand, type PaymentView } from '@modules/payments/contract';
import { OrderRepository, type OrderPaymentRecord } from '@modules/orders/infrastructure/order.repository';

/** Namespace of the refund ids orders chooses (UUIDv5 of the payment and what was refunded before): one refund per request, however often retried. */
const REFUND_ID_NAMESPACE = '5d8e2f1b-9a4c-4b73-a6e0-3f1c8b7d2e95';
export const orderRefundIdOf = (paymentId: string, refundedBefore: bigint): string =>
  uuidv5(`${paymentId}:order-refund:${refundedBefore}`, REFUND_ID_NAMESPACE);

/** Longer than any bus call's deadline: a lease outlives the request it guards, and lapses after a crash. */
const ACTION_LEASE_MS = 60_000;

/** Kinds of failure that a later attempt may not meet: kept and retried. Anything else is the payment's answer. */
const TRANSIENT = new Set(['unavailable', 'rate_limited']);
const isBusinessAnswer = (error: unknown): error is DomainError => error instanceof DomainError && !TRANSIENT.has(error.kind);

/**
 * Asks payments, through its contract, for what orders has recorded it needs (the
 * `action` of each order payment): create the pay-in, cancel it, refund it. Recorded first,
 * in the transaction of the order change, and asked after the commit, never inside it: a
 * crash or an outage between the two leaves the action recorded, and the sweep asks again.
 * Every request carries an id orders derived (payment id, refund id), so asking twice has
 * one effect.
 */
@Injectable()
export class PaymentActions {
  private readonly logger = new Logger('OrderPaymentActions');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: OrderRepository,
    private readonly commands: CommandBus,
  ) {}

  /** The order's outstanding actions, now; failures stay recorded for the sweep. */
  async runFor(orderId: string): Promise<void> {
    for (const payment of await this.repository.paymentsOf(orderId)) if (payment.action) await this.run(payment);
  }

  /** Up to `limit` outstanding actions of any order, oldest first; answers how many were tried. */
  async runPending(limit: number): Promise<number> {
    const pending = await this.repository.pendingActions(limit);
    for (const payment of pending) await this.run(payment);
    return pending.length;
  }

  private async run(seen: OrderPaymentRecord): Promise<void> {
    const action = seen.action!;
    // Another request or pod is asking already (or it was done since this row was read).
    if (!(await this.repository.claimAction(seen.paymentId, action, ACTION_LEASE_MS))) return;
    const payment = (await this.repository.payment(seen.paymentId))!;
    // Replaced since the claim (a cancel over a create): the new action is asked by whoever set it.
    if (payment.action !== action) return;
    try {
      const view = await this.ask(payment);
      await this.uow.run(async (tx) => {
        if (view) await this.applyView(tx, payment, view);
        await this.repository.finishAction(tx, payment.paymentId, action);
      });
    } catch (error) {
      if (isBusinessAnswer(error)) {
        await this.uow.run(async (tx) => {
          if (action === 'create') await this.repository.markRejected(tx, payment.paymentId, error.code);
          // Nothing to cancel (never created, or already past cancelling: then its success is refunded when reported).
          else await this.repository.finishAction(tx, payment.paymentId, action, error.code);
        });
        this.logger.warn({ paymentId: payment.paymentId, orderId: payment.orderId, action, code: error.code }, 'payments refused an order payment request');
        return;
      }
      const code = error instanceof DomainError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
      await this.repository.actionFailed(payment.paymentId, action, code).catch(() => undefined);
      this.logger.warn({ paymentId: payment.paymentId, orderId: payment.orderId, action, code }, 'order payment request failed; the sweep retries it');
    }
  }

  /** The request for the action; null when nothing is left to ask. */
  private async ask(payment: OrderPaymentRecord): Promise<PaymentView | null> {
    switch (payment.action) {
      case 'create': {
        const order = await this.repository.record(payment.orderId);
        const request = payment.request!;
        return this.commands.execute(
          new CreatePaymentCommand({
            id: payment.paymentId,
            ownerId: order!.ownerId,
            payment: {
              kind: 'pay_in',
              accountId: order!.accountId,
              amount: payment.amount.toString(),
              currency: payment.currency,
              method: request.method,
              orderId: payment.orderId,
              ...(request.paymentMethodToken !== undefined ? { paymentMethodToken: request.paymentMethodToken } : {}),
              ...(request.country !== undefined ? { country: request.country } : {}),
              ...(request.returnUrl !== undefined ? { returnUrl: request.returnUrl } : {}),
              ...(order!.reference !== null ? { reference: order!.reference } : {}),
            },
          }),
        );
      }
      case 'cancel':
        return this.commands.execute(new CancelPaymentCommand({ paymentId: payment.paymentId }));
      case 'refund': {
        const remaining = payment.amount - payment.refundedAmount;
        if (remaining <= 0n) return null;
        return this.commands.execute(
          new RefundPaymentCommand({
            paymentId: payment.paymentId,
            refundId: orderRefundIdOf(payment.paymentId, payment.refundedAmount),
            amount: remaining.toString(),
            reason: `order ${payment.orderId}`,
          }),
        );
      }
      default:
        return null;
    }
  }

  private async applyView(tx: Tx, payment: OrderPaymentRecord, view: PaymentView): Promise<void> {
    await this.repository.applyPaymentState(tx, {
      paymentId: view.id,
      orderId: payment.orderId,
      amount: BigInt(view.amount),
      currency: view.currency,
      state: view.state,
      refundedAmount: BigInt(view.refundedAmount),
      updatedAt: new Date(view.updatedAt),
    });
  }
}
