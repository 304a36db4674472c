import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger as Pino } from 'pino';
import { DataSource } from 'typeorm';
import { AccessTokenStrategy } from './auth/access-token.strategy';
import { AccessTokens } from './auth/access-tokens';
import { AuthGuard } from './auth/auth.guard';
import { KeyRing } from './auth/key-ring';
import { SessionStore } from './auth/sessions';
import { Cache } from './cache/cache';
import { MemoryCache } from './cache/memory.cache';
import { RedisCache } from './cache/redis.cache';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import type { ContextDefinition } from './context-definition';
import { APP_ROLE } from './database/context-schema';
import { createDataSource, pgPool } from './database/data-source';
import { runMigrations } from './database/migrate';
import { UnitOfWork } from './database/unit-of-work';
import { HealthHttpController } from './health/health.http-controller';
import { RateLimiter } from './http/rate-limiter';
import { Scheduler } from './jobs/scheduler';
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
import { ACTIVE_CONTEXTS, ROOT_LOGGER } from './platform.tokens';

export interface PlatformOptions {
  readonly config: AppConfig;
  readonly contexts: readonly ContextDefinition[];
  readonly logger: Pino;
  /** false: build the application without touching Postgres, Redis or Kafka (openapi.json). */
  readonly connect: boolean;
}

/** The plumbing every module uses and no module owns. Global: modules just inject. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, contexts, logger, connect } = options;
    return {
      module: PlatformModule,
      imports: [DiscoveryModule, TerminusModule.forRoot({ errorLogStyle: 'json' }), CqrsModule.forRoot()],
      controllers: [HealthHttpController, MetricsHttpController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ACTIVE_CONTEXTS, useValue: contexts.map((c) => c.name) },
        { provide: ROOT_LOGGER, useValue: logger },
        Metrics,
        {
          provide: DataSource,
          inject: [Metrics],
          useFactory: async (metrics: Metrics) => {
            const settings = {
              url: config.database.url ?? 'postgres://offline/offline',
              poolMax: config.database.poolMax,
              statementTimeoutMs: config.database.statementTimeoutMs,
            };
            if (connect && config.database.migrateOnBoot) {
              // Migrations run as the login user; the app's own pool runs as the app role.
              const migrator = createDataSource({ ...settings, poolMax: 2, statementTimeoutMs: 0 });
              await migrator.initialize();
              try {
                const applied = await runMigrations(migrator);
                if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
              } finally {
                await migrator.destroy();
              }
            }
            const dataSource = createDataSource({
              ...settings,
              role: config.database.useAppRole ? APP_ROLE : undefined,
              entities: contexts.flatMap((c) => c.entities ?? []),
            });
            if (!connect) return dataSource;
            await dataSource.initialize();
            const pool = pgPool(dataSource);
            metrics.sampledGauge('skyro_db_pool_connections', 'Open connections in the Postgres pool', () => pool.totalCount);
            metrics.sampledGauge('skyro_db_pool_idle_connections', 'Idle connections in the Postgres pool', () => pool.idleCount);
            metrics.sampledGauge('skyro_db_pool_waiting_clients', 'Queries waiting for a pooled connection', () => pool.waitingCount);
            return dataSource;
          },
        },
        UnitOfWork,
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
              logger.warn({ file: keysFile, previous }, 'development signing key replaced by a new ES256 (P-256) key: access tokens signed with the old key are void, sign in again'),
            );
          },
        },
        AccessTokens,
        AccessTokenStrategy,
        SessionStore,
        { provide: APP_GUARD, useClass: AuthGuard },
        RateLimiter,
        Scheduler,
        Clock,
        OutboxSignal,
        Outbox,
        EventDispatcher,
        { provide: EventTransport, useClass: config.kafka ? KafkaTransport : InProcessTransport },
        OutboxRelay,
        Lifecycle,
      ],
      exports: [
        APP_CONFIG, ACTIVE_CONTEXTS, ROOT_LOGGER, Metrics, DataSource, UnitOfWork, Cache, Outbox, EventTransport, OutboxRelay, Lifecycle,
        KeyRing, AccessTokens, SessionStore, RateLimiter, Scheduler, Clock,
      ],
    };
  }
}
