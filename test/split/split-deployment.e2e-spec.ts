import { randomUUID } from 'node:crypto';
import { identityContext } from '@modules/identity/identity.context';
import { startChildApp, type ChildApp } from '../support/child-app';
import { kafkaPrefix, startTestApp, testSigningKeys, type TestApp } from '../support/app';
import { clientToken, loginAs } from '../support/auth';
import { sql } from '../support/database';
import { serviceUrls } from '../support/services';
import { mailTo, PASSWORD, testMailbox } from '../identity/support';
import { call, emptyDatabase, gateway, installSchema, type Answer } from './split-support';

/**
 * The platform as three processes on real PostgreSQL (the ledger on a database of its own),
 * Redis and Kafka — identity + accounts, the ledger, and the rest — behind a gateway that
 * routes each path prefix to the process running its context, as Kong does. A customer's
 * journey gets the same answers as in one process. Then the ledger is killed (SIGKILL)
 * under concurrent transfers: callers get 503 problems with Retry-After and nothing else;
 * after a restart their retries with the same ids complete, each transfer once, and the
 * books balance.
 */

interface Deployment {
  readonly route: (path: string) => string;
  readonly mailbox: TestApp;
  readonly stop: () => Promise<void>;
}

type Databases = Array<Awaited<ReturnType<typeof emptyDatabase>>>;

const SHARED_ENV = {
  NODE_ENV: 'test',
  DATABASE_MIGRATE_ON_BOOT: 'true',
  DATABASE_POOL_MAX: '10',
  KAFKA_TOPIC_PARTITIONS: '3',
  BUS_TOPIC_PARTITIONS: '3',
  BUS_CALL_TIMEOUT_MS: '2000',
  OUTBOX_POLL_INTERVAL_MS: '50',
  IDENTITY_ARGON2_MEMORY_KIB: '8192',
  IDENTITY_ARGON2_ITERATIONS: '1',
};

async function commonEnv(db: { url: string; name: string }, prefix: string): Promise<Record<string, string>> {
  const services = serviceUrls();
  return {
    ...SHARED_ENV,
    DATABASE_URL: db.url,
    REDIS_URL: services.redisUrl,
    // The same key space as the test's own app on this database (startTestApp derives it so).
    REDIS_KEY_PREFIX: `${db.name}:`,
    KAFKA_BROKERS: services.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: prefix,
    AUTH_SIGNING_KEYS: await testSigningKeys(),
  };
}

/** The test's own app beside a deployment: the mailbox (it asks identity for verification tokens over the bus) and token minting. */
async function mailboxApp(db: { url: string }, prefix: string): Promise<TestApp> {
  await installSchema(db.url, 'test_mailbox');
  return startTestApp({
    contexts: [testMailbox],
    available: [identityContext, testMailbox],
    databaseUrl: db.url,
    redis: true,
    kafkaTopicPrefix: prefix,
    env: { BUS_CALL_TIMEOUT_MS: '5000' },
  });
}

