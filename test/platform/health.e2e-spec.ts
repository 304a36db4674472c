import { createServer, connect, type Server, type Socket } from 'node:net';
import { createTestDatabase } from '../support/database';
import { kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { serviceUrls } from '../support/services';
import { Lifecycle } from '@platform/lifecycle/lifecycle';

/** A TCP proxy we can cut, to make a dependency fail after the app has started. */
function cuttableProxy(target: string): Promise<{ url: (original: string) => string; cut(): void; server: Server }> {
  const { hostname, port } = new URL(target.includes('://') ? target : `tcp://${target}`);
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const proxyPort = (server.address() as { port: number }).port;
      resolve({
        server,
        url: (original) => original.replace(`${hostname}:${port}`, `127.0.0.1:${proxyPort}`),
        cut() {
          open = false;
          for (const s of sockets) s.destroy();
        },
      });
    }),
  );
}

describe('health probes', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('is live, started and ready with database, Redis and Kafka up', async () => {
    const t = await startTestApp({ contexts: [], databaseUrl: db.url, redis: true, kafkaTopicPrefix: kafkaPrefix('health') });
    try {
      expect((await t.http().get('/health/live')).body).toEqual({ status: 'ok' });
      expect((await t.http().get('/health/startup')).status).toBe(200);
      const ready = await t.http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details).toMatchObject({
        app: { status: 'up' },
        database: { status: 'up' },
        cache: { status: 'up', kind: 'redis' },
        kafka: { status: 'up' },
      });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming the part that failed: database, then cache', async () => {
    const services = serviceUrls();
    const pg = await cuttableProxy(db.url);
    const redis = await cuttableProxy(services.redisUrl);
    const t: TestApp = await startTestApp({ contexts: [], databaseUrl: pg.url(db.url), env: { REDIS_URL: redis.url(services.redisUrl) } });
    try {
      expect((await t.http().get('/health/ready')).status).toBe(200);
      redis.cut();
      const noCache = await t.http().get('/health/ready');
      expect(noCache.status).toBe(503);
      expect(noCache.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(noCache.body).toMatchObject({ code: 'NOT_READY', failing: ['cache'], detail: 'Not ready: cache down' });
      pg.cut();
      const noDb = await t.http().get('/health/ready');
      expect(noDb.status).toBe(503);
      expect([...noDb.body.failing].sort()).toEqual(['cache', 'database']);
      expect(noDb.body.checks.database.status).toBe('down');
      // Liveness does not depend on anything: the process itself is fine.
      expect((await t.http().get('/health/live')).status).toBe(200);
    } finally {
      await t.close().catch(() => undefined);
      pg.server.close();
      redis.server.close();
    }
  });

  it('turns not-ready as soon as shutdown begins', async () => {
    const t = await startTestApp({ contexts: [], databaseUrl: db.url });
    t.app.get(Lifecycle).beginShutdown();
    const res = await t.http().get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.failing).toEqual(['app']);
    expect(res.body.checks.app).toEqual({ status: 'down', message: 'stopping' });
    await t.close();
  });
});
