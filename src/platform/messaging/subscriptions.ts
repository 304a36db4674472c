import { SetMetadata } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '../database/unit-of-work';

export interface SubscriptionOptions {
  /** The consuming context: its schema holds the inbox, its consumer group reads Kafka. */
  readonly context: string;
  /** Stable name of this subscriber within the context; part of the inbox key. */
  readonly name: string;
  readonly topic: string;
  /** Event types handled; other types on the topic are acknowledged and skipped. */
  readonly types: readonly string[];
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
  readonly handler: IntegrationEventHandler;
}

export const SUBSCRIPTION_METADATA = Symbol('skyro:integration-event-subscription');

/** Marks a provider as a subscriber to integration events (found at boot by discovery). */
export const OnIntegrationEvent = (options: SubscriptionOptions): ClassDecorator => SetMetadata(SUBSCRIPTION_METADATA, options);
