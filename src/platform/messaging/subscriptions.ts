import { SetMetadata } from '@nestjs/common';
import type { AnyEventDefinition, EventEnvelope } from '@shared-kernel';
import type { Tx } from '../database/unit-of-work';

export interface SubscriptionOptions {
  /** The consuming context: its schema holds the inbox, its consumer group reads Kafka. */
  readonly context: string;
  /** Stable name of this subscriber within the context; part of the inbox key. */
  readonly name: string;
  /**
   * The contract events handled, all of one topic (other types on it are acknowledged and
   * skipped). An event's data is parsed with its contract schema before the handler sees it.
   */
  readonly events: readonly AnyEventDefinition[];
}

/**
 * A subscriber's effect runs in the same transaction that records the event id in the
 * context's inbox, so a redelivered event has no second effect.
 */
export interface IntegrationEventHandler<TData = unknown> {
  handle(event: EventEnvelope<TData>, tx: Tx): Promise<void>;
}

export interface Subscription extends SubscriptionOptions {
  /** `<context>.<name>`, the inbox's consumer column. */
  readonly consumer: string;
  readonly topic: string;
  readonly types: readonly string[];
  readonly handler: IntegrationEventHandler;
}

export const SUBSCRIPTION_METADATA = Symbol('skyro:integration-event-subscription');

/** Marks a provider as a subscriber to integration events (found at boot by discovery). */
export const OnIntegrationEvent = (options: SubscriptionOptions): ClassDecorator => {
  const topics = new Set(options.events.map((e) => e.topic));
  if (topics.size !== 1)
    throw new Error(`subscriber ${options.context}.${options.name} must name events of one topic (got ${[...topics].join(', ') || 'none'})`);
  return SetMetadata(SUBSCRIPTION_METADATA, options);
};
