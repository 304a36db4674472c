import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { EventEnvelope } from '@shared-kernel';
import { Clock } from '@platform/clock';
import type { Tx } from '@platform/database/unit-of-work';
import { GetClientAccessQuery, type ClientAccessView } from '@modules/identity/contract';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { eventTypeForSource, mayReceive } from '@modules/notifications/webhooks/domain/webhook-event-types';
import { WebhookRepository } from '@modules/notifications/webhooks/infrastructure/webhook.repository';
import { DeliverWebhooksJob } from '../deliver-webhooks/deliver-webhooks.job';

/**
 * Turns one integration event into one webhook message per endpoint that subscribed to its
 * public type and whose client may receive it (mayReceive: identity answers, at this moment,
 * whether the client is active, its scopes and whether the event's user authorized it).
 * Runs in the consumer's inbox transaction: a redelivered event adds nothing.
 */
@Injectable()
export class FanOutEvent {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly queries: QueryBus,
    private readonly delivery: DeliverWebhooksJob,
    private readonly clock: Clock,
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
  ) {}

  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    const type = eventTypeForSource(event.type);
    if (!type) return;
    const endpoints = await this.repository.subscribedEndpoints(tx, type.type);
    if (endpoints.length === 0) return;
    const data = (event.data ?? {}) as Record<string, unknown>;
    const userId = type.userOf(data);
    const projected = type.project(data);
    const access = new Map<string, ClientAccessView | null>();
    const at = new Date(this.clock.now());
    let enqueued = 0;
    for (const endpoint of endpoints) {
      if (!access.has(endpoint.clientId))
        access.set(endpoint.clientId, await this.queries.execute(new GetClientAccessQuery({ clientId: endpoint.clientId, ...(userId ? { userId } : {}) })));
      const client = access.get(endpoint.clientId);
      if (!client || !mayReceive(client, type, userId)) continue;
      const message = await this.repository.enqueue(tx, {
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: type.type,
        at,
        maxPayloadBytes: this.config.webhooks.maxPayloadBytes,
        payloadOf: (sequence) => JSON.stringify({ type: type.type, timestamp: event.occurredAt, sequence: Number(sequence), data: projected }),
      });
      if (message) enqueued++;
    }
    if (enqueued > 0) tx.afterCommit(() => this.delivery.kick());
  }
}
