import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { Clock } from '@platform/clock';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import type { OrderView } from '@modules/orders/contract';
import { isPaidBy } from '@modules/orders/domain/order';
import { nothingToPay, orderNotFound } from '@modules/orders/domain/order-errors';
import { OrderRepository, type OrderRecord, type PayInRequest } from '@modules/orders/infrastructure/order.repository';
import { ordersConfig, type OrdersConfig } from '@modules/orders/orders.config';
import { PayerAccount } from '../payer-account/payer-account';
import { PaymentActions } from '../payment-actions/payment-actions';
import { OrderTransitions } from './order-transitions';

/** Namespace of the ids of the pay-ins orders requests (UUIDv5 of the order id): a retried place creates nothing twice. */
const PAY_IN_ID_NAMESPACE = 'e3a1c9d7-52b8-4f6e-8d0a-7c4b2e9f1a63';
export const payInIdOf = (orderId: string): string => uuidv5(`${orderId}:pay-in`, PAY_IN_ID_NAMESPACE);

/** Checks the caller may act on the order (throws its 404 otherwise). */
export type Authorize = (order: OrderRecord) => void;

/**
 * The customer's and staff's moves of an order: place, cancel, refund, fulfil, and the
 * sweep's cancellation of an order whose payment did not arrive in time. Each locks the
 * order, lets OrderTransitions decide and record, then (after the commit) has
 * PaymentActions ask payments for what the move needs: a pay-in, cancellations, refunds.
 */
@Injectable()
export class ChangeOrderStatus {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: OrderRepository,
    private readonly transitions: OrderTransitions,
    private readonly actions: PaymentActions,
    private readonly payer: PayerAccount,
    private readonly clock: Clock,
    @Inject(ordersConfig.token) private readonly config: OrdersConfig,
  ) {}

  /**
   * draft → placed. With `payment`, orders requests a pay-in of the total (its id follows
   * from the order id); without, the client pays by posting pay-ins naming the order. Either
   * way an order not paid within ORDERS_PAYMENT_TIMEOUT_SECONDS is cancelled by the sweep.
   */
  async place(orderId: string, authorize: Authorize, actor: string, payment?: PayInRequest): Promise<OrderView> {
    const current = await this.repository.record(orderId);
    if (!current) throw orderNotFound();
    authorize(current);
    // The account may have been frozen or closed since the draft was made.
    if (current.status === 'draft') await this.payer.assertPayable(current.ownerId, current.accountId, current.currency);
    await this.uow.run(async (tx) => {
      const order = (await this.repository.lock(tx, orderId))!;
      if (order.status === 'draft' && order.total <= 0n) throw nothingToPay();
      const now = new Date(this.clock.now());
      const moved = await this.transitions.move(
        tx,
        order,
        'placed',
        { placedAt: now, paymentDueAt: new Date(now.getTime() + this.config.paymentTimeoutSeconds * 1000) },
        actor,
      );
      if (moved && payment) {
        await this.repository.requestPayment(tx, { paymentId: payInIdOf(orderId), orderId, amount: order.total, currency: order.currency, request: payment });
      }
      // Pay-ins the client posted naming the draft may already cover it.
      if (moved && isPaidBy(order.total, await this.repository.paymentsOf(orderId, tx))) {
        await this.transitions.move(tx, { ...order, status: 'placed' }, 'paid', { paidAt: now }, actor);
      }
    });
    await this.actions.runFor(orderId);
    return (await this.repository.view(orderId))!;
  }

  /** draft or placed → cancelled; open payments are cancelled, any captured money refunded. `callerId`: the signed-in user, if any (the owner cancelling, or staff). */
  cancel(orderId: string, authorize: Authorize, actor: string, callerId: string | null): Promise<OrderView> {
    return this.change(orderId, authorize, async (tx, order) => {
      const reason = callerId === order.ownerId ? 'customer' : 'staff';
      if (await this.transitions.move(tx, order, 'cancelled', { cancelledAt: new Date(this.clock.now()), cancelReason: reason }, actor, reason)) {
        await this.transitions.releasePayments(tx, orderId);
      }
    });
  }

  /** paid or fulfilled → refunded; every payment that captured money is refunded in full. */
  refund(orderId: string, authorize: Authorize, actor: string): Promise<OrderView> {
    return this.change(orderId, authorize, async (tx, order) => {
      if (await this.transitions.move(tx, order, 'refunded', { refundedAt: new Date(this.clock.now()) }, actor)) {
        await this.transitions.releasePayments(tx, orderId);
      }
    });
  }

  /** paid → fulfilled (staff). */
  fulfil(orderId: string, authorize: Authorize, actor: string): Promise<OrderView> {
    return this.change(orderId, authorize, (tx, order) =>
      this.transitions.move(tx, order, 'fulfilled', { fulfilledAt: new Date(this.clock.now()) }, actor).then(() => undefined),
    );
  }

  /** The sweep: a placed order still unpaid at its due time is cancelled (payment_timeout). Answers whether it was. */
  async expire(orderId: string): Promise<boolean> {
    const now = new Date(this.clock.now());
    const expired = await this.uow.run(async (tx) => {
      const order = await this.repository.lock(tx, orderId);
      if (!order || order.status !== 'placed') return false;
      if (!order.paymentDueAt || order.paymentDueAt > now) return false;
      await this.transitions.move(tx, order, 'cancelled', { cancelledAt: now, cancelReason: 'payment_timeout' }, 'system:orders.sweep', 'payment_timeout');
      await this.transitions.releasePayments(tx, orderId);
      return true;
    });
    if (expired) await this.actions.runFor(orderId);
    return expired;
  }

  private async change(orderId: string, authorize: Authorize, work: (tx: Tx, order: OrderRecord) => Promise<void>): Promise<OrderView> {
    await this.uow.run(async (tx) => {
      const order = await this.repository.lock(tx, orderId);
      if (!order) throw orderNotFound();
      authorize(order);
      await work(tx, order);
    });
    await this.actions.runFor(orderId);
    return (await this.repository.view(orderId))!;
  }
}
