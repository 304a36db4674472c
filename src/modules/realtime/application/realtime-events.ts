import type { EventDefinition } from '@shared-kernel';
import { AccountClosedV1, AccountFrozenV1, AccountUnfrozenV1, BalanceChangedV1 } from '@modules/accounts/contract';
import { InboxItemAddedV1 } from '@modules/notifications/contract';
import {
  PaymentCanceledV1,
  PaymentCreatedV1,
  PaymentFailedV1,
  PaymentProcessingV1,
  PaymentRefundedV1,
  PaymentReturnedV1,
  PaymentSucceededV1,
  type PaymentView,
} from '@modules/payments/contract';

/**
 * Which integration events reach users' open connections, and as what: one entry per event.
 * `userId` names the only user who receives it; `data` is all the client sees (ids, amounts,
 * statuses; never names, numbers or message content: the client reads those over HTTP with
 * its own access checks). A new event family (cards, orders) is one more entry
 * here and its context in the manifest's `dependsOn`: subscribers are made per topic from
 * this list (fan-out-event.event-handler.ts).
 */
export interface RealtimeEvent<D = unknown> {
  readonly event: EventDefinition<D>;
  /** The message name clients switch on (`event` of the frame), `<thing>.<what-happened>`. */
  readonly name: string;
  readonly userId: (data: D) => string;
  readonly data: (data: D) => Readonly<Record<string, unknown>>;
}

const realtimeEvent = <D>(entry: RealtimeEvent<D>): RealtimeEvent => entry as RealtimeEvent;

/**
 * A payment's change, to its owner (the payment view names no other user: a transfer's payee
 * hears of the money through its own balance.changed). No references, provider ids or URLs.
 */
const paymentEvent = (event: EventDefinition<{ payment: PaymentView }>, name: string): RealtimeEvent =>
  realtimeEvent({
    event,
    name: `payment.${name}`,
    userId: (d) => d.payment.ownerId,
    data: ({ payment: p }) => ({
      paymentId: p.id,
      kind: p.kind,
      method: p.method,
      state: p.state,
      accountId: p.accountId,
      amount: p.amount,
      currency: p.currency,
      refundedAmount: p.refundedAmount,
      failureCode: p.failureCode,
      updatedAt: p.updatedAt,
    }),
  });

export const REALTIME_EVENTS: readonly RealtimeEvent[] = [
  realtimeEvent({
    event: BalanceChangedV1,
    name: 'balance.changed',
    userId: (d) => d.ownerId,
    data: (d) => ({ accountId: d.accountId, currency: d.currency, transferId: d.transferId, asOf: d.asOf, balances: d.balances }),
  }),
  realtimeEvent({
    event: AccountFrozenV1,
    name: 'account.frozen',
    userId: (d) => d.ownerId,
    data: (d) => ({ accountId: d.accountId, at: d.at }),
  }),
  realtimeEvent({
    event: AccountUnfrozenV1,
    name: 'account.unfrozen',
    userId: (d) => d.ownerId,
    data: (d) => ({ accountId: d.accountId, at: d.at }),
  }),
  realtimeEvent({
    event: AccountClosedV1,
    name: 'account.closed',
    userId: (d) => d.ownerId,
    data: (d) => ({ accountId: d.accountId, closedAt: d.closedAt }),
  }),
  realtimeEvent({
    event: InboxItemAddedV1,
    name: 'notification.added',
    userId: (d) => d.userId,
    data: (d) => ({ itemId: d.itemId, category: d.category, createdAt: d.createdAt }),
  }),
  paymentEvent(PaymentCreatedV1, 'created'),
  paymentEvent(PaymentProcessingV1, 'processing'),
  paymentEvent(PaymentSucceededV1, 'succeeded'),
  paymentEvent(PaymentFailedV1, 'failed'),
  paymentEvent(PaymentCanceledV1, 'canceled'),
  paymentEvent(PaymentRefundedV1, 'refunded'),
  paymentEvent(PaymentReturnedV1, 'returned'),
];
