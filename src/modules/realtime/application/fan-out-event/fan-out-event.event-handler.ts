import { Inject, Injectable, Logger, type Type } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { UserStreams } from '@modules/realtime/infrastructure/user-streams';
import { realtimeConfig, type RealtimeConfig } from '@modules/realtime/realtime.config';
import { REALTIME_EVENTS, type RealtimeEvent } from '../realtime-events';

/**
 * Hands an integration event to its user's stream (history + every pod's gateway), as
 * application/realtime-events.ts maps it. One pod of the deployment consumes each event
 * (one consumer group per context); Redis pub/sub then reaches the pods holding the user's
 * connections. The stream's own dedupe key (the event id) keeps a redelivery from being sent
 * twice, even when the inbox transaction around this failed after the publish. Events older
 * than the history are skipped: a consumer group starting from the beginning of a topic must
 * not replay yesterday's balances to today's connections.
 */
export abstract class FanOutEventHandler implements IntegrationEventHandler {
  private readonly logger = new Logger('RealtimeFanOut');
  protected abstract readonly entries: ReadonlyMap<string, RealtimeEvent>;

  constructor(
    private readonly streams: UserStreams,
    private readonly config: RealtimeConfig,
  ) {}

  async handle(envelope: EventEnvelope): Promise<void> {
    const entry = this.entries.get(envelope.type);
    if (!entry) return;
    if (Date.now() - Date.parse(envelope.occurredAt) > this.config.historyTtlMs) {
      this.logger.debug({ eventId: envelope.id, type: envelope.type }, 'too old for realtime delivery; skipped');
      return;
    }
    await this.streams.publish(
      entry.userId(envelope.data),
      { event: entry.name, occurredAt: envelope.occurredAt, data: entry.data(envelope.data) },
      envelope.id,
    );
  }
}

/** One subscriber per topic the mapping names (a subscriber reads one topic), made from REALTIME_EVENTS. */
export function fanOutEventHandlers(events: readonly RealtimeEvent[] = REALTIME_EVENTS): Type<FanOutEventHandler>[] {
  const byTopic = new Map<string, RealtimeEvent[]>();
  for (const entry of events) byTopic.set(entry.event.topic, [...(byTopic.get(entry.event.topic) ?? []), entry]);
  return [...byTopic].map(([topic, entries]) => {
    @Injectable()
    @OnIntegrationEvent({ context: 'realtime', name: `fan-out.${topic}`, events: entries.map((e) => e.event) })
    class TopicFanOutEventHandler extends FanOutEventHandler {
      protected readonly entries = new Map(entries.map((e) => [e.event.type, e]));
      constructor(@Inject(UserStreams) streams: UserStreams, @Inject(realtimeConfig.token) config: RealtimeConfig) {
        super(streams, config);
      }
    }
    Object.defineProperty(TopicFanOutEventHandler, 'name', { value: `FanOut_${topic.replace(/\W/g, '_')}_EventHandler` });
    return TopicFanOutEventHandler;
  });
}
