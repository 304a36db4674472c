import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import { BusServer } from '@platform/bus/bus-server';
import type { BusRequest } from '@platform/bus/bus-wire';
import { kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { readTopic } from '../support/kafka';
import { recordChildOutput } from '../support/run-logs';
import { serviceUrls } from '../support/services';
import { BUS_CONTEXTS, fxBank, fxTeller, installBusSchemas } from '../fixtures/bus-contexts';

/**
 * Commands and queries across processes: the teller runs in one app, the bank (whose
 * contract it uses) in another, both on the real Kafka; the same calls run in one app too.
 */
describe('command bus across processes (Kafka, @nestjs/microservices)', () => {
  const prefix = kafkaPrefix('bus');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let bankDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let bank: TestApp;
  let teller: TestApp;
  let monolith: TestApp;

  const startBank = () =>
    startTestApp({
      contexts: [fxBank],
      databaseUrl: db.url,
      kafkaTopicPrefix: prefix,
      // The bank owns its database: its schema, outbox and served-command log live there.
      env: { FX_BANK_DATABASE_URL: bankDb.url, BUS_SERVE: 'true', BUS_TOPIC_PARTITIONS: '3' },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    bankDb = await createTestDatabase();
    await installBusSchemas(db.url);
    await installBusSchemas(bankDb.url);
    bank = await startBank();
    teller = await startTestApp({
      contexts: [fxTeller],
      available: BUS_CONTEXTS,
      databaseUrl: db.url,
      kafkaTopicPrefix: prefix,
      env: { BUS_CALL_TIMEOUT_MS: '1500', BUS_TOPIC_PARTITIONS: '3' },
    });
    monolith = await startTestApp({ contexts: BUS_CONTEXTS, databaseUrl: db.url });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([teller?.close(), bank?.close(), monolith?.close()]);
    await db?.drop();
    await bankDb?.drop();
  });

  const deposit = (app: TestApp, body: Record<string, unknown>, requestId?: string) =>
    app
      .http()
      .post('/v1/fx-teller/deposits')
      .set(requestId ? { 'x-request-id': requestId } : {})
      .send(body);

  it('sends a remote context its commands and queries; the caller cannot tell', async () => {
    const id = uuidv4();
    const remote = await deposit(teller, { id, account: 'acc-1', amount: '250' }, 'req-bus-deposit-1');
    expect(remote.status).toBe(201);
    expect(remote.body).toEqual({ id, account: 'acc-1', amount: '250', status: 'created' });
    // It ran in the bank's process, on the bank's own database.
    expect(await sql(bankDb.url, 'select amount::text from fx_bank.deposits where id = $1', [id])).toEqual([{ amount: '250' }]);
    expect(await sql(db.url, 'select 1 from fx_bank.deposits where id = $1', [id])).toEqual([]);
    const balance = await teller.http().post('/v1/fx-teller/balance').send({ account: 'acc-1' });
    expect(balance.body).toEqual({ total: '250', count: 1 });
    // The same call in one process answers the same.
    const local = await deposit(monolith, { id: uuidv4(), account: 'acc-1', amount: '250' });
    expect({ ...local.body, id }).toEqual(remote.body);
  });

  it("carries the request id and trace id to the owner: the events it writes carry the caller's", async () => {
    const id = uuidv4();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await teller
      .http()
      .post('/v1/fx-teller/deposits')
      .set({ 'x-request-id': 'req-bus-trace-1', traceparent })
      .send({ id, account: 'acc-2', amount: '10' });
    expect(res.status).toBe(201);
    const [event] = (await readTopic(`${prefix}fx.bank`, { quietMs: 1500, timeoutMs: 15_000 })).filter((m) => m.key === id);
    expect(JSON.parse(event!.value)).toMatchObject({
      type: 'fx_bank.deposit-made.v1',
      requestId: 'req-bus-trace-1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it("raises the owner's domain errors again on the caller's side, with the same HTTP answer as in one process", async () => {
    const remote = await deposit(teller, { id: uuidv4(), account: 'acc-3', amount: '0' });
    const local = await deposit(monolith, { id: uuidv4(), account: 'acc-3', amount: '0' });
    expect(remote.status).toBe(422);
    expect(remote.headers['content-type']).toMatch(/application\/problem\+json/);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(remote.body)).toEqual(strip(local.body));
    expect(remote.body).toMatchObject({ code: 'AMOUNT_ZERO', account: 'acc-3' });
  });

  it('validates what arrives against the contract before a handler sees it', async () => {
    const reply = await bank.app.get(BusServer).serve('fx_bank', request({ payload: { id: uuidv4(), account: '', amount: 'ten' } }));
    expect(reply).toMatchObject({ ok: false, error: { kind: 'validation', code: 'VALIDATION_FAILED' } });
    if (reply.ok) throw new Error('expected an error');
    expect(reply.error.details.errors?.map((e) => e.field).sort()).toEqual(['account', 'amount']);
    expect(await bank.app.get(BusServer).serve('fx_bank', request({ type: 'fx_bank.withdraw.v1' }))).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CONTRACT_MESSAGE' },
    });
  });

  it('gives a redelivered or retried command one effect and the first answer', async () => {
    const server = bank.app.get(BusServer);
    const again = request({ payload: { id: uuidv4(), account: 'acc-4', amount: '7' } });
    const first = await server.serve('fx_bank', again);
    const second = await server.serve('fx_bank', again);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ ok: true, result: { status: 'created' } });
    // Two deliveries at once: one runs, the other waits for its answer.
    const racing = request({ payload: { id: uuidv4(), account: 'acc-4', amount: '5', delayMs: 300 } });
    const [a, b] = await Promise.all([server.serve('fx_bank', racing), server.serve('fx_bank', racing)]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ ok: true, result: { status: 'created' } });
    expect(
      await sql(bankDb.url, `select count(*)::int as n from platform.bus_commands where context = 'fx_bank' and command_id = any($1::uuid[])`, [
        [again.id, racing.id],
      ]),
    ).toEqual([{ n: 2 }]);
    // The same call id with another payload is refused, not run.
    const reused = await server.serve('fx_bank', { ...again, payload: { ...again.payload, amount: '8' } });
    expect(reused).toMatchObject({ ok: false, error: { kind: 'conflict', code: 'COMMAND_ID_REUSED' } });
  });

  it('answers 503 with Retry-After when the owner does not answer in time, and the owner never starts it late', async () => {
    const slow = await deposit(teller, { id: uuidv4(), account: 'acc-5', amount: '1', delayMs: 4000 });
    expect(slow.status).toBe(503);
    expect(slow.headers['retry-after']).toBe('1');
    expect(slow.body).toMatchObject({ code: 'CONTEXT_UNAVAILABLE' });

    await bank.close();
    const id = uuidv4();
    const started = Date.now();
    const down = await deposit(teller, { id, account: 'acc-6', amount: '3' });
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('1');
    expect(Date.now() - started).toBeLessThan(5000);
    // Back up, the bank reads the request that waited for it, sees its deadline passed and does nothing.
    bank = await startBank();
    await new Promise((r) => setTimeout(r, 2000));
    expect(await sql(bankDb.url, 'select 1 from fx_bank.deposits where id = $1', [id])).toEqual([]);
    // The caller's retry with the same deposit id then goes through, once.
    expect((await deposit(teller, { id, account: 'acc-6', amount: '3' })).status).toBe(201);
    expect(await sql(bankDb.url, 'select count(*)::int as n from fx_bank.deposits where id = $1', [id])).toEqual([{ n: 1 }]);
  }, 60_000);

  it('refuses to start, naming the context, when MODULES needs one it neither runs nor can reach', async () => {
    const { databaseUrl } = serviceUrls();
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../../src/main.ts')], {
      env: { PATH: process.env['PATH'], NODE_ENV: 'test', MODULES: 'accounts', DATABASE_URL: databaseUrl, PORT: '0' },
      cwd: join(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    recordChildOutput(child, 'main');
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration: MODULES runs accounts, which needs the ledger context; run ledger in this process too or set KAFKA_BROKERS to reach the process that runs it',
    ]);
  });
});

function request(overrides: Partial<BusRequest>): BusRequest {
  return {
    id: uuidv4(),
    kind: 'command',
    type: 'fx_bank.deposit.v1',
    payload: {},
    deadline: Date.now() + 5000,
    requestId: 'req-bus-direct',
    traceId: null,
    ...overrides,
  };
}
