import { EventEmitter } from 'node:events';
import { Cache, type Subscription } from './cache';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Single-process stand-in for Redis with the same semantics, for the embedded default. */
export class MemoryCache extends Cache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly windows = new Map<string, { hits: number[]; expiresAt: number }>();
  private readonly sets = new Map<string, { members: Set<string>; expiresAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 30_000).unref();
  private readonly channels = new EventEmitter().setMaxListeners(0);

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: ttlMs ? Date.now() + ttlMs : Infinity });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.entries.delete(key);
      this.windows.delete(key);
      this.sets.delete(key);
    }
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    const next = (entry ? Number(entry.value) : 0) + 1;
    this.entries.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? Date.now() + ttlMs });
    return next;
  }

  async hit(key: string, windowMs: number, nowMs = Date.now()): Promise<{ count: number; oldestMs: number }> {
    const window = this.windows.get(key) ?? { hits: [], expiresAt: 0 };
    window.hits = window.hits.filter((t) => t > nowMs - windowMs);
    window.hits.push(nowMs);
    window.expiresAt = nowMs + windowMs;
    this.windows.set(key, window);
    return { count: window.hits.length, oldestMs: window.hits[0]! };
  }

  async peekWindow(key: string, windowMs: number, nowMs = Date.now()): Promise<{ count: number; oldestMs: number }> {
    const hits = (this.windows.get(key)?.hits ?? []).filter((t) => t > nowMs - windowMs);
    return { count: hits.length, oldestMs: hits[0] ?? nowMs };
  }

  async addToSet(key: string, members: readonly string[], ttlMs: number): Promise<void> {
    const set = this.liveSet(key) ?? { members: new Set<string>(), expiresAt: 0 };
    for (const m of members) set.members.add(m);
    set.expiresAt = Date.now() + ttlMs;
    this.sets.set(key, set);
  }

  async removeFromSet(key: string, members: readonly string[]): Promise<void> {
    const set = this.liveSet(key);
    if (!set) return;
    for (const m of members) set.members.delete(m);
    if (set.members.size === 0) this.sets.delete(key);
  }

  async setMembers(key: string): Promise<string[]> {
    return [...(this.liveSet(key)?.members ?? [])];
  }

  async getMany(keys: readonly string[]): Promise<Array<string | null>> {
    return keys.map((k) => this.live(k)?.value ?? null);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.channels.emit(channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Subscription> {
    this.channels.on(channel, onMessage);
    return { live: true, gaps: 0 };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.channels.removeAllListeners();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private liveSet(key: string): { members: Set<string>; expiresAt: number } | undefined {
    const set = this.sets.get(key);
    if (set && set.expiresAt <= Date.now()) {
      this.sets.delete(key);
      return undefined;
    }
    return set;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [key, window] of this.windows) if (window.expiresAt <= now) this.windows.delete(key);
    for (const [key, set] of this.sets) if (set.expiresAt <= now) this.sets.delete(key);
  }
}
