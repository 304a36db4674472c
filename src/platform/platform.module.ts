import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { Pool } from 'pg';
import type { Logger as Pino } from 'pino';
import { DataSource } from 'typeorm';
import { AccessTokenStrategy } from './auth/access-token.strategy';
import { AccessTokens } from './auth/access-tokens';
import { AuthGuard } from './auth/auth.guard';
import { KeyRing } from './auth/key-ring';
import { PermissionCheck } from './auth/permission-check';
import { Permissions } from './auth/permissions';
import { SessionStore } from './auth/sessions';
import { Cache } from './cache/cache';
import { MemoryCache } from './cache/memory.cache';
import { RedisCache } from './cache/redis.cache';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import type { ContextManifest } from './context-definition';
import { APP_ROLE } from './database/context-schema';
import { ContextDatabases, migrateDatabases, planDatabases } from './database/databases';
import { UnitOfWork } from './database/unit-of-work';
import { HealthHttpController } from './health/health.http-controller';
import { RateLimiter } from './http/rate-limiter';
import { Scheduler } from './jobs/scheduler';
import { BusServer, SERVED_CONTEXTS } from './bus/bus-server';
import { REMOTE_CONTEXTS, RemoteBus } from './bus/remote-bus';
import { remoteHandlers } from './bus/remote-handlers';
import { Clock } from './clock';
import { Lifecycle } from './lifecycle/lifecycle';
import { EventDispatcher } from './messaging/event-dispatcher';
import { EventTransport } from './messaging/event-transport';
import { InProcessTransport } from './messaging/in-process.transport';
import { KafkaTransport } from './messaging/kafka.transport';
import { Outbox } from './messaging/outbox';
import { OutboxRelay } from './messaging/outbox-relay';
import { OutboxSignal } from './messaging/outbox-signal';
import { Metrics } from './metrics/metrics';
import { MetricsHttpController } from './metrics/metrics.http-controller';
import { ACTIVE_CONTEXTS, BACKGROUND_WORK, ROOT_LOGGER } from './platform.tokens';
import { workQueueImports, workQueueProviders } from './work-queue/work-queue.providers';
import { WorkQueues } from './work-queue/work-queues';

export interface PlatformOptions {
  readonly config: AppConfig;
  /** The contexts this process runs. */
  readonly contexts: readonly ContextManifest[];
  /** Every context of the codebase (permissions, and the contracts of those run elsewhere). */
  readonly available: readonly ContextManifest[];
  /** Contexts the running ones depend on that run in other processes (reached over Kafka). */
  readonly remote: readonly ContextManifest[];
  readonly logger: Pino;
  /** false: build the application without touching Postgres, Redis or Kafka (openapi.json). */
  readonly connect: boolean;
  /**
   * Default true. false: a one-off task (the CLI) that uses the contexts' use cases and
   * starts nothing in the background (BACKGROUND_WORK).
   */
  readonly background?: boolean;
}