describe('a split deployment: three processes, the ledger on its own database', () => {
  const databases: Databases = [];
  // Every process started, so a failed start-up still stops them all.
  const children: ChildApp[] = [];
  const child = async (env: Record<string, string>) => {
    const app = await startChildApp(env);
    children.push(app);
    return app;
  };
  let split: Deployment & { ledger: () => ChildApp; restartLedger: () => Promise<void>; killLedger: () => void; ledgerDb: string; sharedDb: string };
  let monolith: Deployment;

  beforeAll(async () => {
    const shared = await emptyDatabase('split');
    const ledgerDb = await emptyDatabase('split_ledger');
    const single = await emptyDatabase('single');
    databases.push(shared, ledgerDb, single);
    const prefix = kafkaPrefix('split');
    const env = await commonEnv(shared, prefix);
    const ledgerEnv = { ...env, MODULES: 'ledger', LEDGER_DATABASE_URL: ledgerDb.url };
    // One at a time: each migrates its databases on boot (under the migration lock anyway).
    const customers = await child({ ...env, MODULES: 'identity,accounts' });
    let ledger = await child(ledgerEnv);
    const rest = await child({ ...env, MODULES: 'all,-identity,-accounts,-ledger' });
    const mailbox = await mailboxApp(shared, prefix);
    split = {
      route: gateway((context) => (context === 'ledger' ? ledger.url : context === 'identity' || context === 'accounts' ? customers.url : rest.url)),
      mailbox,
      ledger: () => ledger,
      killLedger: () => ledger.child.kill('SIGKILL'),
      restartLedger: async () => {
        await ledger.exited();
        ledger = await child(ledgerEnv);
      },
      ledgerDb: ledgerDb.url,
      sharedDb: shared.url,
      stop: async () => {
        await mailbox.close();
        for (const app of [customers, ledger, rest]) app.child.kill('SIGTERM');
        await Promise.all([customers, ledger, rest].map((a) => a.exited()));
      },
    };

    const singlePrefix = kafkaPrefix('single');
    const monolithApp = await child({ ...(await commonEnv(single, singlePrefix)), BUS_SERVE: 'true' });
    const monolithMailbox = await mailboxApp(single, singlePrefix);
    monolith = {
      route: () => '',
      mailbox: monolithMailbox,
      stop: async () => {
        await monolithMailbox.close();
        monolithApp.child.kill('SIGTERM');
        await monolithApp.exited();
      },
    };
    (monolith as { route: (path: string) => string }).route = (path) => monolithApp.url + path;
  }, 240_000);

  afterAll(async () => {
    await split?.stop().catch(() => undefined);
    await monolith?.stop().catch(() => undefined);
    for (const app of children) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    for (const db of databases) await db.drop();
  }, 60_000);

  it('runs a customer journey with the same answers as one process', async () => {
    const [splitTranscript, singleTranscript] = [await journey(split), await journey(monolith)];
    if (process.env['SPLIT_TRANSCRIPT']) process.stdout.write(JSON.stringify(splitTranscript, null, 1) + '\n');
    expect(splitTranscript).toEqual(singleTranscript);
    // And it did run split: the ledger's rows are in its own database only.
    expect(await sql(split.ledgerDb, 'select count(*)::int as n from ledger.transfers')).not.toEqual([{ n: 0 }]);
    expect(await sql(split.sharedDb, `select to_regclass('ledger.transfers') as t`)).toEqual([{ t: null }]);
  }, 180_000);

  it('answers 503 with Retry-After while the ledger is killed under concurrent transfers; retries with the same ids complete once, the books balance', async () => {
    const { token, payer, payee, bankToken } = await fundedPair(split, 1_000_000n);
    const route = split.route;
    const statuses = new Map<number, number>();
    const unavailable: Answer[] = [];
    const done = new Set<string>();
    const pending = new Map<string, { amount: string }>();
    let stop = false;
    const transfer = async (id: string, amount: string) => {
      const res = await call(route(`/v1/accounts/${payer}/transfers`), { token, body: { id, toAccountId: payee, amount } });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 201) {
        done.add(id);
        pending.delete(id);
      } else {
        if (res.status === 503) unavailable.push(res);
        pending.set(id, { amount });
      }
      return res.status;
    };
    const client = async () => {
      while (!stop) {
        const id = randomUUID();
        await transfer(id, String(1 + Math.floor(Math.random() * 100)));
      }
    };
    const clients = Array.from({ length: 8 }, () => client());
    await new Promise((r) => setTimeout(r, 1500));
    split.killLedger();
    await new Promise((r) => setTimeout(r, 4000));
    await split.restartLedger();
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(clients);
    // The clients retry what did not complete, with the same ids and bodies.
    const deadline = Date.now() + 60_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const [id, { amount }] of [...pending]) await transfer(id, amount);
      if (pending.size) await new Promise((r) => setTimeout(r, 500));
    }

    expect([...statuses.keys()].sort()).toEqual([201, 503]);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const res of unavailable) {
      expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 503, code: 'CONTEXT_UNAVAILABLE' });
    }
    expect(pending.size).toBe(0);
    // Each acknowledged transfer exists once in the ledger, and no other transfer left the payer.
    const ids = [...done];
    const { n, total } = (
      await sql<{ n: number; total: string }>(
        split.ledgerDb,
        'select count(*)::int as n, coalesce(sum(amount), 0)::text as total from ledger.transfers where id = any($1::uuid[])',
        [ids],
      )
    )[0]!;
    expect(n).toBe(ids.length);
    const payerLedger = (await call(route(`/v1/accounts/${payer}`), { token })).body as { ledgerAccountId: string; balances: { posted: string } };
    const { out } = (
      await sql<{ out: string }>(
        split.ledgerDb,
        `select coalesce(sum(amount), 0)::text as out from ledger.transfers where debit_account_id = $1 and code = 9200`,
        [payerLedger.ledgerAccountId],
      )
    )[0]!;
    expect(out).toBe(total);
    expect(BigInt(payerLedger.balances.posted)).toBe(1_000_000n - BigInt(total));
    const reconciliation = await call(route('/v1/ledger/reconciliations'), { token: bankToken, method: 'POST' });
    expect(reconciliation.status).toBe(200);
    expect(reconciliation.body).toMatchObject({ mismatchedAccounts: [], unbalancedCurrencies: [] });
  }, 180_000);
});

