import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type IHeaders,
  type KafkaConfig as KafkaClientConfig,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { EventEnvelope } from '@shared-kernel';
import { APP_CONFIG, type AppConfig, type KafkaConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { EventDispatcher } from './event-dispatcher';
import { EventTransport, type OutboxRecord } from './event-transport';
import { describeError } from './in-process.transport';

/**
 * Publishes outbox records to Kafka (topic per event family, key = aggregate id) and runs
 * one consumer group per context for the subscribers of the contexts this process runs.
 * A delivery that exhausts its retries goes to `<topic>.dlq` with the error in headers.
 */
@Injectable()
export class KafkaTransport extends EventTransport {
  readonly kind = 'kafka' as const;
  private readonly logger = new Logger('KafkaTransport');
  private readonly kafka: Kafka;
  private readonly settings: KafkaConfig;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly consumers: Consumer[] = [];
  private readonly knownTopics = new Set<string>();
  private connected = false;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dispatcher: EventDispatcher,
    private readonly metrics: Metrics,
  ) {
    super();
    this.settings = config.kafka!;
    this.kafka = createKafka(this.settings, new Logger('kafkajs'));
    // Idempotent producer: broker-side dedup of retried sends; acks=all on every batch.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    this.admin = this.kafka.admin();
  }

  topicName(topic: string): string {
    return this.settings.topicPrefix + topic;
  }

  async start(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect()]);
    this.connected = true;
    const byContext = new Map<string, Set<string>>();
    for (const s of this.dispatcher.all()) {
      const topics = byContext.get(s.context) ?? new Set<string>();
      topics.add(s.topic);
      byContext.set(s.context, topics);
    }
    for (const [context, topics] of byContext) await this.startConsumer(context, [...topics]);
  }

  async publish(records: readonly OutboxRecord[]): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: string; headers: IHeaders }>>();
    for (const r of records) {
      const topic = this.topicName(r.topic);
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: r.aggregateId, value: r.payload, headers: { 'content-type': 'application/cloudevents+json' } });
      byTopic.set(topic, messages);
    }
    await this.ensureTopics([...byTopic.keys()]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async ping(timeoutMs: number): Promise<void> {
    if (!this.connected) throw new Error('Kafka client not connected');
    await withTimeout(this.admin.describeCluster(), timeoutMs, 'Kafka did not answer');
  }

  async stopConsumers(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.disconnect()));
  }

  async close(): Promise<void> {
    await this.stopConsumers();
    this.connected = false;
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async startConsumer(context: string, topics: string[]): Promise<void> {
    const groupId = `${this.settings.topicPrefix}skyro.${context}`;
    // maxWaitTimeInMs bounds how long an idle fetch (and so a disconnect on shutdown) waits.
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
    this.consumers.push(consumer);
    await this.ensureTopics(topics.flatMap((t) => [this.topicName(t), this.topicName(t) + '.dlq']));
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => this.topicName(t)), fromBeginning: true });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.metrics.kafkaConsumerLag.set({ group: groupId, topic: payload.topic, partition: String(payload.partition) }, Number(payload.offsetLag));
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const logicalTopic = topic.slice(this.settings.topicPrefix.length);
        const value = message.value?.toString('utf8') ?? '';
        let envelope: EventEnvelope;
        try {
          envelope = JSON.parse(value) as EventEnvelope;
          if (typeof envelope.id !== 'string' || typeof envelope.type !== 'string') throw new Error('not an event envelope');
        } catch (error) {
          await this.toDeadLetter(topic, message.key, value, `${context}.*`, describeError(error as Error), 0);
          return;
        }
        for (const subscription of this.dispatcher.matching(logicalTopic, envelope.type, context)) {
          const { outcome, failure } = await this.dispatcher.deliver(subscription, envelope);
          this.metrics.eventsDelivered.inc({ consumer: subscription.consumer, outcome });
          if (failure) {
            this.logger.error({ consumer: subscription.consumer, eventId: envelope.id, attempts: failure.attempts }, 'event dead-lettered');
            await this.toDeadLetter(topic, message.key, value, subscription.consumer, describeError(failure.error), failure.attempts);
          }
        }
      },
    });
  }

  private async toDeadLetter(topic: string, key: Buffer | null, value: string, consumer: string, error: string, attempts: number): Promise<void> {
    const dlq = topic + '.dlq';
    await this.ensureTopics([dlq]);
    await this.producer.send({
      topic: dlq,
      acks: -1,
      messages: [{ key, value, headers: { 'x-original-topic': topic, 'x-consumer': consumer, 'x-error': error, 'x-attempts': String(attempts) } }],
    });
  }

  private async ensureTopics(topics: string[]): Promise<void> {
    const missing = topics.filter((t) => !this.knownTopics.has(t));
    if (missing.length === 0) return;
    await createTopics(this.admin, missing, this.settings.partitions, this.settings.replicationFactor);
    for (const t of missing) this.knownTopics.add(t);
  }
}

/** How long a new topic may take to have a leader for each partition (a busy broker, a pod start storm). */
const TOPIC_READY_TIMEOUT_MS = 30_000;
/** What a KRaft broker answers about a topic created a moment ago, until its metadata settles. */
const NOT_READY_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Creates topics that do not exist yet (one created a moment earlier by another pod is fine)
 * and waits until every partition has a leader. kafkajs's own `waitForLeaders` gives up on the
 * first "does not host this topic-partition" a KRaft broker may answer right after creation
 * (tulios/kafkajs#1222), so the wait is ours and tolerates both answers.
 */
export async function createTopics(
  admin: Admin,
  topics: readonly string[],
  partitions: number,
  replicationFactor?: number,
  configEntries?: ReadonlyArray<{ name: string; value: string }>,
): Promise<void> {
  try {
    await admin.createTopics({
      waitForLeaders: false,
      timeout: TOPIC_READY_TIMEOUT_MS,
      topics: topics.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: replicationFactor ?? -1,
        configEntries: configEntries ? [...configEntries] : undefined,
      })),
    });
  } catch (error) {
    // Another pod created it a moment earlier: that is the outcome we wanted.
    const errors = (error as { errors?: Array<{ type?: string }> }).errors;
    if (!errors?.length || !errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) throw error;
  }
  await waitForLeaders(admin, topics);
}

async function waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (found.length === topics.length && found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (!NOT_READY_YET.has((error as { type?: string }).type ?? '')) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Kafka topics without a leader after ${TOPIC_READY_TIMEOUT_MS} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function createKafka(settings: KafkaConfig, logger: Logger): Kafka {
  return new Kafka(kafkaClientConfig(settings, logger));
}

/** The kafkajs client settings every part of the platform uses (events, the command bus). */
export function kafkaClientConfig(settings: KafkaConfig, logger: Logger): KafkaClientConfig {
  return {
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ssl: settings.ssl,
    sasl: settings.sasl as never,
    connectionTimeout: 3000,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      // kafkajs reports coordinator elections and rebalances as errors; they are retried.
      const line = { kafkajs: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) logger.warn({ ...line, msg: message });
      else logger.debug({ ...line, msg: message });
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
