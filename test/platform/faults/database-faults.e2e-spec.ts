import { Client } from 'pg';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { newUuid } from '@test/ledger/ledger-support';
import { startTestApp, type TestApp } from '@test/support/app';
import { sql } from '@test/support/database';
import { capturingLogger } from '@test/support/log-capture';
import {
  abortRunning,
  PrivateServices,
  ReadinessProbe,
  ledgerAfterFault,
  migrate,
  openBank,
  sleep,
  unexpectedAnswers,
  until,
  urlOf,
  writeReport,
  type Bank,
  outageUnderLoad,
  restartReport,
  startBankLoad,
} from './fault-support';

/**
 * PostgreSQL failing under the app, on a cluster of this file's own (the other test files
 * keep the shared one): every way it fails answers 503 DATABASE_UNAVAILABLE with
 * Retry-After, never a 500, and the pool recovers by itself once it is back.
 */
describe('faults: PostgreSQL', () => {
  let services: PrivateServices;
  let t: TestApp;
  let url: string;
  let bank: Bank;
  const logs = capturingLogger('warn');
  const OUTBOXES = ['ledger', 'accounts'];

  beforeAll(async () => {
    services = await PrivateServices.start('pg', ['pg']);
    await migrate(services.databaseUrl);
    t = await startTestApp({
      contexts: [ledgerContext, accountsContext],
      databaseUrl: services.databaseUrl,
      listen: true,
      logger: logs.logger,
      env: { DATABASE_CONNECT_TIMEOUT_MS: '2000' },
    });
    url = await urlOf(t);
    bank = await openBank(t, { ledgerAccounts: 12, customers: 8 });
  }, 120_000);

  // A test that failed half-way leaves no load running and no cluster stopped for the next one.
  afterEach(async () => {
    await abortRunning();
    await services?.up('pg');
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await services?.purge();
  }, 180_000);

  /** A session of the test's own beside the app's (locks, pg_terminate_backend). */
  const session = async () => {
    const client = new Client({ connectionString: services.databaseUrl, application_name: 'fault-test' });
    await client.connect();
    client.on('error', () => undefined); // ended by the shutdowns these tests cause
    return client;
  };
  const get = (path: string, headers = bank.ledgerAuth) => fetch(url + path, { headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = bank.ledgerAuth) =>
    fetch(url + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const expectDatabaseUnavailable = async (response: Response) => {
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', type: 'https://problems.skyro.dev/database-unavailable' });
  };
  const readiness = async () => {
    const response = await fetch(`${url}/health/ready`);
    return { status: response.status, body: (await response.json()) as { failing?: string[] } };
  };
  const transferBody = (over: Record<string, string> = {}) => ({
    id: newUuid(),
    debitAccountId: bank.ledgerAccounts[0]!,
    creditAccountId: bank.ledgerAccounts[1]!,
    amount: '5',
    currency: 'EUR',
    ...over,
  });
  /** What a new connection gets: `connected`, or the error's code (57P03, ECONNREFUSED...). */
  const connectOutcome = async () => {
    const client = new Client({ connectionString: services.databaseUrl });
    client.on('error', () => undefined);
    return client.connect().then(
      async () => {
        await client.end();
        return 'connected';
      },
      (error: { code?: string }) => error.code ?? 'error',
    );
  };
  const unhandled = () => logs.lines.filter((line) => line.includes('"unhandled error"'));

  it('restarted under 16 clients of ledger and customer transfers and reads: only 2xx or 503 with Retry-After, each acknowledged transfer once, the books balance, the outbox drains, readiness names the database', async () => {
    const probe = new ReadinessProbe(url, 100);
    const load = startBankLoad(() => url, bank);
    // A fast shutdown ends every session with 57P01, then the port refuses; 3 s later it is back,
    // and the pool recovers by itself: new connections once the server answers again.
    const { downAt, downedAt, upAt, recoveredMs } = await outageUnderLoad(services, 'pg', 3000, load);
    await probe.stop();

    expect(unexpectedAnswers(load.answers, ['DATABASE_UNAVAILABLE'])).toEqual([]);
    expect(load.failed).toEqual([]);
    // The fault did reach the clients.
    expect(load.answers.filter((a) => a.code === 'DATABASE_UNAVAILABLE').length).toBeGreaterThan(0);
    expect(unhandled()).toEqual([]);

    const outage = probe.between(downedAt, upAt);
    expect(outage.length).toBeGreaterThan(0);
    for (const sample of outage) expect(sample).toMatchObject({ status: 503, failing: ['database'] });
    expect((await readiness()).status).toBe(200);

    const { ids, rows, reconciliation, drainMs } = await ledgerAfterFault(t, bank, services.databaseUrl, load, OUTBOXES, 90_000);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids));
    expect(rows.filter((r) => r.postings !== 2)).toEqual([]);
    expect(reconciliation).toMatchObject({ mismatchedAccounts: [], unbalancedCurrencies: [] });
    // Every transfer's event reached the accounts context once (none dead-lettered while the database was down).
    const [events] = await sql<{ transfers: string; handled: string; dead: string }>(
      services.databaseUrl,
      `select (select count(*) from ledger.transfers) as transfers,
              (select count(*) from accounts.inbox where consumer = 'accounts.balance-changed') as handled,
              (select count(*) from platform.dead_letters) as dead`,
    );
    expect(events).toEqual({ transfers: events!.transfers, handled: events!.transfers, dead: '0' });

    writeReport(
      'database-restart',
      restartReport(
        services,
        load,
        { downAt, downedAt, upAt, recoveredMs },
        {
          acknowledgedTransfers: ids.length,
          readinessSamplesDuringOutage: outage.length,
          outboxDrainMs: drainMs,
        },
      ),
    );
  }, 360_000);

  it('stopped (connection refused): reads and writes answer 503 DATABASE_UNAVAILABLE, readiness names the database, and the pool recovers once it is started', async () => {
    await services.down('pg');
    try {
      await expectDatabaseUnavailable(await get(`/v1/ledger/accounts/${bank.ledgerAccounts[0]}`));
      await expectDatabaseUnavailable(await post('/v1/ledger/transfers', transferBody()));
      await expectDatabaseUnavailable(await get(`/v1/accounts/${bank.customers[0]!.accountId}`, bank.customers[0]!.auth));
      expect(await readiness()).toMatchObject({ status: 503, body: { code: 'NOT_READY', failing: ['database'] } });
    } finally {
      await services.up('pg');
    }
    expect((await get(`/v1/ledger/accounts/${bank.ledgerAccounts[0]}`)).status).toBe(200);
    expect((await post('/v1/ledger/transfers', transferBody())).status).toBe(201);
    expect((await readiness()).status).toBe(200);
    expect(unhandled()).toEqual([]);
  }, 60_000);

  it('a session ended by the administrator (57P01) mid-request answers 503, and an Idempotency-Key retry afterwards is served, not replayed as 503', async () => {
    const locker = await session();
    const key = `fault-${newUuid()}`;
    const body = transferBody();
    try {
      // Hold the debit account's row so the transfer waits inside its transaction.
      await locker.query('begin');
      await locker.query('select 1 from ledger.accounts where id = $1 for update', [body.debitAccountId]);
      const pending = post('/v1/ledger/transfers', body, { ...bank.ledgerAuth, 'idempotency-key': key });
      let waiting: Array<{ pid: number }> = [];
      await until('the transfer to wait for the lock', async () => {
        waiting = (await locker.query<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'skyro-core' and wait_event_type = 'Lock'`))
          .rows;
        return waiting.length > 0;
      });
      for (const { pid } of waiting) await locker.query('select pg_terminate_backend($1)', [pid]);
      await expectDatabaseUnavailable(await pending);
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }
    // The 503 was not kept as this key's answer: the retry runs the transfer.
    const retry = await post('/v1/ledger/transfers', body, { ...bank.ledgerAuth, 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await retry.json()).toMatchObject({ id: body.id });
    expect((await sql(services.databaseUrl, 'select id from ledger.transfers where id = $1', [body.id])).length).toBe(1);
    // And now that answer is the one kept.
    const again = await post('/v1/ledger/transfers', body, { ...bank.ledgerAuth, 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  }, 60_000);

  it('a server shutting down that refuses new sessions (57P03) answers 503 and readiness names the database', async () => {
    const holder = await session();
    try {
      // A smart shutdown waits for open sessions and refuses new ones: drop the app's own so it must open new ones.
      await services.down('pg', 'smart');
      await holder.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'skyro-core'`);
      await sleep(200); // the pool sees its connections end
      await expectDatabaseUnavailable(await get(`/v1/ledger/accounts/${bank.ledgerAccounts[0]}`));
      expect(await connectOutcome()).toBe('57P03');
      expect(await readiness()).toMatchObject({ status: 503, body: { failing: ['database'] } });
    } finally {
      await holder.end().catch(() => undefined);
      // Whatever session is still open (one that was being opened as the shutdown began) ends now.
      await services.down('pg');
      await services.up('pg');
    }
    expect((await get(`/v1/ledger/accounts/${bank.ledgerAccounts[0]}`)).status).toBe(200);
    expect(unhandled()).toEqual([]);
  }, 60_000);

  it('a request that waits longer than DATABASE_CONNECT_TIMEOUT_MS for a pooled connection (pool exhausted) answers 503; the pool serves again once connections return', async () => {
    const small = await startTestApp({
      contexts: [ledgerContext],
      databaseUrl: services.databaseUrl,
      listen: true,
      logger: logs.logger,
      env: { DATABASE_POOL_MAX: '1', DATABASE_CONNECT_TIMEOUT_MS: '1000' },
    });
    const smallUrl = await urlOf(small);
    const locker = await session();
    try {
      const body = transferBody();
      await locker.query('begin');
      await locker.query('select 1 from ledger.accounts where id = $1 for update', [body.debitAccountId]);
      // The transfer takes the pool's only connection and waits for the lock.
      const holding = fetch(`${smallUrl}/v1/ledger/transfers`, {
        method: 'POST',
        headers: { ...bank.ledgerAuth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await until('the transfer to hold the connection', async () => {
        const { rows } = await locker.query(`select 1 from pg_stat_activity where application_name = 'skyro-core' and wait_event_type = 'Lock'`);
        return rows.length > 0;
      });
      const started = Date.now();
      await expectDatabaseUnavailable(await fetch(`${smallUrl}/v1/ledger/accounts/${bank.ledgerAccounts[2]}`, { headers: bank.ledgerAuth }));
      expect(Date.now() - started).toBeLessThan(5000);
      await locker.query('rollback');
      expect((await holding).status).toBe(201);
      expect((await fetch(`${smallUrl}/v1/ledger/accounts/${bank.ledgerAccounts[2]}`, { headers: bank.ledgerAuth })).status).toBe(200);
    } finally {
      await locker.end();
      await small.close();
    }
    expect(unhandled()).toEqual([]);
  }, 60_000);
});