/** Opens two accounts of a new customer, the first funded by the bank with `amount`. */
async function fundedPair(d: Deployment, amount: bigint): Promise<{ token: string; payer: string; payee: string; bankToken: string }> {
  const token = await customer(d);
  const open = (product: string) => call(d.route('/v1/accounts'), { token, body: { product, currency: 'EUR' }, headers: { 'idempotency-key': randomUUID() } });
  const payer = (await open('checking')).body as { id: string; ledgerAccountId: string };
  const payee = (await open('savings')).body as { id: string };
  const bankToken = await clientToken(d.mailbox.app, 'bank-ops', ['ledger:read', 'ledger:write', 'ledger:reconcile']);
  const bank = randomUUID();
  await call(d.route('/v1/ledger/accounts'), { token: bankToken, body: { id: bank, currency: 'EUR', normalSide: 'debit' } });
  const funded = await call(d.route('/v1/ledger/transfers'), {
    token: bankToken,
    body: { id: randomUUID(), debitAccountId: bank, creditAccountId: payer.ledgerAccountId, amount: String(amount), currency: 'EUR' },
  });
  if (funded.status !== 201) throw new Error(`funding failed: ${funded.status} ${JSON.stringify(funded.body)}`);
  return { token, payer: payer.id, payee: payee.id, bankToken };
}

/** Signs a new customer up, verifies the address from the mailbox and logs in; returns the access token. */
async function customer(d: Deployment): Promise<string> {
  const email = `split.${randomUUID().slice(0, 8)}@example.com`;
  const registered = await call(d.route('/v1/auth/register'), { body: { email, password: PASSWORD, name: 'Split Customer' } });
  if (registered.status !== 202) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const mail = await mailTo(email, 'verify-email');
  const verified = await call(d.route('/v1/auth/verify-email'), { body: { token: mail.variables['token'] } });
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  const login = await call(d.route('/v1/auth/login'), { body: { email, password: PASSWORD } });
  return (login.body as { tokens: { access_token: string } }).tokens.access_token;
}

/**
 * Sign-up to closure through the gateway; returns what must not depend on where the
 * contexts run: statuses, codes, amounts, balances, kinds — not ids or times.
 */
