import type { DynamicModule, Provider } from '@nestjs/common';
import { BullModule, getSharedConfigToken } from '@nestjs/bullmq';
import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { Scheduler } from '../jobs/scheduler';
import { Metrics } from '../metrics/metrics';
import { BullEngine, type BullConnection } from './bullmq.engine';
import { MemoryEngine } from './memory.engine';
import { WorkQueues } from './work-queues';

/** BullMQ's own key prefix, after the deployment's REDIS_KEY_PREFIX (keys read `<prefix>bull:<queue>:…`). */
export function bullPrefix(config: Pick<AppConfig, 'redisKeyPrefix'>): string {
  return `${config.redisKeyPrefix}bull`;
}

/**
 * With REDIS_URL: @nestjs/bullmq's root module holds the connection and prefix every queue
 * uses. (Its @Processor classes and registerQueue need queue names known when modules are
 * declared; the contexts define theirs at runtime, so WorkQueues opens queues and workers
 * through bullmq itself with that shared configuration: docs/work-queue.md.)
 */
export function workQueueImports(config: AppConfig): DynamicModule[] {
  if (!config.redisUrl) return [];
  const url = config.redisUrl;
  return [
    BullModule.forRootAsync({
      useFactory: (): BullConnection => ({
        // lazyConnect: building the app offline (openapi.json) must not need Redis; BullMQ
        // connects on first use. maxRetriesPerRequest null: BullMQ's workers require it (the
        // engine adds a fail-fast duplicate for producing, see BullEngine).
        connection: new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null }),
        prefix: bullPrefix(config),
      }),
    }),
  ];
}

export const workQueueProviders: Provider[] = [
  {
    provide: WorkQueues,
    inject: [Metrics, Scheduler, { token: getSharedConfigToken(), optional: true }],
    useFactory: (metrics: Metrics, scheduler: Scheduler, bull?: BullConnection) =>
      new WorkQueues(bull ? new BullEngine(bull) : new MemoryEngine(), metrics, scheduler),
  },
];
