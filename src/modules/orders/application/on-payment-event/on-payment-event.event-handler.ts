import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { PAYMENT_EVENTS, type PaymentSucceededV1 as PaymentEventData } from '@modules/payments/contract';
import { CAPTURED_STATES, isPaidBy, OPEN_STATES } from '@modules/orders/domain/order';
import { OrderRepository } from '@modules/orders/infrastructure/order.repository';
import { OrderTransitions } from '../change-status/order-transitions';
import { PaymentActions } from '../payment-actions/payment-actions';

/**
 * Payments' events about pay-ins that name an order, through the orders inbox (a
 * redelivered event has no second effect; the inbox row commits with the effect). Each
 * event's payment state is stored unless a newer one is (events may come late); then, with
 * the order locked: a placed order whose payments captured its total is paid; an order
 * that will not be paid (cancelled, refunded) has a late payment cancelled or refunded.
 * A pay-in naming someone else's order, or in another currency, pays nothing.
 */
@Injectable()
@OnIntegrationEvent({
  context: 'orders',
  name: 'payment-events',
  // Every payment event carries the payment as it is after the change (requires_action, review included).
  events: [...PAYMENT_EVENTS],
})
export class OnPaymentEventEventHandler implements IntegrationEventHandler {
  private readonly logger = new Logger('OrdersPaymentEvents');

  constructor(
    private readonly repository: OrderRepository,
    private readonly transitions: OrderTransitions,
    private readonly actions: PaymentActions,
  ) {}

  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    const { payment } = event.data as PaymentEventData;
    if (payment.kind !== 'pay_in' || payment.orderId === null) return;
    const order = await this.repository.lock(tx, payment.orderId);
    if (!order) return;
    if (order.ownerId !== payment.ownerId || order.currency !== payment.currency) {
      this.logger.warn({ paymentId: payment.id, orderId: order.id }, 'a pay-in names an order of another owner or currency; ignored');
      return;
    }
    const stored = await this.repository.applyPaymentState(tx, {
      paymentId: payment.id,
      orderId: order.id,
      amount: BigInt(payment.amount),
      currency: payment.currency,
      state: payment.state,
      refundedAmount: BigInt(payment.refundedAmount),
      updatedAt: new Date(payment.updatedAt),
    });

    if (order.status === 'placed' && isPaidBy(order.total, await this.repository.paymentsOf(order.id, tx))) {
      await this.transitions.move(tx, order, 'paid', { paidAt: new Date(payment.updatedAt) }, `payment:${payment.id}`);
    } else if (order.status === 'cancelled' || order.status === 'refunded') {
      if (stored.state !== null && OPEN_STATES.includes(stored.state) && stored.action === null) {
        await this.repository.setAction(tx, [stored.paymentId], 'cancel');
      } else if (stored.state !== null && CAPTURED_STATES.includes(stored.state) && stored.refundedAmount < stored.amount && stored.action !== 'refund') {
        await this.repository.setAction(tx, [stored.paymentId], 'refund');
      }
    }
    tx.afterCommit(() => {
      this.actions
        .runFor(order.id)
        .catch((err: unknown) => this.logger.warn({ orderId: order.id, err }, 'order payment actions failed; the sweep retries them'));
    });
  }
}
