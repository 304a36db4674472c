import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { Partitioners, type Kafka } from 'kafkajs';
import { firstValueFrom, timeout } from 'rxjs';
import { DomainError, newId, payloadOf, type ContractMessage } from '@shared-kernel';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { requestContext } from '../context/request-context';
import { Metrics } from '../metrics/metrics';
import { createKafka, createTopics, kafkaClientConfig } from '../messaging/kafka.transport';
import { withCoalescingProducers } from './coalescing-producer';
import { BUS_TOPIC_CONFIG, BusReply, contextUnavailable, raise, replyTopic, requestTopic, type BusRequest } from './bus-wire';

export const REMOTE_CONTEXTS = Symbol('REMOTE_CONTEXTS');

/**
 * Sends commands and queries of contexts this process does not run to the process that
 * does, over Kafka with @nestjs/microservices' Kafka client (request and reply). Callers
 * never see it: a remote context's contract messages are bound to handlers that call here
 * (remote-handlers.ts), so `commandBus.execute(...)` is the same call either way.
 *
 * Each call has an id (redeliveries and retries of a command have one effect on the
 * owner) and a deadline: past it, or when the owner or Kafka is down, the caller gets 503
 * CONTEXT_UNAVAILABLE with Retry-After. Domain errors come back as their stable codes and
 * are raised again here; the answer is parsed with the contract's result schema.
 */
@Injectable()
export class RemoteBus {
  private readonly logger = new Logger('RemoteBus');
  private client?: ClientKafka;
  private readonly instance = `${hostname()}.${process.pid}.${newId().slice(-8)}`;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REMOTE_CONTEXTS) private readonly contexts: readonly string[],
    private readonly metrics: Metrics,
  ) {}

  get enabled(): boolean {
    return this.contexts.length > 0;
  }

  async connect(): Promise<void> {
    if (!this.enabled) return;
    const kafka = this.config.kafka!;
    const admin = createKafka(kafka, new Logger('kafkajs')).admin();
    await admin.connect();
    try {
      const topics = this.contexts.flatMap((c) => [requestTopic(kafka.topicPrefix, c), replyTopic(kafka.topicPrefix, c)]);
      await createTopics(admin, topics, this.config.bus.partitions, kafka.replicationFactor, BUS_TOPIC_CONFIG);
    } finally {
      await admin.disconnect();
    }
    this.client = new CoalescingClientKafka({
      client: kafkaClientConfig(kafka, new Logger('kafkajs')),
      // Replies go to the partition this process was assigned; a group of its own keeps
      // every process assigned, however many pods call the same context.
      consumer: { groupId: `${kafka.topicPrefix}skyro.bus.replies.${this.instance}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 },
      producer: { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
      run: { partitionsConsumedConcurrently: this.config.bus.partitions },
      subscribe: { fromBeginning: false },
    });
    for (const context of this.contexts) this.client.subscribeToResponseOf(requestTopic(kafka.topicPrefix, context));
    await this.client.connect();
    this.logger.log({ contexts: this.contexts }, 'reaching contexts in other processes over Kafka');
  }

  /**
   * The Kafka key of this process's requests: one partition at a time (it changes every
   * second). kafkajs consumers answer a burst spread over many partitions several times
   * slower than the same burst in one (measured in bench:bus: 14 ms against 4 ms one-way at
   * 400/s); callers still spread over the owner's pods — by process and by second.
   */
  private partitionKey(): string {
    return `${this.instance}:${Math.floor(Date.now() / 1000)}`;
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }

  /** Sends one contract message to the context that owns it and waits for its answer. */
  async call<R>(context: string, message: object): Promise<R> {
    const definition = message.constructor as ContractMessage;
    const ctx = requestContext.current();
    const started = process.hrtime.bigint();
    const request: BusRequest = {
      id: newId(),
      kind: definition.kind,
      type: definition.type,
      payload: payloadOf(message),
      deadline: Date.now() + this.config.bus.callTimeoutMs,
      requestId: ctx?.requestId ?? null,
      traceId: ctx?.traceId ?? null,
    };
    let outcome = 'ok';
    try {
      if (!this.client) throw contextUnavailable(context, 'not connected to Kafka');
      let answer: unknown;
      try {
        answer = await firstValueFrom(
          this.client
            .send(requestTopic(this.config.kafka!.topicPrefix, context), {
              key: this.partitionKey(),
              value: request,
              headers: { 'x-request-id': request.requestId ?? request.id, 'content-type': 'application/json' },
            })
            .pipe(timeout({ first: this.config.bus.callTimeoutMs })),
        );
      } catch (error) {
        outcome = 'unavailable';
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        const why = timedOut ? `no answer within ${this.config.bus.callTimeoutMs} ms` : 'Kafka refused the request';
        this.logger.warn({ context, type: request.type, callId: request.id, ...(timedOut ? {} : { err: error }) }, `remote call failed: ${why}`);
        throw contextUnavailable(context, why);
      }
      const reply = BusReply.safeParse(answer);
      if (!reply.success) {
        outcome = 'malformed';
        this.logger.error({ context, type: request.type, callId: request.id }, 'remote answer is not a bus reply');
        throw contextUnavailable(context, 'it gave an answer this version does not understand');
      }
      if (!reply.data.ok) {
        outcome = 'error';
        raise(context, reply.data.error);
      }
      const result = definition.result.safeParse(reply.data.result);
      if (!result.success) {
        outcome = 'malformed';
        this.logger.error(
          { context, type: request.type, callId: request.id, issues: result.error.issues.slice(0, 5) },
          'remote answer does not match the contract',
        );
        throw contextUnavailable(context, 'its answer does not match the contract');
      }
      return result.data as R;
    } catch (error) {
      if (!(error instanceof DomainError)) outcome = 'failed';
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.busCallDuration.observe({ context, type: request.type, outcome }, seconds);
    }
  }
}

/** @nestjs/microservices' Kafka client whose requests sent at the same moment share one produce request. */
class CoalescingClientKafka extends ClientKafka {
  override async createClient<T = unknown>(): Promise<T> {
    return withCoalescingProducers(await super.createClient<Kafka>()) as T;
  }
}
