/** One outbox row as the relay hands it to a transport. */
export interface OutboxRecord {
  readonly id: string;
  readonly topic: string;
  readonly aggregateId: string;
  /** The envelope as JSON text, published as is. */
  readonly payload: string;
}

/**
 * Carries integration events from the outbox to subscribers: Kafka when configured,
 * otherwise straight to the in-process subscribers. Two implementations, one contract.
 */
export abstract class EventTransport {
  abstract readonly kind: 'kafka' | 'in-process';
  /** Resolves once every record is durably handed on; rejects to keep them in the outbox. */
  abstract publish(records: readonly OutboxRecord[]): Promise<void>;
  abstract start(): Promise<void>;
  /** Stops consuming; publishing stays possible until close() so the relay can flush. */
  abstract stopConsumers(): Promise<void>;
  abstract close(): Promise<void>;
}
