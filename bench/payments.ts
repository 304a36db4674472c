import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Pool } from 'undici';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { AccessTokens } from '@platform/auth/access-tokens';
import { KeyRing } from '@platform/auth/key-ring';
import { SessionStore } from '@platform/auth/sessions';
import { RedisCache } from '@platform/cache/redis.cache';
import { loadConfig } from '@platform/config/app-config';
import { freePort } from '@platform/net/free-port';
import { CONTEXTS } from '@modules';
import { StripeFake } from '@test/support/providers/stripe-fake';
import { serviceUrls } from '@test/support/services';
import { startBuiltApp } from './support';

/*
 * `npm run bench:payments`: pay-ins over HTTP, as customers start them, against the Stripe
 * simulator (test/support/providers/stripe-fake.ts) answering after a fixed latency and
 * sending its webhooks after each answer, settled through the whole path: the dispatch job on
 * BullMQ (Redis), the gateway call, the ledger credit, the webhook stored and applied, the
 * outbox relayed to Kafka. Starts the built app (node dist/src/main.js, every context, as
 * deployed) on the real PostgreSQL, Redis and Kafka of scripts/services.sh, drives it from
 * this process with undici, then checks the books and prints one JSON line per scenario:
 *
 *   payins       closed-loop clients POST /v1/payments; payments/s initiated (201) and
 *                settled (reached succeeded in the window), p50/p95/p99 of the request,
 *                errors, the backlog left and how long it took to drain, database
 *                transactions per settled payment, and the books check (each customer's
 *                ledger balance equals its settled pay-ins; the ledger's own reconciliation)
 *   calibration  GET /health/live with the same clients in the same run: what HTTP alone
 *                allows on this machine
 *
 *   BENCH_SECONDS (default 20)      measured time, after a 3 s warm-up
 *   BENCH_CLIENTS (default 64)      concurrent clients
 *   BENCH_USERS (default 200)       customers, one EUR account each
 *   BENCH_LATENCY_MS (default 20)   the simulator's fixed answer delay
 *   BENCH_LOG_LEVEL (default info)  the app's log level (info writes an access log line per request)
 *   BENCH_NODE_ARGS                 the app's Node flags (default: the Dockerfile's, --max-semi-space-size=32)
 *   BENCH_KAFKA (default 1)         1: the outbox relayed to the real Kafka, as deployed; 0: in process
 *   BENCH_MODULES (default all)     the contexts the app runs
 *   BENCH_APP_LOG                   a file for the app's log (default: discarded)
 *   BENCH_APP_ENV                   extra app variables, JSON (e.g. '{"PAYMENTS_DISPATCH_CONCURRENCY":"128"}')
 */
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 64);
const USERS = Number(process.env['BENCH_USERS'] ?? 200);
const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 20);
const WARMUP_SECONDS = 3;
const DRAIN_TIMEOUT_SECONDS = 120;

interface Drive {
  readonly latencies: number[];
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  readonly statuses: Record<string, number>;
}

