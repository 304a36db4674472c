import { createTestDatabase } from '../support/database';
import { startTestApp, type TestApp } from '../support/app';
import { capturingLogger } from '../support/log-capture';
import { FIXTURE_CONTEXTS, installFixtureSchemas } from '../fixtures/fixture-contexts';

describe('metrics and logs', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const logs = capturingLogger('debug');

  beforeAll(async () => {
    db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    t = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url, logger: logs.logger, env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('exposes request histograms per route template and status, pool, outbox and process metrics', async () => {
    await t.http().get('/v1/fx-orders/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10');
    await t.http().get('/v1/fx-orders/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a11');
    const res = await t.http().get('/metrics');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    // One series for the template, not one per id.
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/fx-orders\/:id",status_code="404"\} 2/);
    expect(res.text).not.toContain('0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10');
    for (const name of [
      'skyro_db_pool_connections',
      'skyro_db_pool_idle_connections',
      'skyro_db_pool_waiting_clients',
      'skyro_outbox_lag_seconds',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
  });

  it('keeps credentials, tokens, card numbers and personal data out of the logs', async () => {
    const secrets = ['Bearer eyJhbGciOiJFZERTQSJ9.c2VjcmV0LXRva2Vu.sig', 'hunter2-password', '4111111111111111', 'refresh-abc-123'];
    await t
      .http()
      .post('/v1/fx-orders')
      .set('authorization', secrets[0]!)
      .set('cookie', `session=${secrets[3]}`)
      .send({ amount: '10', currency: 'EUR', password: secrets[1], cardNumber: secrets[2] });
    await t.http().post('/v1/fx-orders/explode').set('authorization', secrets[0]!);
    await t.http().get(`/v1/fx-orders/x?token=${secrets[3]}`);
    const text = logs.text();
    expect(logs.lines.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('4111 1111 1111 1111');
    for (const line of logs.lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
