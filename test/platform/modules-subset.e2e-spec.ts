import { selectContexts } from '@platform/contexts';
import { loadConfig } from '@platform/config/app-config';
import { ACTIVE_CONTEXTS } from '@platform/platform.tokens';
import { createTestDatabase } from '../support/database';
import { startTestApp } from '../support/app';
import { FIXTURE_CONTEXTS, installFixtureSchemas } from '../fixtures/fixture-contexts';

describe('MODULES selects the contexts a process runs', () => {
  it('boots with a subset: only its routes, subscribers and outboxes', async () => {
    const db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    const contexts = selectContexts(loadConfig({ MODULES: 'fx_sink' }, FIXTURE_CONTEXTS), FIXTURE_CONTEXTS);
    expect(contexts.map((c) => c.name)).toEqual(['fx_sink']);
    const t = await startTestApp({ contexts, databaseUrl: db.url });
    try {
      expect(t.app.get(ACTIVE_CONTEXTS)).toEqual(['fx_sink']);
      expect((await t.http().post('/v1/fx-orders').send({ amount: '1', currency: 'EUR' })).status).toBe(404);
      expect((await t.http().get('/health/ready')).status).toBe(200);
    } finally {
      await t.close();
      await db.drop();
    }
  });

  it('stops at boot on an unknown context name, naming it', () => {
    expect(() => loadConfig({ MODULES: 'fx_orders,ledgr' }, FIXTURE_CONTEXTS)).toThrow(
      'Invalid configuration: MODULES names unknown context "ledgr" (known: fx_orders, fx_sink)',
    );
  });
});
