import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry and the platform's own instruments. One registry per
 * application instance (not prom-client's global one), so tests can run several apps.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly outboxPending = new Gauge({
    name: 'skyro_outbox_pending_events',
    help: 'Events in a context outbox not yet published',
    labelNames: ['context'] as const,
    registers: [this.registry],
  });

  readonly outboxLag = new Gauge({
    name: 'skyro_outbox_lag_seconds',
    help: 'Age of the oldest unpublished event in a context outbox (0 when empty)',
    labelNames: ['context'] as const,
    registers: [this.registry],
  });

  readonly outboxPublished = new Counter({
    name: 'skyro_outbox_published_events_total',
    help: 'Events the relay published from an outbox',
    labelNames: ['context', 'transport'] as const,
    registers: [this.registry],
  });

  readonly outboxPublishFailures = new Counter({
    name: 'skyro_outbox_publish_failures_total',
    help: 'Relay batches that failed to publish and will be retried',
    labelNames: ['context', 'transport'] as const,
    registers: [this.registry],
  });

  readonly eventsDelivered = new Counter({
    name: 'skyro_events_delivered_total',
    help: 'Integration events delivered to subscribers, by outcome (handled, duplicate, failed)',
    labelNames: ['consumer', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly kafkaConsumerLag = new Gauge({
    name: 'skyro_kafka_consumer_lag',
    help: 'Messages between the last processed offset and the high watermark',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [this.registry],
  });

  readonly busCallDuration = new Histogram({
    name: 'skyro_bus_call_duration_seconds',
    help: 'Commands and queries sent to a context in another process, by context, type and outcome (ok, error, unavailable, malformed)',
    labelNames: ['context', 'type', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly busServed = new Counter({
    name: 'skyro_bus_served_total',
    help: 'Commands and queries this process served to other processes, by context, type and outcome (ok, error, replayed, expired, invalid)',
    labelNames: ['context', 'type', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges read at scrape time from a callback (DB pool, for instance). */
  sampledGauge(name: string, help: string, sample: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(sample());
      },
    });
  }

  /** A gauge read at scrape time, one series per label value (e.g. per database). */
  sampledGaugeBy(name: string, help: string, label: string, sample: () => ReadonlyMap<string, number>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        for (const [value, n] of sample()) this.set({ [label]: value }, n);
      },
    });
  }
}
