import { createTestDatabase, sql } from '../support/database';
import { startTestApp, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { FIXTURE_CONTEXTS, installFixtureSchemas } from '../fixtures/fixture-contexts';

const ALICE = '0193a5f0-0000-7000-8000-00000000a11c';
const BOB = '0193a5f0-0000-7000-8000-000000000b0b';

describe('Idempotency-Key on state-changing endpoints', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installFixtureSchemas(db.url);
    t = await startTestApp({ contexts: FIXTURE_CONTEXTS, databaseUrl: db.url });
    alice = (await loginAs(t.app, ALICE)).token;
    bob = (await loginAs(t.app, BOB)).token;
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const post = (token: string, key: string | undefined, body: object) => {
    const req = t.http().post('/v1/fx-secure/orders').set(bearer(token));
    return (key === undefined ? req : req.set('idempotency-key', key)).send(body);
  };
  const orders = async (amount: string) => (await sql(db.url, 'select id from fx_orders.orders where amount = $1', [amount])).length;

  it('replays the first result for a retry with the same key and body, with no second effect', async () => {
    const first = await post(alice, 'key-1', { amount: '101', currency: 'EUR' });
    expect(first.status).toBe(201);
    const again = await post(alice, 'key-1', { currency: 'EUR', amount: '101' }); // same body, other key order
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await orders('101')).toBe(1);
  });

  it('rejects the same key with another body (422), changing nothing', async () => {
    await post(alice, 'key-2', { amount: '102', currency: 'EUR' });
    const res = await post(alice, 'key-2', { amount: '103', currency: 'EUR' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await orders('103')).toBe(0);
  });

  it('scopes keys to the caller', async () => {
    const a = await post(alice, 'shared-key', { amount: '104', currency: 'EUR' });
    const b = await post(bob, 'shared-key', { amount: '104', currency: 'EUR' });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(await orders('104')).toBe(2);
  });

  it('runs concurrent duplicates once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => post(alice, 'key-race', { amount: '105', currency: 'EUR' })));
    expect(await orders('105')).toBe(1);
    const ok = results.filter((r) => r.status === 201);
    for (const r of ok) expect(r.body.id).toBe(ok[0]!.body.id);
    for (const r of results.filter((x) => x.status !== 201)) expect(r.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
  });

  it('replays a business error too, but not a validation error', async () => {
    const rejected = await post(alice, 'key-3', { amount: '106', currency: 'EUR', note: 'reject' });
    expect(rejected.status).toBe(422);
    const replay = await post(alice, 'key-3', { amount: '106', currency: 'EUR', note: 'reject' });
    expect(replay.status).toBe(422);
    expect(replay.body).toEqual(rejected.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const invalid = await post(alice, 'key-4', { amount: 'abc', currency: 'EUR' });
    expect(invalid.status).toBe(400);
    const fixed = await post(alice, 'key-4', { amount: '107', currency: 'EUR' });
    expect(fixed.status).toBe(201);
  });

  it('requires the header where the endpoint says so, and checks its format', async () => {
    const missing = await post(alice, undefined, { amount: '108', currency: 'EUR' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REQUIRED', errors: [{ field: 'Idempotency-Key' }] });
    expect((await post(alice, 'x'.repeat(256), { amount: '108', currency: 'EUR' })).body.code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(await orders('108')).toBe(0);
  });
});
