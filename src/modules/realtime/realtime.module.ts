import { Module } from '@nestjs/common';
import { Cache } from '@platform/cache/cache';
import { RedisCache } from '@platform/cache/redis.cache';
import { fanOutEventHandlers } from './application/fan-out-event/fan-out-event.event-handler';
import { RealtimeGateway } from './api/realtime.gateway';
import { RealtimeHttpController } from './api/realtime.http-controller';
import { MemoryUserStreams } from './infrastructure/memory-user-streams';
import { RedisUserStreams } from './infrastructure/redis-user-streams';
import { UserStreams } from './infrastructure/user-streams';
import { realtimeConfig, type RealtimeConfig } from './realtime.config';

@Module({
  controllers: [RealtimeHttpController],
  providers: [
    {
      provide: UserStreams,
      inject: [Cache, realtimeConfig.token],
      // Redis when the platform's cache is Redis (a connection of its own for the scripts; the
      // cache's subscriber connection for the channel); in-process otherwise.
      useFactory: (cache: Cache, config: RealtimeConfig): UserStreams =>
        cache instanceof RedisCache
          ? new RedisUserStreams(cache.client.duplicate(), (channel, onMessage) => cache.subscribe(channel, onMessage), config)
          : new MemoryUserStreams(config),
    },
    RealtimeGateway,
    ...fanOutEventHandlers(),
  ],
})
export class RealtimeModule {}
