import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Cache } from '../cache/cache';
import { ContextDatabases } from '../database/databases';
import { ACTIVE_CONTEXTS } from '../platform.tokens';
import { EventDispatcher } from '../messaging/event-dispatcher';
import { EventTransport } from '../messaging/event-transport';
import { OutboxRelay } from '../messaging/outbox-relay';
import { Scheduler } from '../jobs/scheduler';

export type LifecycleState = 'starting' | 'ready' | 'stopping';

/**
 * Orders start-up and shutdown of the moving parts, which Nest's per-module hooks alone
 * would not: consumers and relay start only after every module is initialised; on
 * shutdown, consumers stop first, then the relay flushes, then connections close.
 */
@Injectable()
export class Lifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');
  state: LifecycleState = 'starting';

  constructor(
    @Inject(ACTIVE_CONTEXTS) private readonly contexts: readonly string[],
    private readonly dispatcher: EventDispatcher,
    private readonly transport: EventTransport,
    private readonly relay: OutboxRelay,
    private readonly cache: Cache,
    private readonly databases: ContextDatabases,
    private readonly scheduler: Scheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.databases.dataSource().isInitialized) return; // constructed offline, e.g. to write openapi.json
    this.dispatcher.discover();
    await this.transport.start();
    this.relay.start(this.contexts);
    this.state = 'ready';
    this.logger.log({ contexts: this.contexts, transport: this.transport.kind, cache: this.cache.kind }, 'platform started');
  }

  /** Readiness turns 503 from here on, so the load balancer stops sending traffic. */
  beginShutdown(): void {
    this.state = 'stopping';
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.state = 'stopping';
    await this.scheduler.stop();
    await this.transport.stopConsumers();
    await this.relay.stop();
    await this.transport.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
    await this.databases.destroy();
  }
}
