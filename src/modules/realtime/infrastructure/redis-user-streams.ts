import type Redis from 'ioredis';
import type { Subscription } from '@platform/cache/cache';
import { compareEventIds } from '../domain/protocol';
import { frameParts, UserStreams, type HistoryFrame, type NewUserEvent, type UserStreamSettings } from './user-streams';

/** The one channel every pod listens on: `<userId> <id> <frame>`. */
export const REALTIME_CHANNEL = 'realtime:events';

/*
 * Once per dedupe key: append to the user's capped stream (its id is the event id), keep the
 * stream ARGV[4] ms after its last event, publish the frame. The id of the newest entry the
 * cap drops is kept as the stream's max-deleted-entry-id (trimming alone does not set it),
 * and a stream created afresh (first event, or after it expired) records "everything before
 * now was dropped", so a client resuming from an older id learns of the gap. Keys share the
 * user's hash tag, so the script also runs on a Redis Cluster.
 */
const PUBLISH_SCRIPT = `
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[4]) == false then return false end
local size = tonumber(ARGV[3])
local len = redis.call('XLEN', KEYS[1])
local dropped = nil
if len > 0 and len + 1 > size then
  local n = math.min(len, len + 1 - size)
  local old = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', n)
  dropped = old[#old][1]
end
local fresh = redis.call('EXISTS', KEYS[1]) == 0
local id = redis.call('XADD', KEYS[1], 'MAXLEN', size, '*', 'f', ARGV[5] .. '\\0' .. ARGV[6])
if size == 0 then dropped = id
elseif fresh then dropped = (tonumber(string.match(id, '^(%d+)')) - 1) .. '-0' end
if dropped then redis.call('XSETID', KEYS[1], id, 'MAXDELETEDID', dropped) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. id .. ' ' .. ARGV[5] .. id .. ARGV[6])
return id
`;

/* The entries after ARGV[1] and whether any after it were trimmed: {0} when the stream is gone. */
const HISTORY_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local maxDeleted = '0-0'
for i = 1, #info, 2 do if info[i] == 'max-deleted-entry-id' then maxDeleted = info[i + 1] end end
return {1, maxDeleted, redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])}
`;

interface Scripts {
  skyroRealtimePublish(
    stream: string,
    seen: string,
    channel: string,
    userId: string,
    size: number,
    ttl: number,
    head: string,
    tail: string,
  ): Promise<string | null>;
  skyroRealtimeHistory(stream: string, after: string, count: number): Promise<[0] | [1, string, Array<[string, string[]]>]>;
}

/**
 * Redis: a capped stream per user (`realtime:{<user>}:history`) and one pub/sub channel
 * every pod subscribes to. Pub/sub is at most once: an event published while a pod's
 * subscriber was reconnecting is not pushed live there, but it is in the history, and
 * the client gets it on its next resume.
 */
export class RedisUserStreams extends UserStreams {
  readonly kind = 'redis' as const;
  private readonly channel: string;

  /**
   * @param client a connection of its own (commands; pub/sub goes through `subscribe`)
   * @param subscribe the platform cache's subscription (one subscriber connection per pod)
   */
  constructor(
    private readonly client: Redis,
    private readonly subscribe: ((channel: string, onMessage: (message: string) => void) => Promise<Subscription>) | null,
    private readonly settings: UserStreamSettings,
  ) {
    super();
    // Key prefixes apply to keys, not to channels: PUBLISH in the script needs it spelt out.
    this.channel = (client.options.keyPrefix ?? '') + REALTIME_CHANNEL;
    client.defineCommand('skyroRealtimePublish', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    client.defineCommand('skyroRealtimeHistory', { numberOfKeys: 1, lua: HISTORY_SCRIPT });
  }

  async publish(userId: string, event: NewUserEvent, dedupeKey: string): Promise<string | null> {
    const { head, tail } = frameParts(event);
    return (this.client as unknown as Scripts).skyroRealtimePublish(
      streamKey(userId),
      `realtime:{${userId}}:seen:${dedupeKey}`,
      this.channel,
      userId,
      this.settings.historySize,
      this.settings.historyTtlMs,
      head,
      tail,
    );
  }

  async history(userId: string, after: string): Promise<{ frames: HistoryFrame[]; gap: boolean }> {
    const answer = await (this.client as unknown as Scripts).skyroRealtimeHistory(streamKey(userId), after, Math.max(1, this.settings.historySize));
    if (answer[0] === 0) return { frames: [], gap: true };
    const [, maxDeleted, entries] = answer;
    return {
      frames: entries.map(([id, fields]) => {
        const [head, tail] = fields[1]!.split('\0') as [string, string];
        return { id, frame: head + id + tail };
      }),
      gap: compareEventIds(maxDeleted, after) > 0,
    };
  }

  async listen(onEvent: (userId: string, id: string, frame: string) => void): Promise<void> {
    if (!this.subscribe) throw new Error('this RedisUserStreams publishes only');
    await this.subscribe(REALTIME_CHANNEL, (message) => {
      const first = message.indexOf(' ');
      const second = message.indexOf(' ', first + 1);
      if (first <= 0 || second <= first) return;
      onEvent(message.slice(0, first), message.slice(first + 1, second), message.slice(second + 1));
    });
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

const streamKey = (userId: string) => `realtime:{${userId}}:history`;
