import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { markFault } from '../faults/infrastructure-fault';
import { Cache, type Subscription } from './cache';

// Sliding window as a sorted set of hit timestamps: trim, add, count, expire, atomically.
const HIT_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return { redis.call('ZCARD', KEYS[1]), oldest[2] }
`;

const PEEK_SCRIPT = `
local hits = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (ARGV[1] - ARGV[2]), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return { redis.call('ZCOUNT', KEYS[1], '(' .. (ARGV[1] - ARGV[2]), '+inf'), hits[2] }
`;

const INCREMENT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

export class RedisCache extends Cache {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  /** A second connection, in subscriber mode, made on the first subscribe. */
  private subscriber?: Redis;
  private readonly handlers = new Map<string, Array<(message: string) => void>>();
  private readonly subscription = { live: false, gaps: 0 };

  constructor(
    url: string,
    private readonly keyPrefix = '',
  ) {
    super();
    // lazyConnect: constructing the app (e.g. to write openapi.json) must not need Redis.
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true, keyPrefix });
    this.client.defineCommand('skyroHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.client.defineCommand('skyroPeek', { numberOfKeys: 1, lua: PEEK_SCRIPT });
    this.client.defineCommand('skyroIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
  }

  async connect(): Promise<void> {
    if (this.client.status === 'wait') await this.client.connect();
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(key).catch(cacheFault);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await (ttlMs ? this.client.set(key, value, 'PX', ttlMs) : this.client.set(key, value)).catch(cacheFault);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(key, value, 'PX', ttlMs, 'NX').catch(cacheFault)) === 'OK';
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length) await this.client.del(...keys).catch(cacheFault);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return Number(await (this.client as unknown as Scripts).skyroIncrement(key, ttlMs).catch(cacheFault));
  }

  async hit(key: string, windowMs: number, nowMs = Date.now()): Promise<{ count: number; oldestMs: number }> {
    // The member must be unique per hit, or two hits in the same millisecond count once.
    const member = `${nowMs}:${randomBytes(6).toString('hex')}`;
    const [count, oldest] = await (this.client as unknown as Scripts).skyroHit(key, nowMs, windowMs, member).catch(cacheFault);
    return { count: Number(count), oldestMs: Number(oldest) };
  }

  async peekWindow(key: string, windowMs: number, nowMs = Date.now()): Promise<{ count: number; oldestMs: number }> {
    const [count, oldest] = await (this.client as unknown as Scripts).skyroPeek(key, nowMs, windowMs).catch(cacheFault);
    return { count: Number(count), oldestMs: oldest === undefined || oldest === null ? nowMs : Number(oldest) };
  }

  async addToSet(key: string, members: readonly string[], ttlMs: number): Promise<void> {
    if (members.length === 0) return;
    await this.client
      .multi()
      .sadd(key, ...members)
      .pexpire(key, ttlMs)
      .exec()
      .catch(cacheFault);
  }

  async removeFromSet(key: string, members: readonly string[]): Promise<void> {
    if (members.length) await this.client.srem(key, ...members).catch(cacheFault);
  }

  async setMembers(key: string): Promise<string[]> {
    return this.client.smembers(key).catch(cacheFault);
  }

  async getMany(keys: readonly string[]): Promise<Array<string | null>> {
    return keys.length ? this.client.mget(...keys).catch(cacheFault) : [];
  }

  async publish(channel: string, message: string): Promise<void> {
    // Key prefixes do not apply to channels: prefix by hand so tenants/tests stay apart.
    await this.client.publish(this.keyPrefix + channel, message).catch(cacheFault);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Subscription> {
    const name = this.keyPrefix + channel;
    const known = this.handlers.get(name);
    if (known) known.push(onMessage);
    else this.handlers.set(name, [onMessage]);
    if (!this.subscriber) {
      const subscriber = this.client.duplicate({ lazyConnect: true, autoResubscribe: false });
      this.subscriber = subscriber;
      subscriber.on('message', (from: string, message: string) => {
        for (const handler of this.handlers.get(from) ?? []) handler(message);
      });
      // Live once (re)subscribed, not when the connection is back (ioredis says 'ready'
      // before its own resubscription has been answered); anything published while the
      // connection was down is lost, which `gaps` tells subscribers.
      subscriber.on('ready', () => {
        void subscriber.subscribe(...this.handlers.keys()).then(
          () => (this.subscription.live = true),
          () => undefined,
        );
      });
      subscriber.on('close', () => {
        if (this.subscription.live) this.subscription.gaps++;
        this.subscription.live = false;
      });
      subscriber.on('error', () => undefined); // reconnects by itself; `live` says when it is back
      await subscriber.connect();
    }
    if (!known) await this.subscriber.subscribe(name);
    return this.subscription;
  }

  async ping(): Promise<void> {
    await this.client.ping().catch(cacheFault);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    if (this.client.status !== 'end' && this.client.status !== 'wait') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}

interface Scripts {
  skyroHit(key: string, now: number, window: number, member: string): Promise<[number, string]>;
  skyroPeek(key: string, now: number, window: number): Promise<[number, string | null]>;
  skyroIncrement(key: string, ttl: number): Promise<number>;
}

/** Whatever the client could not get answered is the cache being unavailable (markFault keeps Redis's own refusals apart). */
function cacheFault(error: unknown): never {
  throw markFault(error, 'cache');
}