/** The plumbing every module uses and no module owns. Global: modules just inject. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, contexts, available, remote, logger, connect } = options;
    const settings = contexts.flatMap((c) => {
      if (!c.config) return [];
      if (!config.contextSettings.has(c.name)) throw new Error(`the configuration was loaded without the ${c.name} context: pass the contexts to loadConfig`);
      return [{ provide: c.config.token, useValue: config.contextSettings.get(c.name) }];
    });
    return {
      module: PlatformModule,
      imports: [DiscoveryModule, TerminusModule.forRoot({ errorLogStyle: 'json' }), CqrsModule.forRoot(), ...workQueueImports(config)],
      controllers: [HealthHttpController, MetricsHttpController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ACTIVE_CONTEXTS, useValue: contexts.map((c) => c.name) },
        { provide: BACKGROUND_WORK, useValue: options.background ?? true },
        { provide: ROOT_LOGGER, useValue: logger },
        { provide: Permissions, useValue: new Permissions(available.flatMap((c) => (c.permissions ? [c.permissions] : []))) },
        ...settings,
        Metrics,
        {
          provide: ContextDatabases,
          inject: [Metrics],
          useFactory: async (metrics: Metrics) => {
            const plans = planDatabases(config.database.url ?? 'postgres://offline/offline', contexts, config.database.contextUrls);
            // Migrations run as the login user; the app's own pools run as the app role.
            if (connect && config.database.migrateOnBoot) await migrateDatabases(plans, logger);
            const pools = new Map<string, Pool>();
            const databases = ContextDatabases.create(
              plans,
              {
                poolMax: config.database.poolMax,
                statementTimeoutMs: config.database.statementTimeoutMs,
                connectTimeoutMs: config.database.connectTimeoutMs,
                role: config.database.useAppRole ? APP_ROLE : undefined,
                entities: contexts.flatMap((c) => c.entities ?? []),
              },
              (database, pool) => pools.set(database, pool),
            );
            if (!connect) return databases;
            await databases.initialize();
            const sample = (read: (pool: Pool) => number) => () => new Map([...pools].map(([name, pool]) => [name, read(pool)]));
            metrics.sampledGaugeBy(
              'skyro_db_pool_connections',
              'Open connections in the Postgres pool',
              'database',
              sample((p) => p.totalCount),
            );
            metrics.sampledGaugeBy(
              'skyro_db_pool_idle_connections',
              'Idle connections in the Postgres pool',
              'database',
              sample((p) => p.idleCount),
            );
            metrics.sampledGaugeBy(
              'skyro_db_pool_waiting_clients',
              'Queries waiting for a pooled connection',
              'database',
              sample((p) => p.waitingCount),
            );
            return databases;
          },
        },
        { provide: DataSource, inject: [ContextDatabases], useFactory: (databases: ContextDatabases) => databases.dataSource() },
        { provide: UnitOfWork, inject: [ContextDatabases], useFactory: (databases: ContextDatabases) => databases.unitOfWork() },
        {
          provide: Cache,
          useFactory: async () => {
            if (!config.redisUrl) return new MemoryCache();
            const cache = new RedisCache(config.redisUrl, config.redisKeyPrefix);
            if (connect) await cache.connect();
            return cache;
          },
        },
        {
          provide: KeyRing,
          useFactory: async () => {
            const { signingKeys, verificationKeys, keysFile } = config.auth;
            if (signingKeys || verificationKeys.length) return KeyRing.fromJwks(signingKeys ?? [], verificationKeys);
            // No keys configured (never in production, see loadConfig): tests get a fresh
            // key per process, development keeps one beside the embedded database.
            if (config.env === 'test') return (await KeyRing.generate()).ring;
            return KeyRing.persistent(keysFile, (previous) =>
              logger.warn(
                { file: keysFile, previous },
                'development signing key replaced by a new ES256 (P-256) key: access tokens signed with the old key are void, sign in again',
              ),
            );
          },
        },
        AccessTokens,
        AccessTokenStrategy,
        SessionStore,
        { provide: APP_GUARD, useClass: AuthGuard },
        PermissionCheck,
        RateLimiter,
        Scheduler,
        ...workQueueProviders,
        Clock,
        OutboxSignal,
        Outbox,
        EventDispatcher,
        { provide: EventTransport, useClass: config.kafka ? KafkaTransport : InProcessTransport },
        OutboxRelay,
        { provide: REMOTE_CONTEXTS, useValue: remote.map((c) => c.name) },
        RemoteBus,
        ...remote.flatMap(remoteHandlers),
        { provide: SERVED_CONTEXTS, useValue: config.kafka && config.bus.serve ? contexts : [] },
        BusServer,
        Lifecycle,
      ],
      exports: [
        APP_CONFIG,
        ACTIVE_CONTEXTS,
        ROOT_LOGGER,
        Metrics,
        ContextDatabases,
        DataSource,
        UnitOfWork,
        Cache,
        Outbox,
        EventTransport,
        OutboxRelay,
        Lifecycle,
        KeyRing,
        AccessTokens,
        AccessTokenStrategy,
        SessionStore,
        Permissions,
        RateLimiter,
        Scheduler,
        WorkQueues,
        Clock,
        ...settings.map((s) => s.provide),
      ],
    };
  }
}

/**
 * A context's module as the platform mounts it: its providers see the UnitOfWork and
 * DataSource of the context's own database (shared or `<NAME>_DATABASE_URL`), so its
 * repositories, jobs and idempotency keys all live where its schema lives.
 */
export function contextModule(context: ContextManifest): DynamicModule {
  return {
    module: context.module,
    providers: [
      { provide: UnitOfWork, inject: [ContextDatabases], useFactory: (databases: ContextDatabases) => databases.unitOfWork(context.name) },
      { provide: DataSource, inject: [ContextDatabases], useFactory: (databases: ContextDatabases) => databases.dataSource(context.name) },
    ],
  };
}
