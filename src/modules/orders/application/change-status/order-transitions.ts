import { Injectable } from '@nestjs/common';
import type { Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import type { IntegrationEvent } from '@shared-kernel';
import { OrderCancelledV1, OrderFulfilledV1, OrderPaidV1, OrderPlacedV1, OrderRefundedV1, type OrderView } from '@modules/orders/contract';
import { CAPTURED_STATES, OPEN_STATES, transition, type OrderStatus } from '@modules/orders/domain/order';
import { illegalTransition } from '@modules/orders/domain/order-errors';
import { OrderRepository, type OrderRecord, type TransitionStamp } from '@modules/orders/infrastructure/order.repository';

const EVENT_OF: Partial<Record<OrderStatus, (id: string, data: { order: OrderView }) => IntegrationEvent>> = {
  placed: OrderPlacedV1,
  paid: OrderPaidV1,
  fulfilled: OrderFulfilledV1,
  cancelled: OrderCancelledV1,
  refunded: OrderRefundedV1,
};

/**
 * The one way an order changes status, in the caller's transaction with the order row
 * locked: the machine decides (a repeat is a no-op, an illegal move ORDER_STATUS_CONFLICT
 * naming the status), the transition is recorded and its event appended in the same
 * transaction.
 */
@Injectable()
export class OrderTransitions {
  constructor(
    private readonly repository: OrderRepository,
    private readonly outbox: Outbox,
  ) {}

  /** Answers false when the order already had the status (nothing written). */
  async move(tx: Tx, order: OrderRecord, to: OrderStatus, stamp: TransitionStamp, actor: string, reason?: string): Promise<boolean> {
    const outcome = transition(order.status, to);
    if (outcome.kind === 'unchanged') return false;
    if (outcome.kind === 'illegal') throw illegalTransition(order.status, to, outcome.allowed);
    await this.repository.setStatus(tx, order.id, order.status, to, stamp, actor, reason);
    const event = EVENT_OF[to];
    if (event) await this.outbox.append(tx, 'orders', [event(order.id, { order: (await this.repository.view(order.id, tx))! })]);
    return true;
  }

  /**
   * An order that will not be paid (cancelled, refunded) must not keep money: its payments
   * that may still capture are to be cancelled, those that captured to be refunded. Only
   * marked here; PaymentActions asks payments after the commit (and the sweep retries).
   */
  async releasePayments(tx: Tx, orderId: string): Promise<void> {
    const payments = await this.repository.paymentsOf(orderId, tx);
    const toCancel = payments.filter((p) => p.action === 'create' || (p.state !== null && OPEN_STATES.includes(p.state) && p.action !== 'cancel'));
    const toRefund = payments.filter((p) => p.state !== null && CAPTURED_STATES.includes(p.state) && p.refundedAmount < p.amount && p.action !== 'refund');
    await this.repository.setAction(
      tx,
      toCancel.map((p) => p.paymentId),
      'cancel',
    );
    await this.repository.setAction(
      tx,
      toRefund.map((p) => p.paymentId),
      'refund',
    );
  }
}
