import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { PaymentFailedV1, PaymentRefundedV1, PaymentReturnedV1, type PaymentView } from '@modules/payments/contract';
import { PlanNotification, type NotificationRequest } from '../plan-notification/plan-notification';

/** Which payments events tell the customer, with which template. */
const TEMPLATES: Readonly<Record<string, string>> = {
  [PaymentFailedV1.type]: 'payment-failed',
  [PaymentReturnedV1.type]: 'payment-returned',
  [PaymentRefundedV1.type]: 'payment-refunded',
};

/** The template and variables (ids, amounts; never references, beneficiaries' names or numbers) of a payments event, to the payment's owner. */
export function paymentRequestOf(event: EventEnvelope): NotificationRequest | null {
  const template = TEMPLATES[event.type];
  if (!template) return null;
  const { payment: p } = event.data as { payment: PaymentView };
  return {
    id: event.id,
    userId: p.ownerId,
    template,
    variables: { paymentId: p.id, kind: p.kind, accountId: p.accountId, amount: p.amount, refundedAmount: p.refundedAmount, fee: p.fee, currency: p.currency },
  };
}

/** A failed payment, a returned payout and a refund become messages to the payment's owner, through the inbox (a redelivery sends nothing twice). */
@Injectable()
@OnIntegrationEvent({ context: 'notifications', name: 'payment-events', events: [PaymentFailedV1, PaymentReturnedV1, PaymentRefundedV1] })
export class OnPaymentEventEventHandler implements IntegrationEventHandler {
  constructor(private readonly planning: PlanNotification) {}

  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    const request = paymentRequestOf(event);
    if (request) await this.planning.plan(tx, request, 'record');
  }
}
