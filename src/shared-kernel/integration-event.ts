/**
 * Integration events are the wire format between bounded contexts. They cross Kafka,
 * so they carry plain data and a versioned type string, never classes with behaviour.
 */
export interface IntegrationEvent<TData = unknown> {
  /** Versioned type, `<context>.<event-name>.v<N>`, e.g. `ledger.transfer-posted.v1`. */
  readonly type: string;
  /** Kafka topic of the event family, e.g. `transactions.created`. */
  readonly topic: string;
  /** The aggregate the event is about; Kafka key, so one aggregate's events stay ordered. */
  readonly aggregateId: string;
  readonly data: TData;
}

/** CloudEvents-style envelope written to the outbox and published as the Kafka value. */
export interface EventEnvelope<TData = unknown> {
  readonly specversion: '1.0';
  /** Unique event id (UUIDv7); consumers record it in their inbox to drop redeliveries. */
  readonly id: string;
  readonly type: string;
  /** Producing context, e.g. `skyro-core/ledger`. */
  readonly source: string;
  /** The aggregate id (CloudEvents `subject`). */
  readonly subject: string;
  readonly occurredAt: string;
  readonly traceId: string | null;
  readonly requestId: string | null;
  readonly datacontenttype: 'application/json';
  readonly data: TData;
}
