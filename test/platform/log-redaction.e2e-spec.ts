import { createTestDatabase } from '../support/database';
import { startTestApp, type TestApp } from '../support/app';
import { capturingLogger } from '../support/log-capture';
import { FIXTURE_CONTEXTS, installFixtureSchemas } from '../fixtures/fixture-contexts';

const PAN = '4242424242424242';
const IBAN = 'GB82WEST12345698765432';
const EMAIL = 'jane.doe@example.com';
const MINTED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('no card number, IBAN or e-mail address reaches a log line through a request id or a URL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const logs = capturingLogger();
  const lines = () => logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const accessLine = (requestId: string) => lines().find((l) => l['msg'] === 'request' && l['requestId'] === requestId);

  beforeAll(async () => {
    db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    t = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url, logger: logs.logger });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    // Whatever the cases below sent, none of it is in any line.
    for (const value of [PAN, '4242-4242-4242-4242', '4242 4242', IBAN, EMAIL, 'jane.doe%40example.com', 'skr_rt_querysecret', 'cursor=7'])
      expect(logs.text()).not.toContain(value);
  });

  it.each([
    ['a card number', PAN],
    ['a card number with dashes', '4242-4242-4242-4242'],
    ['a card number inside an id', `req${PAN}x`],
    ['an IBAN', IBAN],
    ['an e-mail address', EMAIL],
  ])('replaces a caller X-Request-Id holding %s with a minted one, on the response and in every line', async (_what, given) => {
    const res = await t.http().post('/v1/fx-orders/explode').set('x-request-id', given);
    const minted = res.headers['x-request-id'] as string;
    expect(minted).toMatch(MINTED);
    expect(res.body.requestId).toBe(minted);
    const ofRequest = lines().filter((l) => l['requestId'] === minted);
    // The error line and the access line both carry the minted id.
    expect(ofRequest.map((l) => l['msg']).sort()).toEqual(['request', 'unhandled error']);
  });

  it('keeps a caller X-Request-Id that holds none of them (a date and a counter are not a card number)', async () => {
    for (const given of ['order-2025-11-23-0001', '0193a5f0-8e3b-7cc1-b6a2-424242424242', 'abc-123']) {
      expect((await t.http().get('/health/live').set('x-request-id', given)).headers['x-request-id']).toBe(given);
    }
  });

  it.each([
    ['/v1/cards/4242424242424242', 404, 'unmatched', '/v1/cards/:pan'],
    ['/v1/fx-orders/4242424242424242', 400, '/v1/fx-orders/:id', '/v1/fx-orders/:pan'],
    ['/v1/fx-orders/4242%204242%204242%204242', 400, '/v1/fx-orders/:id', '/v1/fx-orders/:pan'],
    [`/v1/fx-orders/${IBAN}`, 400, '/v1/fx-orders/:id', '/v1/fx-orders/:iban'],
    ['/v1/fx-orders/jane.doe%40example.com', 400, '/v1/fx-orders/:id', '/v1/fx-orders/:email'],
    [`/v1/payees/${EMAIL}/cards/${PAN}`, 404, 'unmatched', '/v1/payees/:email/cards/:pan'],
  ])('logs %s as its route template and a masked path, and echoes the masked path as the problem instance', async (url, status, route, masked) => {
    const res = await t.http().get(`${url}?pan=${PAN}&token=skr_rt_querysecret&cursor=7`).set('x-request-id', `req-path-${status}-${masked.length}`);
    expect(res.status).toBe(status);
    expect(res.body.instance).toBe(masked);
    expect(accessLine(`req-path-${status}-${masked.length}`)).toMatchObject({ route, path: masked, status });
  });

  it('never logs a query string, sensitive or not', async () => {
    await t.http().get('/v1/fx-orders/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10?cursor=7&token=skr_rt_querysecret').set('x-request-id', 'req-query-1');
    expect(accessLine('req-query-1')).toMatchObject({ path: '/v1/fx-orders/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10', route: '/v1/fx-orders/:id' });
  });

  it('masks what an unexpected error carries: card number, password, in message and stack', async () => {
    await t.http().post('/v1/fx-orders/explode').set('x-request-id', 'req-explode-scrub');
    const line = lines().find((l) => l['requestId'] === 'req-explode-scrub' && l['msg'] === 'unhandled error')!;
    const err = line['err'] as { message: string; stack: string };
    expect(err.message).toBe('db password=[REDACTED] while charging card [REDACTED-PAN]');
    expect(err.stack).toContain('[REDACTED-PAN]');
    expect(JSON.stringify(line)).not.toMatch(/hunter2|4111 1111 1111 1111/);
  });
});
