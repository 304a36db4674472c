import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { NotificationRequested } from '@modules/identity/contract';
import { PlanNotification } from '../plan-notification/plan-notification';

interface NotificationRequestedData {
  notificationId: string;
  userId: string;
  template: string;
  channel: 'email';
}

/**
 * identity's requests (verification, password reset, account exists, password changed):
 * queued in the transaction that records the event in the inbox, keyed by identity's
 * notification id. The event carries ids only; the address and token are fetched from
 * identity when the message is rendered (ADR 0007).
 */
@Injectable()
@OnIntegrationEvent({ context: 'notifications', name: 'identity-requests', events: [NotificationRequested] })
export class OnNotificationRequestedEventHandler implements IntegrationEventHandler<NotificationRequestedData> {
  constructor(private readonly planning: PlanNotification) {}

  async handle(event: EventEnvelope<NotificationRequestedData>, tx: Tx): Promise<void> {
    const { notificationId, userId, template, channel } = event.data;
    await this.planning.plan(tx, { id: notificationId, userId, template, variables: { notificationId }, channels: [channel] }, 'record');
  }
}
