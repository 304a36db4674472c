import { createTestDatabase } from '../support/database';
import { startTestApp, type TestApp } from '../support/app';
import { capturingLogger } from '../support/log-capture';
import { FIXTURE_CONTEXTS, installFixtureSchemas } from '../fixtures/fixture-contexts';

describe('HTTP edge', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  const logs = capturingLogger();

  beforeAll(async () => {
    db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    t = await startTestApp({
      contexts: FIXTURE_CONTEXTS,
      databaseUrl: db.url,
      logger: logs.logger,
      env: { BODY_LIMIT_BYTES: '2048', CORS_ORIGINS: 'https://app.skyro.test' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const expectProblem = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\/problems\.skyro\.dev\//), title: expect.any(String) });
  };

  it('serves versioned routes under /v1 and validates a good body', async () => {
    const res = await t.http().post('/v1/fx-orders').send({ amount: '1250', currency: 'EUR' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: '1250', currency: 'EUR', id: expect.any(String) });
    expect((await t.http().post('/fx-orders').send({ amount: '1250', currency: 'EUR' })).status).toBe(404);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON, never 500', async () => {
    const res = await t.http().post('/v1/fx-orders').set('content-type', 'application/json').send('{"amount": "12');
    expectProblem(res, 400, 'MALFORMED_JSON');
  });

  it('answers a non-JSON content type with 415', async () => {
    const res = await t.http().post('/v1/fx-orders').set('content-type', 'text/plain').send('amount=12');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an oversized body with 413 (limit from BODY_LIMIT_BYTES)', async () => {
    const res = await t
      .http()
      .post('/v1/fx-orders')
      .send({ amount: '1', currency: 'EUR', note: 'x'.repeat(4096) });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('names each invalid field in the problem', async () => {
    const res = await t.http().post('/v1/fx-orders').send({ amount: 12.5, currency: 'EURO' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['amount', 'currency']);
  });

  it('rejects unknown fields by name', async () => {
    const res = await t.http().post('/v1/fx-orders').send({ amount: '10', currency: 'EUR', amuont: '10' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'amuont', message: 'amuont is not an accepted field' })]);
  });

  it('validates path params and names them', async () => {
    const res = await t.http().get('/v1/fx-orders/not-a-uuid');
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it('maps domain errors to their status with a stable code', async () => {
    const res = await t.http().get('/v1/fx-orders/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10');
    expectProblem(res, 404, 'ORDER_NOT_FOUND');
    expect(res.body.instance).toBe('/v1/fx-orders/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10');
  });

  it('refuses a body nested deeper than 64 levels before parsing it: 400 JSON_TOO_DEEP', async () => {
    const res = await t
      .http()
      .post('/v1/fx-orders')
      .set('content-type', 'application/json')
      .send(`${'['.repeat(65)}${']'.repeat(65)}`);
    expectProblem(res, 400, 'JSON_TOO_DEEP');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body', code: 'JSON_TOO_DEEP' })]);
    // 64 levels are fine for the parser (and then refused by the route's schema).
    expectProblem(
      await t
        .http()
        .post('/v1/fx-orders')
        .set('content-type', 'application/json')
        .send(`${'['.repeat(64)}${']'.repeat(64)}`),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('keeps Fastify prototype-poisoning protection and refuses bytes that are not UTF-8', async () => {
    const poisoned = await t.http().post('/v1/fx-orders').set('content-type', 'application/json').send('{"__proto__":{"admin":true},"amount":"1"}');
    expectProblem(poisoned, 400, 'MALFORMED_JSON');
    const latin1 = Buffer.concat([Buffer.from('{"amount":"1","currency":"EUR","note":"'), Buffer.from([0xe9]), Buffer.from('"}')]);
    // Raw bytes (supertest would serialise a Buffer as JSON).
    const res = await t.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'POST', url: '/v1/fx-orders', headers: { 'content-type': 'application/json' }, payload: latin1 });
    expect({ status: res.statusCode, code: res.json<{ code: string }>().code }).toEqual({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('takes JSON in UTF-8 only: another charset or a malformed media type is 415', async () => {
    const body = JSON.stringify({ amount: '5', currency: 'EUR' });
    for (const type of [
      'application/json; charset=utf-16',
      'application/json;;',
      'application/json;',
      'application/json; charset',
      'application/json; charset=latin1',
    ]) {
      const res = await t.http().post('/v1/fx-orders').set('content-type', type).send(body);
      expect({ type, status: res.status }).toEqual({ type, status: 415 });
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"']) {
      const res = await t.http().post('/v1/fx-orders').set('content-type', type).send(body);
      expect({ type, status: res.status }).toEqual({ type, status: 201 });
    }
  });

  it("answers a bad percent-encoding in the URL with the BAD_URL problem, not Fastify's JSON", async () => {
    const res = await t.http().get('/v1/fx-orders/%E0%A4%A').set('x-request-id', 'req-bad-url');
    expectProblem(res, 400, 'BAD_URL');
    expect(res.body).toMatchObject({ requestId: 'req-bad-url' });
    expect(res.headers['x-request-id']).toBe('req-bad-url');
    expect(res.body).not.toHaveProperty('statusCode');
  });

  it('answers a path parameter beyond the router limit with 414 URI_TOO_LONG', async () => {
    expectProblem(await t.http().get(`/v1/fx-orders/${'a'.repeat(300)}`), 414, 'URI_TOO_LONG');
  });

  it('answers a method the path does not declare with 405 and Allow', async () => {
    const res = await t.http().delete('/v1/fx-orders').set('x-request-id', 'req-405');
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers['allow']).toBe('POST');
    expect(res.body).toMatchObject({ allow: ['POST'], requestId: 'req-405', instance: '/v1/fx-orders' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const item = await t.http().put('/v1/fx-orders/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10');
    expectProblem(item, 405, 'METHOD_NOT_ALLOWED');
    expect(item.headers['allow']).toBe('GET, HEAD');
    // A path no route has stays a 404.
    expectProblem(await t.http().delete('/v1/fx-orders/a/b/c'), 404, 'ROUTE_NOT_FOUND');
    // A concrete path is its own route, as OpenAPI matches paths: GET /v1/fx-orders/:id does not take it.
    const concrete = await t.http().get('/v1/fx-orders/explode');
    expectProblem(concrete, 405, 'METHOD_NOT_ALLOWED');
    expect(concrete.headers['allow']).toBe('POST');
  });

  it('answers unknown routes with a 404 problem', async () => {
    expectProblem(await t.http().get('/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
  });

  it('hides internals of unexpected errors and logs them with the request id, scrubbed', async () => {
    const res = await t.http().post('/v1/fx-orders/explode').set('x-request-id', 'req-explode-1');
    expectProblem(res, 500, 'INTERNAL_ERROR');
    const body = JSON.stringify(res.body);
    expect(body).not.toMatch(/hunter2|4111|stack|Error:/);
    expect(res.body.requestId).toBe('req-explode-1');
    const line = logs.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['requestId'] === 'req-explode-1' && l['msg'] === 'unhandled error');
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).not.toContain('4111 1111 1111 1111');
    expect(JSON.stringify(line)).toContain('[REDACTED-PAN]');
  });

  it('echoes a safe X-Request-Id and mints one otherwise', async () => {
    const given = await t.http().get('/health/live').set('x-request-id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const minted = await t.http().get('/health/live');
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await t.http().get('/health/live').set('x-request-id', 'bad id\twith "quotes"');
    expect(unsafe.headers['x-request-id']).not.toContain('bad id');
  });

  it('sends security headers', async () => {
    const res = await t.http().get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await t.http().options('/v1/fx-orders').set('origin', 'https://app.skyro.test').set('access-control-request-method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.skyro.test');
    const other = await t.http().options('/v1/fx-orders').set('origin', 'https://evil.test').set('access-control-request-method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('writes one access-log line per request with route and request id', async () => {
    await t.http().get('/v1/fx-orders/0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a11').set('x-request-id', 'req-log-1');
    const line = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['requestId'] === 'req-log-1' && l['msg'] === 'request');
    expect(line).toMatchObject({ route: '/v1/fx-orders/:id', status: 404, method: 'GET' });
  });
});
