import { createTestDatabase } from '../support/database';
import { startTestApp } from '../support/app';
import { FIXTURE_CONTEXTS, installFixtureSchemas } from '../fixtures/fixture-contexts';

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    const db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    const t = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url, listen: true });
    const { port } = t.app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    try {
      const inFlight = fetch(`${base}/v1/fx-orders/slow/800`).then(async (r) => ({ status: r.status, body: await r.json() }));
      await new Promise((r) => setTimeout(r, 150));
      const closing = t.close();
      await new Promise((r) => setTimeout(r, 100));
      await expect(fetch(`${base}/health/live`)).rejects.toThrow();
      expect(await inFlight).toEqual({ status: 200, body: { waited: 800 } });
      await closing;
    } finally {
      await t.close();
      await db.drop();
    }
  });
});
