import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { PAYMENT_EVENTS } from '@modules/payments/contract';
import { eventTypeForSource } from '@modules/notifications/webhooks/domain/webhook-event-types';
import { FanOutEvent } from './fan-out-event';

/**
 * Payments' events (`payments.events`) become webhook messages for the endpoints that may
 * receive them (about the payment's owner). Subscribes to those the catalogue names
 * (payment.*); staff events (review required, reconciliation mismatches) stay inside.
 */
@Injectable()
@OnIntegrationEvent({ context: 'notifications', name: 'webhooks-payments', events: PAYMENT_EVENTS.filter((e) => eventTypeForSource(e.type)) })
export class OnPaymentsEventHandler implements IntegrationEventHandler {
  constructor(private readonly fanOut: FanOutEvent) {}

  handle(event: EventEnvelope, tx: Tx): Promise<void> {
    return this.fanOut.handle(event, tx);
  }
}
