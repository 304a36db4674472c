import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BusServer } from '../bus/bus-server';
import { RemoteBus } from '../bus/remote-bus';
import { Cache } from '../cache/cache';
import { ContextDatabases } from '../database/databases';
import { ACTIVE_CONTEXTS, BACKGROUND_WORK } from '../platform.tokens';
import { EventDispatcher } from '../messaging/event-dispatcher';
import { EventTransport } from '../messaging/event-transport';
import { OutboxRelay } from '../messaging/outbox-relay';
import { Scheduler } from '../jobs/scheduler';
import { WorkQueues } from '../work-queue/work-queues';

export type LifecycleState = 'starting' | 'ready' | 'stopping';

/**
 * Orders start-up and shutdown of the moving parts, which Nest's per-module hooks alone
 * would not: the bus client, consumers, relay and bus server start only after every
 * module is initialised; on shutdown, the bus server stops taking requests first, then
 * jobs and consumers stop, the relay flushes, and connections close.
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
    private readonly busServer: BusServer,
    private readonly remoteBus: RemoteBus,
    private readonly workQueues: WorkQueues,
    @Inject(BACKGROUND_WORK) private readonly background: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.databases.dataSource().isInitialized) return; // constructed offline, e.g. to write openapi.json
    if (!this.background) {
      // A one-off task (the CLI): what it appends to an outbox waits there for a server's relay.
      this.state = 'ready';
      return;
    }
    this.dispatcher.discover();
    await this.remoteBus.connect();
    await this.transport.start();
    this.relay.start(this.contexts);
    await this.busServer.start();
    this.workQueues.start();
    this.state = 'ready';
    this.logger.log({ contexts: this.contexts, transport: this.transport.kind, cache: this.cache.kind }, 'platform started');
  }

  /** Readiness turns 503 from here on, so the load balancer stops sending traffic. */
  beginShutdown(): void {
    this.state = 'stopping';
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.state = 'stopping';
    await this.busServer.stop();
    await this.scheduler.stop();
    await this.workQueues.stop(); // running jobs finish while the pools and the relay still serve them
    await this.transport.stopConsumers();
    await this.relay.stop();
    await this.transport.close();
    await this.remoteBus.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.workQueues.close();
    await this.cache.close();
    await this.databases.destroy();
  }
}
