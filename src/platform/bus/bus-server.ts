import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Partitioners } from 'kafkajs';
import { DomainError, ValidationError, type ContractMessage } from '@shared-kernel';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { ContextManifest } from '../context-definition';
import { requestContext } from '../context/request-context';
import { ContextDatabases } from '../database/databases';
import { describeFault, infrastructureFault } from '../faults/infrastructure-fault';
import { fieldErrors } from '../http/zod-request';
import { Scheduler } from '../jobs/scheduler';
import { Metrics } from '../metrics/metrics';
import { createKafka, createTopics, kafkaClientConfig } from '../messaging/kafka.transport';
import { ConcurrentServerKafka } from './concurrent-server-kafka';
import { BUS_TOPIC_CONFIG, BusRequest, errorReply, replyTopic, requestTopic, type BusReply } from './bus-wire';
import { CommandLog } from './command-log';

export const SERVED_CONTEXTS = Symbol('SERVED_CONTEXTS');

/** Outcomes a retry may change: not recorded as a command's answer. */
const TRANSIENT = new Set<DomainError['kind']>(['unavailable', 'rate_limited']);
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Serves the commands and queries of the contexts this process runs to other processes:
 * one @nestjs/microservices Kafka server per context, consuming `skyro.bus.<context>` in
 * the group `skyro.bus.<context>` (so each request is handled by one pod of the
 * deployment). What arrives is parsed with the contract's schema before a handler sees
 * it, runs on the local bus in the caller's request context, and is answered on the reply
 * topic. A request past its deadline is not started (its caller gave up and answered 503).
 */
@Injectable()
export class BusServer {
  private readonly logger = new Logger('BusServer');
  private readonly servers: ConcurrentServerKafka[] = [];
  private readonly messages = new Map<string, { context: string; definition: ContractMessage }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVED_CONTEXTS) private readonly contexts: readonly ContextManifest[],
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly databases: ContextDatabases,
    private readonly metrics: Metrics,
    private readonly scheduler: Scheduler,
  ) {
    for (const context of contexts) {
      for (const definition of [...context.contract.commands, ...context.contract.queries])
        this.messages.set(definition.type, { context: context.name, definition });
    }
  }

  async start(): Promise<void> {
    const kafka = this.config.kafka;
    if (!kafka || this.contexts.length === 0) return;
    const admin = createKafka(kafka, new Logger('kafkajs')).admin();
    await admin.connect();
    try {
      const topics = this.contexts.flatMap((c) => [requestTopic(kafka.topicPrefix, c.name), replyTopic(kafka.topicPrefix, c.name)]);
      await createTopics(admin, topics, this.config.bus.partitions, kafka.replicationFactor, BUS_TOPIC_CONFIG);
    } finally {
      await admin.disconnect();
    }
    for (const context of this.contexts) {
      const server = new ConcurrentServerKafka(
        {
          client: kafkaClientConfig(kafka, new Logger('kafkajs')),
          consumer: { groupId: `${kafka.topicPrefix}skyro.bus.${context.name}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 },
          producer: { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
          // Requests that waited for this process (it was down) are read and answered "too late".
          subscribe: { fromBeginning: true },
          run: { partitionsConsumedConcurrently: this.config.bus.partitions },
        },
        this.config.bus.concurrency,
      );
      server.addHandler(requestTopic(kafka.topicPrefix, context.name), (data: unknown) => this.serve(context.name, data));
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the server's listen callback hands over what failed as it is
      await new Promise<void>((resolve, reject) => void server.listen((error?: unknown) => (error ? reject(error) : resolve())));
      this.servers.push(server);
    }
    this.scheduler.every('platform.prune-bus-commands', PRUNE_EVERY_MS, async () => {
      for (const context of this.contexts) await new CommandLog(this.databases.unitOfWork(context.name)).prune();
    });
    this.logger.log({ contexts: this.contexts.map((c) => c.name) }, 'serving commands and queries to other processes over Kafka');
  }

  /** Stops taking requests; those being handled finish and are answered. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => s.close()));
  }

  /** Handles one request; always answers (never throws), so the caller never waits for nothing. */
  async serve(context: string, data: unknown): Promise<BusReply> {
    const parsed = BusRequest.safeParse(data);
    if (!parsed.success) {
      this.metrics.busServed.inc({ context, type: 'unknown', outcome: 'invalid' });
      return errorReply(new ValidationError('The bus request is malformed', fieldErrors(parsed.error, '')));
    }
    const request = parsed.data;
    const count = (outcome: string) => this.metrics.busServed.inc({ context, type: request.type, outcome });
    if (Date.now() > request.deadline) {
      count('expired');
      return errorReply(
        new DomainError('unavailable', 'DEADLINE_EXCEEDED', 'The caller stopped waiting before this request was read', { retryAfterSeconds: 1 }),
      );
    }
    const entry = this.messages.get(request.type);
    if (!entry || entry.context !== context || entry.definition.kind !== request.kind) {
      count('invalid');
      return errorReply(new DomainError('unprocessable', 'UNKNOWN_CONTRACT_MESSAGE', `${context} does not serve ${request.type}`));
    }
    const payload = entry.definition.payload.safeParse(request.payload);
    if (!payload.success) {
      count('invalid');
      return errorReply(new ValidationError('The request has invalid fields', fieldErrors(payload.error, '')));
    }
    const message = new (entry.definition as unknown as new (p: unknown) => object)(payload.data);
    return requestContext.run({ requestId: request.requestId ?? request.id, traceId: request.traceId }, async () => {
      const reply =
        request.kind === 'query'
          ? await this.answer(() => this.queries.execute(message as never))
          : await this.runOnce(context, request, payload.data, message);
      count(reply.ok ? 'ok' : 'error');
      return reply;
    });
  }

  /** A repeat of a call gets the first answer; the command is not run again. */
  private async runOnce(context: string, request: BusRequest, payload: unknown, message: object): Promise<BusReply> {
    const log = new CommandLog(this.databases.unitOfWork(context));
    const fingerprint = CommandLog.fingerprint(request.type, payload);
    try {
      const first = await log.recorded(context, request.id, fingerprint);
      if (first) {
        this.metrics.busServed.inc({ context, type: request.type, outcome: 'replayed' });
        return first;
      }
    } catch (error) {
      return this.answer(() => Promise.reject(error));
    }
    const reply = await this.answer(() => this.commands.execute(message as never));
    // Outcomes a retry may change (the owner unavailable, an unexpected failure) are not the answer to keep.
    if (!reply.ok && (reply.error.internal || TRANSIENT.has(reply.error.kind))) return reply;
    try {
      return await log.record(context, request.id, request.type, fingerprint, reply);
    } catch (error) {
      // The effect happened; a redelivery will find it by the command's own ids.
      this.logger.warn({ context, callId: request.id, err: error }, 'could not record the answer of a served command');
      return reply;
    }
  }

  private async answer(run: () => Promise<unknown>): Promise<BusReply> {
    try {
      return { ok: true, result: await run() };
    } catch (error) {
      if (error instanceof DomainError) return errorReply(error);
      // The owner's database or cache is down: the caller answers 503 with its code, and retries.
      const fault = infrastructureFault(error);
      if (fault) {
        this.logger.warn({ code: fault.code, cause: describeFault(error) }, 'a served command or query met an infrastructure fault');
        return errorReply(fault);
      }
      this.logger.error({ err: error }, 'a served command or query failed unexpectedly');
      return {
        ok: false,
        error: { kind: 'unavailable', code: 'INTERNAL_ERROR', message: 'The owning context failed unexpectedly', details: {}, internal: true },
      };
    }
  }
}