async function main(): Promise<void> {
  const services = serviceUrls();
  const database = `skyro_bench_payments_${Date.now()}`;
  const admin = new Client({ connectionString: services.databaseUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(services.databaseUrl);
  url.pathname = `/${database}`;
  const db = new Client({ connectionString: url.toString() });

  const stripe = new StripeFake();
  stripe.latencyMs = LATENCY_MS;
  stripe.webhookMode = 'after';
  await stripe.start();

  const { jwk } = await KeyRing.generate();
  const prefix = `${database}:`;
  const port = await freePort();
  const env: Record<string, string> = {
    DATABASE_URL: url.toString(),
    DATABASE_MIGRATE_ON_BOOT: 'true',
    DATABASE_POOL_MAX: '20',
    MODULES: process.env['BENCH_MODULES'] ?? 'all',
    AUTH_SIGNING_KEYS: JSON.stringify([jwk]),
    // Production's settings but for its https-only provider URLs: the simulator speaks http.
    NODE_ENV: 'development',
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
    REDIS_URL: services.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    ...(process.env['BENCH_KAFKA'] === '0' ? {} : { KAFKA_BROKERS: services.kafkaBrokers, KAFKA_TOPIC_PREFIX: `${database}.` }),
    ACCOUNTS_CURRENCIES: 'EUR',
    PAYMENTS_STRIPE_SECRET_KEY: stripe.secretKey,
    PAYMENTS_STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    PAYMENTS_STRIPE_BASE_URL: stripe.url,
    PAYMENTS_LIMIT_PER_PAYMENT: '1000000000',
    PAYMENTS_LIMIT_PER_DAY: '1000000000000',
    PAYMENTS_LIMIT_PER_MONTH: '1000000000000',
    ...(JSON.parse(process.env['BENCH_APP_ENV'] ?? '{}') as Record<string, string>),
  };
  const config = loadConfig(env, CONTEXTS);
  const tokens = new AccessTokens(await KeyRing.fromJwks([jwk]), { ...config, auth: { ...config.auth, accessTokenTtlSeconds: 3600 } });
  const cache = new RedisCache(services.redisUrl, prefix);
  await cache.connect();
  const sessions = new SessionStore(cache, config);
  const service = (await tokens.issue({ subject: 'bench', clientId: 'bench', scopes: ['ledger:read', 'ledger:reconcile'], ttlSeconds: 3600 })).token;

  const app = await startBuiltApp(env, port);
  stripe.webhookUrl = `${app.url}/v1/payment-webhooks/stripe`;
  const http = new Pool(app.url, { connections: CLIENTS, pipelining: 1 });
  const request = async (method: 'GET' | 'POST', path: string, token: string, body?: unknown, key?: string) => {
    const res = await http.request({
      method,
      path,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  try {
    await db.connect();
    // Customers: a session in the app's store (Redis), a signed token, one EUR checking account each.
    const users = await inParallel(Array.from({ length: USERS }), 32, async () => {
      const userId = uuidv4();
      const sessionId = uuidv4();
      await sessions.create({ id: sessionId, userId, roles: ['customer'], createdAt: Date.now(), ip: null, userAgent: 'bench', secondFactorAt: null });
      const token = (await tokens.issue({ subject: userId, roles: ['customer'], sessionId })).token;
      const account = await request('POST', '/v1/accounts', token, { product: 'checking', currency: 'EUR' }, uuidv7());
      if (account.status !== 201) throw new Error(`account: ${account.status} ${JSON.stringify(account.body)}`);
      return { token, accountId: account.body['id'] as string, ledgerAccountId: account.body['ledgerAccountId'] as string };
    });

    // Pay-ins.
    const settledNow = async () => Number((await db.query<{ n: string }>("select count(*) as n from payments.payments where state = 'succeeded'")).rows[0]!.n);
    const transactionsNow = async () =>
      Number((await db.query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()')).rows[0]!.n);
    // Row operations per table (inserts, updates, deletes; index and sequential scans): where the round trips go.
    const tablesNow = async () =>
      new Map(
        (
          await db.query<{ name: string; writes: string; scans: string }>(
            `select schemaname || '.' || relname as name, (n_tup_ins + n_tup_upd + n_tup_del)::text as writes,
                    (coalesce(idx_scan, 0) + coalesce(seq_scan, 0))::text as scans
             from pg_stat_user_tables`,
          )
        ).rows.map((r) => [r.name, { writes: Number(r.writes), scans: Number(r.scans) }]),
      );
    let before = { settled: 0, transactions: 0, cpu: 0, tables: new Map<string, { writes: number; scans: number }>() };
    setTimeout(
      () =>
        void Promise.all([settledNow(), transactionsNow(), tablesNow()]).then(([settled, transactions, tables]) => {
          before = { settled, transactions, tables, cpu: cpuSecondsOf(app.child.pid!) };
        }),
      WARMUP_SECONDS * 1000,
    );
    const payins = await drive(async () => {
      const user = users[Math.floor(Math.random() * users.length)]!;
      const res = await request(
        'POST',
        '/v1/payments',
        user.token,
        {
          accountId: user.accountId,
          amount: String(100 + Math.floor(Math.random() * 9_900)),
          currency: 'EUR',
          method: 'card',
          paymentMethodToken: 'pm_card_visa',
        },
        uuidv7(),
      );
      return res.status === 201;
    });
    const cpuAtEnd = cpuSecondsOf(app.child.pid!);
    const [settledAtEnd, transactionsAtEnd] = await Promise.all([settledNow(), transactionsNow()]);
    const settled = settledAtEnd - before.settled;
    // pg_stat_user_tables lags by up to a second (statistics are flushed by each backend), so this is read after the drain.
    const tablesAtWindowEnd = tablesNow;
    // What the window left unsettled, and how long the app takes to finish it.
    const open = async () =>
      Number((await db.query<{ n: string }>("select count(*) as n from payments.payments where state in ('created', 'processing')")).rows[0]!.n);
    const backlog = await open();
    const drainStarted = Date.now();
    while ((await open()) > 0 && Date.now() - drainStarted < DRAIN_TIMEOUT_SECONDS * 1000) await new Promise((r) => setTimeout(r, 200));
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    await stripe.settled();
    // Webhooks applied too (each one a no-op by then, or the settlement if it came first).
    const eventsPending = async () =>
      Number((await db.query<{ n: string }>('select count(*) as n from payments.provider_events where processed_at is null')).rows[0]!.n);
    const drainEvents = Date.now();
    while ((await eventsPending()) > 0 && Date.now() - drainEvents < DRAIN_TIMEOUT_SECONDS * 1000) await new Promise((r) => setTimeout(r, 200));

    await new Promise((r) => setTimeout(r, 1500));
    const tablesAfter = await tablesAtWindowEnd();
    const settledTotal = await settledNow();
    const perSettled = (n: number) => Number((n / Math.max(1, settledTotal - before.settled)).toFixed(2));
    const tableLoad = [...tablesAfter]
      .map(([name, after]) => {
        const was = before.tables.get(name) ?? { writes: 0, scans: 0 };
        return { name, writes: perSettled(after.writes - was.writes), scans: perSettled(after.scans - was.scans) };
      })
      .filter((t) => t.writes + t.scans > 0.05)
      .sort((a, b) => b.writes + b.scans - (a.writes + a.scans));
    const states = Object.fromEntries(
      (await db.query<{ state: string; n: string }>('select state, count(*) as n from payments.payments group by state')).rows.map((r) => [
        r.state,
        Number(r.n),
      ]),
    );
    const books = await checkBooks(users);
    const webhooksRefused = stripe.deliveries.filter((d) => d.status !== 200).length;
    line({
      scenario: 'payins',
      initiated_per_sec: Math.round(payins.ok / SECONDS),
      settled_per_sec: Math.round(settled / SECONDS),
      p50_ms: q(payins.latencies, 0.5),
      p95_ms: q(payins.latencies, 0.95),
      p99_ms: q(payins.latencies, 0.99),
      errors: payins.errors,
      statuses: payins.statuses,
      backlog_at_end: backlog,
      drain_seconds: Number(drainSeconds.toFixed(1)),
      states,
      webhooks: stripe.deliveries.length,
      webhooks_refused: webhooksRefused,
      events_unprocessed: await eventsPending(),
      // CPU time the app process used in the window (user + system, from /proc), per payment it settled: less
      // sensitive than the rates to other work on the machine.
      app_cpu_ms_per_settled: settled ? Number((((cpuAtEnd - before.cpu) * 1000) / settled).toFixed(2)) : 0,
      db_transactions_per_settled: settled ? Number(((transactionsAtEnd - before.transactions) / settled).toFixed(1)) : 0,
      books,
      // Per settled payment, from the window's start to after the drain: row writes and scans by table.
      tables: Object.fromEntries(tableLoad.slice(0, 20).map((t) => [t.name, [t.writes, t.scans]])),
      clients: CLIENTS,
      users: USERS,
      gateway_latency_ms: LATENCY_MS,
      seconds: SECONDS,
    });

    let calibrationCpu = 0;
    setTimeout(() => (calibrationCpu = cpuSecondsOf(app.child.pid!)), WARMUP_SECONDS * 1000);
    const calibration = await drive(async () => {
      const res = await http.request({ method: 'GET', path: '/health/live' });
      await res.body.dump();
      return res.statusCode === 200;
    });
    line({
      scenario: 'calibration',
      requests_per_sec: Math.round(calibration.ok / SECONDS),
      p50_ms: q(calibration.latencies, 0.5),
      p95_ms: q(calibration.latencies, 0.95),
      p99_ms: q(calibration.latencies, 0.99),
      errors: calibration.errors,
      app_cpu_ms_per_request: calibration.ok ? Number((((cpuSecondsOf(app.child.pid!) - calibrationCpu) * 1000) / calibration.ok).toFixed(3)) : 0,
      clients: CLIENTS,
      seconds: SECONDS,
    });
  } finally {
    await http.close();
    app.child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => app.child.once('exit', (c, s) => r([c, s])));
    if (code !== 0) process.stderr.write(`the app exited with ${code ?? signal}\n`);
    await stripe.close();
    await cache.close();
    await db.end().catch(() => undefined);
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
    await deleteKeys(services.redisUrl, prefix);
  }

  /** Each customer's posted ledger balance equals the sum of its settled pay-ins; the ledger's reconciliation finds nothing. */
  async function checkBooks(users: ReadonlyArray<{ accountId: string; ledgerAccountId: string }>): Promise<string> {
    const expected = new Map(
      (
        await db.query<{ account_id: string; total: string }>(
          "select account_id, sum(amount)::text as total from payments.payments where state = 'succeeded' group by account_id",
        )
      ).rows.map((r) => [r.account_id, BigInt(r.total)]),
    );
    const mismatched: string[] = [];
    let total = 0n;
    await inParallel(users, 16, async (user) => {
      const res = await request('GET', `/v1/ledger/accounts/${user.ledgerAccountId}`, service);
      const posted = BigInt((res.body['balances'] as { posted: string }).posted);
      total += posted;
      if (posted !== (expected.get(user.accountId) ?? 0n)) mismatched.push(user.accountId);
    });
    const settledTotal = [...expected.values()].reduce((a, b) => a + b, 0n);
    const reconciliation = await request('POST', '/v1/ledger/reconciliations', service, {}, uuidv7());
    const ledgerOk =
      (reconciliation.body['mismatchedAccounts'] as string[] | undefined)?.length === 0 &&
      (reconciliation.body['unbalancedCurrencies'] as string[] | undefined)?.length === 0;
    if (mismatched.length === 0 && total === settledTotal && ledgerOk) return 'ok';
    return `FAILED ${JSON.stringify({ mismatched: mismatched.length, ledgerTotal: total.toString(), settledTotal: settledTotal.toString(), reconciliation: reconciliation.body })}`;
  }
}

/** Closed-loop clients for the warm-up plus SECONDS; what was measured after the warm-up. */
async function drive(call: () => Promise<boolean>): Promise<Drive> {
  const latencies: number[] = [];
  let requests = 0;
  let ok = 0;
  let errors = 0;
  const statuses: Record<string, number> = {};
  const warmupEnds = Date.now() + WARMUP_SECONDS * 1000;
  const ends = warmupEnds + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < ends) {
        const started = process.hrtime.bigint();
        let good = false;
        let failure = '';
        try {
          good = await call();
          if (!good) failure = 'status';
        } catch (error) {
          failure = (error as { code?: string }).code ?? 'exception';
        }
        if (Date.now() < warmupEnds) continue;
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        requests++;
        if (good) ok++;
        else {
          errors++;
          statuses[failure] = (statuses[failure] ?? 0) + 1;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, requests, ok, errors, statuses };
}

/** User + system CPU seconds of a process so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function q(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2));
}

function line(result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function inParallel<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
