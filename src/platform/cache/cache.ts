/**
 * Key-value store for sessions, rate limits and caches: Redis when REDIS_URL is set,
 * otherwise an in-process map (single-process embedded mode only). Values are strings;
 * callers serialise. TTLs are in milliseconds.
 */
export abstract class Cache {
  abstract readonly kind: 'redis' | 'memory';
  abstract get(key: string): Promise<string | null>;
  abstract set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only if absent; true when this call set it (locks, one-time tokens). */
  abstract setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  abstract delete(...keys: string[]): Promise<void>;
  /** Increments a counter, starting its TTL on first increment; returns the new value. */
  abstract increment(key: string, ttlMs: number): Promise<number>;
  /**
   * Records a hit in a sliding window and returns how many hits the window holds
   * (this one included) and when the oldest of them leaves it.
   */
  abstract hit(key: string, windowMs: number, nowMs?: number): Promise<{ count: number; oldestMs: number }>;
  /** Like `hit` without recording one: what the window holds now (count 0 when empty). */
  abstract peekWindow(key: string, windowMs: number, nowMs?: number): Promise<{ count: number; oldestMs: number }>;
  /** Adds members to a set and (re)starts its TTL. */
  abstract addToSet(key: string, members: readonly string[], ttlMs: number): Promise<void>;
  abstract removeFromSet(key: string, members: readonly string[]): Promise<void>;
  abstract setMembers(key: string): Promise<string[]>;
  /** Values of many keys at once (null where absent), in order. */
  abstract getMany(keys: readonly string[]): Promise<Array<string | null>>;
  /** Sends a message to every subscriber of the channel, in every process (this one too). */
  abstract publish(channel: string, message: string): Promise<void>;
  /**
   * Receives the channel's messages. Delivery is at most once: while the subscription is
   * not `live` (connecting, or reconnecting after a dropped connection) messages are lost,
   * so a subscriber that keeps state from them must not trust that state then.
   */
  abstract subscribe(channel: string, onMessage: (message: string) => void): Promise<Subscription>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

export interface Subscription {
  /** True while messages are being received; false from the moment any could be missed. */
  readonly live: boolean;
  /** Increments every time the subscription stops being live (so gaps can be detected). */
  readonly gaps: number;
}
