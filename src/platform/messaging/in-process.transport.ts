import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import { UnitOfWork } from '../database/unit-of-work';
import { Metrics } from '../metrics/metrics';
import { EventDispatcher, type FailedDelivery } from './event-dispatcher';
import { EventTransport, type OutboxRecord } from './event-transport';

/** Without Kafka, the relay hands each event straight to this process's subscribers. */
@Injectable()
export class InProcessTransport extends EventTransport {
  readonly kind = 'in-process' as const;
  private readonly logger = new Logger('InProcessTransport');

  constructor(
    private readonly dispatcher: EventDispatcher,
    private readonly uow: UnitOfWork,
    private readonly metrics: Metrics,
  ) {
    super();
  }

  async publish(records: readonly OutboxRecord[]): Promise<void> {
    // In order: one aggregate's events reach a subscriber in the order they were written.
    for (const record of records) {
      // Most topics have no subscriber in a given process: do not parse what nobody reads.
      if (!this.dispatcher.hasSubscribers(record.topic)) continue;
      const envelope = JSON.parse(record.payload) as EventEnvelope;
      for (const subscription of this.dispatcher.matching(record.topic, envelope.type)) {
        const { outcome, failure } = await this.dispatcher.deliver(subscription, envelope);
        this.metrics.eventsDelivered.inc({ consumer: subscription.consumer, outcome });
        if (failure) await this.deadLetter(record, failure);
      }
    }
  }

  private async deadLetter(record: OutboxRecord, failure: FailedDelivery): Promise<void> {
    this.logger.error({ consumer: failure.subscription.consumer, eventId: failure.envelope.id, attempts: failure.attempts }, 'event dead-lettered');
    await this.uow.query(
      `insert into platform.dead_letters (consumer, event_id, topic, event_type, payload, error, attempts)
       values ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
      [failure.subscription.consumer, failure.envelope.id, record.topic, failure.envelope.type, record.payload, describeError(failure.error), failure.attempts],
    );
  }

  async start(): Promise<void> {}
  async stopConsumers(): Promise<void> {}
  async close(): Promise<void> {}
}

export function describeError(error: Error): string {
  return `${error.name}: ${error.message}`.slice(0, 1000);
}
