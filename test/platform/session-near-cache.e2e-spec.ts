import { randomUUID } from 'node:crypto';
import { SessionStore, type Session } from '@platform/auth/sessions';
import { loadConfig } from '@platform/config/app-config';
import { RedisCache } from '@platform/cache/redis.cache';
import { serviceUrls } from '../support/services';

/**
 * Two pods, each with its own Redis connections and its own near cache of sessions.
 * A change made on one must reach the other at once, or the other must not trust its copy.
 */
describe('sessions: near cache on each pod', () => {
  const prefix = `test:${randomUUID()}:`;
  const caches: RedisCache[] = [];
  const config = loadConfig({});

  async function pod(): Promise<{ store: SessionStore; cache: RedisCache }> {
    const cache = new RedisCache(serviceUrls().redisUrl, prefix);
    await cache.connect();
    caches.push(cache);
    const store = new SessionStore(cache, config);
    await store.onModuleInit();
    return { store, cache };
  }

  const newSession = (): Omit<Session, 'lastSeenAt'> => ({
    id: randomUUID(),
    userId: randomUUID(),
    roles: ['customer'],
    createdAt: Date.now(),
    ip: null,
    userAgent: null,
    secondFactorAt: null,
  });

  afterAll(async () => {
    for (const cache of caches) await cache.close();
  });

  it('serves repeat reads from the pod without asking Redis', async () => {
    const a = await pod();
    const session = await a.store.create(newSession());
    expect(await a.store.get(session.id)).toEqual(session);
    // Gone from Redis behind the store's back (no notice): the pod still has its copy...
    await a.cache.delete(`session:${session.id}`);
    expect(await a.store.get(session.id)).toEqual(session);
    // ...for a few seconds only.
    expect(await a.store.get(session.id, Date.now() + 10_000)).toBeNull();
  });

  it('a revocation on one pod stops the session on the other at once', async () => {
    const a = await pod();
    const b = await pod();
    const session = await a.store.create(newSession());
    expect(await b.store.get(session.id)).not.toBeNull(); // b now holds a copy
    await a.store.revoke(session.id);
    await until(async () => (await b.store.get(session.id)) === null);
  });

  it('new roles set on one pod apply on the other at once', async () => {
    const a = await pod();
    const b = await pod();
    const session = await a.store.create(newSession());
    expect((await b.store.get(session.id))!.roles).toEqual(['customer']);
    await a.store.updateRoles(session.userId, ['support']);
    await until(async () => (await b.store.get(session.id))!.roles[0] === 'support');
  });

  it('while its notices may be lost, a pod reads Redis every time and forgets older copies', async () => {
    const a = await pod();
    const b = await pod();
    const session = await a.store.create(newSession());
    expect(await b.store.get(session.id)).not.toBeNull();
    // b's subscriber connection drops: the revocation notice cannot reach it.
    const subscriber = (b.cache as unknown as { subscriber: { disconnect(reconnect?: boolean): void } }).subscriber;
    subscriber.disconnect(true);
    await a.store.revoke(session.id);
    expect(await b.store.get(session.id)).toBeNull();
    // Back online, it keeps copies again.
    await until(async () => {
      const again = await a.store.create(newSession());
      await b.store.get(again.id);
      await b.cache.delete(`session:${again.id}`);
      return (await b.store.get(again.id)) !== null;
    });
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
