import { randomUUID } from 'node:crypto';
import type { Cache } from '@platform/cache/cache';
import { MemoryCache } from '@platform/cache/memory.cache';
import { RedisCache } from '@platform/cache/redis.cache';
import { serviceUrls } from '../support/services';

// One contract, two implementations: the in-process cache must behave like Redis.
describe.each([
  [
    'redis',
    async () => {
      const cache = new RedisCache(serviceUrls().redisUrl);
      await cache.connect();
      return cache;
    },
  ],
  ['memory', async () => new MemoryCache()],
])('%s cache', (_kind, make: () => Promise<Cache>) => {
  let cache: Cache;
  const key = (name: string) => `test:${randomUUID()}:${name}`;
  beforeAll(async () => {
    cache = await make();
  });
  afterAll(() => cache.close());

  it('stores, reads, expires and deletes values', async () => {
    const k = key('v');
    expect(await cache.get(k)).toBeNull();
    await cache.set(k, 'one', 150);
    expect(await cache.get(k)).toBe('one');
    await new Promise((r) => setTimeout(r, 250));
    expect(await cache.get(k)).toBeNull();
    await cache.set(k, 'two');
    await cache.delete(k);
    expect(await cache.get(k)).toBeNull();
  });

  it('delivers published messages to every subscriber of the channel, and only those', async () => {
    const channel = key('channel');
    const got: string[] = [];
    const other: string[] = [];
    const subscription = await cache.subscribe(channel, (m) => got.push(m));
    await cache.subscribe(key('other'), (m) => other.push(m));
    await until(() => subscription.live);
    await cache.publish(channel, 'a,b');
    await cache.publish(channel, 'c');
    await until(() => got.length === 2);
    expect(got).toEqual(['a,b', 'c']);
    expect(other).toEqual([]);
  });

  it('sets only if absent', async () => {
    const k = key('nx');
    expect(await cache.setIfAbsent(k, 'a', 1000)).toBe(true);
    expect(await cache.setIfAbsent(k, 'b', 1000)).toBe(false);
    expect(await cache.get(k)).toBe('a');
  });

  it('counts within a fixed window', async () => {
    const k = key('n');
    expect(await cache.increment(k, 200)).toBe(1);
    expect(await cache.increment(k, 200)).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(await cache.increment(k, 200)).toBe(1);
  });

  it('counts hits in a sliding window, even in the same millisecond', async () => {
    const k = key('w');
    const now = Date.now();
    expect(await cache.hit(k, 1000, now)).toEqual({ count: 1, oldestMs: now });
    expect((await cache.hit(k, 1000, now)).count).toBe(2);
    expect((await cache.hit(k, 1000, now + 500)).count).toBe(3);
    // The first two fall out of the window.
    expect(await cache.hit(k, 1000, now + 1200)).toEqual({ count: 2, oldestMs: now + 500 });
  });

  it('peeks into a sliding window without recording a hit', async () => {
    const k = key('peek');
    const now = Date.now();
    expect((await cache.peekWindow(k, 1000, now)).count).toBe(0);
    await cache.hit(k, 1000, now);
    await cache.hit(k, 1000, now + 400);
    expect(await cache.peekWindow(k, 1000, now + 500)).toEqual({ count: 2, oldestMs: now });
    expect(await cache.peekWindow(k, 1000, now + 500)).toEqual({ count: 2, oldestMs: now });
    expect(await cache.peekWindow(k, 1000, now + 1100)).toEqual({ count: 1, oldestMs: now + 400 });
  });

  it('keeps sets with a TTL and reads many keys at once', async () => {
    const k = key('set');
    await cache.addToSet(k, ['a', 'b'], 1000);
    await cache.addToSet(k, ['c'], 1000);
    await cache.removeFromSet(k, ['b']);
    expect((await cache.setMembers(k)).sort()).toEqual(['a', 'c']);
    const [x, y] = [key('x'), key('y')];
    await cache.set(x, '1');
    expect(await cache.getMany([x, y])).toEqual(['1', null]);
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
