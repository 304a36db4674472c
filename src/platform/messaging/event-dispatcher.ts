import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EventEnvelope } from '@shared-kernel';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { requestContext } from '../context/request-context';
import { ContextDatabases } from '../database/databases';
import { describeFault, isInfrastructureFault } from '../faults/infrastructure-fault';
import { schemaName } from './sql-identifier';
import { SUBSCRIPTION_METADATA, type IntegrationEventHandler, type Subscription, type SubscriptionOptions } from './subscriptions';

/** How long a delivery keeps retrying in place while the database is unavailable, before it is given up to be redone. */
const INFRASTRUCTURE_PATIENCE_MS = 30_000;
const INFRASTRUCTURE_RETRY_MAX_MS = 2_000;

export type DeliveryOutcome = 'handled' | 'duplicate' | 'failed';

export interface FailedDelivery {
  readonly subscription: Subscription;
  readonly envelope: EventEnvelope;
  readonly error: Error;
  readonly attempts: number;
}

/**
 * Finds the subscribers of the contexts this process runs and delivers events to them,
 * once each (inbox), with retries and backoff. Both transports (Kafka and in-process)
 * deliver through here, so a handler behaves the same whichever carries the event.
 */
@Injectable()
export class EventDispatcher {
  private readonly logger = new Logger('EventDispatcher');
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly databases: ContextDatabases,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Collects the subscribers of the loaded modules; called once all modules are initialised. */
  discover(): void {
    this.subscriptions = this.discovery.getProviders().flatMap((wrapper) => {
      const options = wrapper.metatype ? (Reflect.getMetadata(SUBSCRIPTION_METADATA, wrapper.metatype) as SubscriptionOptions | undefined) : undefined;
      if (!options || !wrapper.instance) return [];
      schemaName(options.context);
      return [
        {
          ...options,
          consumer: `${options.context}.${options.name}`,
          topic: options.events[0]!.topic,
          types: options.events.map((e) => e.type),
          handler: wrapper.instance as IntegrationEventHandler,
        },
      ];
    });
  }

  hasSubscribers(topic: string): boolean {
    return this.subscriptions.some((s) => s.topic === topic);
  }

  all(): readonly Subscription[] {
    return this.subscriptions;
  }

  matching(topic: string, type: string, context?: string): Subscription[] {
    return this.subscriptions.filter((s) => s.topic === topic && s.types.includes(type) && (context === undefined || s.context === context));
  }

  /**
   * Delivers with retries; a delivery that still fails is returned for dead-lettering. An
   * event whose data does not match its contract is dead-lettered at once: no retry fixes it.
   */
  async deliver(subscription: Subscription, received: EventEnvelope): Promise<{ outcome: DeliveryOutcome; failure?: FailedDelivery }> {
    const definition = subscription.events.find((e) => e.type === received.type)!;
    const data = definition.data.safeParse(received.data);
    if (!data.success) {
      const error = new Error(
        `event data does not match ${received.type}: ${data.error.issues.map((i) => `${i.path.join('.') || 'data'} ${i.message}`).join('; ')}`.slice(0, 1000),
      );
      this.logger.warn({ consumer: subscription.consumer, eventId: received.id, type: received.type }, 'event does not match its contract');
      return { outcome: 'failed', failure: { subscription, envelope: received, error, attempts: 0 } };
    }
    const envelope: EventEnvelope = { ...received, data: data.data };
    const { maxAttempts, retryBaseMs } = this.config.consumers;
    let faultsSince: number | undefined;
    let faults = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.deliverOnce(subscription, envelope);
        return { outcome };
      } catch (error) {
        // The database (or cache) being down is not the event's fault: it spends no attempt
        // and is never dead-lettered. Past a while the delivery is given up (thrown): the
        // transport delivers it again later (Kafka from the committed offset, the relay from
        // the outbox rows it did not delete), and the inbox drops what was already handled.
        if (isInfrastructureFault(error)) {
          faultsSince ??= Date.now();
          if (Date.now() - faultsSince > INFRASTRUCTURE_PATIENCE_MS) throw error;
          if (faults++ % 10 === 0)
            this.logger.warn(
              { consumer: subscription.consumer, eventId: envelope.id, cause: describeFault(error) },
              'event delivery waits for the infrastructure',
            );
          attempt--;
          await sleep(Math.min(INFRASTRUCTURE_RETRY_MAX_MS, retryBaseMs * 2 ** Math.min(faults, 10)));
          continue;
        }
        const err = error instanceof Error ? error : new Error(String(error));
        this.logger.warn({ consumer: subscription.consumer, eventId: envelope.id, type: envelope.type, attempt, err }, 'event handler failed');
        if (attempt >= maxAttempts) {
          return { outcome: 'failed', failure: { subscription, envelope, error: err, attempts: attempt } };
        }
        await sleep(retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      }
    }
  }

  private deliverOnce(subscription: Subscription, envelope: EventEnvelope): Promise<DeliveryOutcome> {
    // The handler's logs and the events it appends carry the producing request's ids.
    const context = { requestId: envelope.requestId ?? envelope.id, traceId: envelope.traceId };
    return requestContext.run(context, () =>
      this.databases.unitOfWork(subscription.context).run(async (tx) => {
        const inserted = await tx.query(`insert into ${subscription.context}.inbox (consumer, event_id) values ($1, $2) on conflict do nothing`, [
          subscription.consumer,
          envelope.id,
        ]);
        if (inserted.rowCount === 0) return 'duplicate';
        await subscription.handler.handle(envelope, tx);
        return 'handled';
      }),
    );
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