async function journey(d: Deployment): Promise<unknown[]> {
  const t: unknown[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each step picks what it compares from a body of its own shape
  const note = (step: string, res: Answer, pick: (body: any) => unknown = () => undefined) =>
    t.push({ step, status: res.status, ...(res.status < 300 ? { seen: pick(res.body) } : { code: res.body?.code }) });
  const token = await customer(d);
  const key = () => ({ 'idempotency-key': randomUUID() });
  const openedKey = key();
  const checking = await call(d.route('/v1/accounts'), { token, body: { product: 'checking', currency: 'EUR' }, headers: openedKey });
  note('open checking', checking, (b) => ({ status: b.status, product: b.product, currency: b.currency }));
  note(
    'open checking again (same key)',
    await call(d.route('/v1/accounts'), { token, body: { product: 'checking', currency: 'EUR' }, headers: openedKey }),
    (b) => b.id === checking.body.id,
  );
  const savings = await call(d.route('/v1/accounts'), { token, body: { product: 'savings', currency: 'EUR' }, headers: key() });
  note('open savings', savings, (b) => b.status);
  const bankToken = await clientToken(d.mailbox.app, 'bank-ops', ['ledger:read', 'ledger:write', 'ledger:reconcile']);
  const bank = randomUUID();
  note(
    'bank ledger account',
    await call(d.route('/v1/ledger/accounts'), { token: bankToken, body: { id: bank, currency: 'EUR', normalSide: 'debit' } }),
    (b) => b.normalSide,
  );
  const fund = (amount: string, to: string) => ({ id: randomUUID(), debitAccountId: bank, creditAccountId: to, amount, currency: 'EUR' });
  note('funding (single)', await call(d.route('/v1/ledger/transfers'), { token: bankToken, body: fund('100000', checking.body.ledgerAccountId) }), (b) => [
    b.kind,
    b.amount,
  ]);
  const batch = await call(d.route('/v1/ledger/transfers/batch'), {
    token: bankToken,
    body: { transfers: [fund('100', checking.body.ledgerAccountId), fund('200', savings.body.ledgerAccountId)] },
  });
  note('funding (batch)', batch, (b) => b.results.map((r: { status: string }) => r.status));
  const hold = { ...fund('300', checking.body.ledgerAccountId), kind: 'pending', timeoutSeconds: 600 };
  note('pending', await call(d.route('/v1/ledger/transfers'), { token: bankToken, body: hold }), (b) => [b.kind, b.amount]);
  note(
    'post pending',
    await call(d.route('/v1/ledger/transfers'), { token: bankToken, body: { id: randomUUID(), kind: 'post_pending', pendingId: hold.id, amount: '250' } }),
    (b) => [b.kind, b.amount],
  );
  const move = { id: randomUUID(), toAccountId: savings.body.id, amount: '2500', reference: 'rent' };
  note('transfer', await call(d.route(`/v1/accounts/${checking.body.id}/transfers`), { token, body: move }), (b) => [b.status, b.amount, b.currency]);
  const replay = await call(d.route(`/v1/accounts/${checking.body.id}/transfers`), { token, body: move });
  note('transfer replayed', replay, () => replay.headers.get('idempotent-replayed'));
  note('transfer, same id other amount', await call(d.route(`/v1/accounts/${checking.body.id}/transfers`), { token, body: { ...move, amount: '2501' } }));
  note(
    'transfer, too much',
    await call(d.route(`/v1/accounts/${checking.body.id}/transfers`), { token, body: { ...move, id: randomUUID(), amount: '99999999' } }),
  );
  note(
    'transfer, bad amount',
    await call(d.route(`/v1/accounts/${checking.body.id}/transfers`), { token, body: { ...move, id: randomUUID(), amount: '1.5' } }),
  );
  note('checking', await call(d.route(`/v1/accounts/${checking.body.id}`), { token }), (b) => b.balances);
  note('accounts', await call(d.route('/v1/accounts'), { token }), (b) =>
    (b.items ?? b).map((a: { product: string; balances: unknown }) => [a.product, a.balances]),
  );
  note('history', await call(d.route(`/v1/accounts/${checking.body.id}/postings`), { token }), (b) =>
    b.items.map((p: { amount: string; balanceAfter: string; bucket: string }) => [p.bucket, p.amount, p.balanceAfter]),
  );
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  note(
    'statement',
    await call(d.route(`/v1/accounts/${checking.body.id}/statements?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`), { token }),
    (b) => [b.openingBalance, b.closingBalance, b.postings?.length],
  );
  const admin = await loginAs(d.mailbox.app, randomUUID(), ['admin']);
  const today = new Date().toISOString().slice(0, 10);
  note(
    'interest rate',
    await call(d.route('/v1/admin/interest-rates'), {
      token: admin.token,
      body: { product: 'savings', currency: 'EUR', effectiveFrom: today, annualRatePercent: '1.5' },
    }),
    (b) => [b.product, b.annualRatePercent],
  );
  note('interest of savings', await call(d.route(`/v1/accounts/${savings.body.id}/interest`), { token }), (b) => [
    b.currentRatePercent,
    b.accruedUnpaid,
    b.capitalisations.length,
  ]);
  note(
    'close savings',
    await call(d.route(`/v1/accounts/${savings.body.id}/close`), { token, body: { sweepToAccountId: checking.body.id }, headers: key() }),
    (b) => [b.status],
  );
  note('checking after closure', await call(d.route(`/v1/accounts/${checking.body.id}`), { token }), (b) => b.balances);
  note(
    'closed account pays nothing',
    await call(d.route(`/v1/accounts/${savings.body.id}/transfers`), { token, body: { id: randomUUID(), toAccountId: checking.body.id, amount: '1' } }),
  );
  return t;
}
