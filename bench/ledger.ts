import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { BalancedPool, Pool } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import { AccessTokens } from '@platform/auth/access-tokens';
import { KeyRing } from '@platform/auth/key-ring';
import { loadConfig } from '@platform/config/app-config';
import { serviceUrls } from '@test/support/services';
import { startBuiltApp } from './support';
import { freePort } from '@platform/net/free-port';

/*
 * `npm run bench:ledger`: the ledger over HTTP, as clients use it. Starts the built app
 * (node dist/src/main.js, MODULES=ledger) against the real PostgreSQL of
 * scripts/services.sh, drives it from this separate process with undici, checks the
 * invariants afterwards, and prints one JSON line per scenario.
 *
 *   BENCH_SECONDS (default 20)   measured time per scenario, after a warm-up
 *   BENCH_SCENARIOS              comma-separated subset of single,batch,hot,ceiling
 *                                (ceiling: GET /health/live, the cheapest route, with the
 *                                same 64 clients: what HTTP alone allows on this machine)
 *   BENCH_LOG_LEVEL (default info) the app's log level (info writes an access log line per request)
 *   BENCH_NODE_ARGS              the app's Node flags (default: the Dockerfile's, --max-semi-space-size=32)
 *   BENCH_PODS (default 1)       app processes, as pods behind a load balancer; the load is
 *                                spread over them (they share PostgreSQL, Redis and Kafka)
 *   BENCH_KAFKA (default 1)      1: the app relays its outbox to the real Kafka broker, as
 *                                deployed; 0: in-process delivery (nothing subscribes)
 */
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const PODS = Number(process.env['BENCH_PODS'] ?? 1);
const WARMUP_SECONDS = 3;
const SCENARIOS = (process.env['BENCH_SCENARIOS'] ?? 'single,batch,hot,ceiling').split(',');
const ACCOUNTS = 10_000;
const HOT_ACCOUNTS = 10;
const FUNDING = 1_000_000_000n;

interface Result {
  scenario: string;
  transfers_per_sec: number;
  requests_per_sec: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
  refused: number;
  invariants: string;
  [extra: string]: unknown;
}

async function main(): Promise<void> {
  const services = serviceUrls();
  const database = `skyro_bench_ledger_${Date.now()}`;
  const admin = new Client({ connectionString: services.databaseUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(services.databaseUrl);
  url.pathname = `/${database}`;

  const { jwk } = await KeyRing.generate();
  const env = {
    DATABASE_URL: url.toString(),
    DATABASE_MIGRATE_ON_BOOT: 'true',
    DATABASE_POOL_MAX: '20',
    MODULES: 'ledger',
    AUTH_SIGNING_KEYS: JSON.stringify([jwk]),
    NODE_ENV: 'production',
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
    BODY_LIMIT_BYTES: String(4 * 1024 * 1024),
    REDIS_URL: services.redisUrl,
    ...(process.env['BENCH_KAFKA'] === '0' ? {} : { KAFKA_BROKERS: services.kafkaBrokers }),
  };
  const tokens = new AccessTokens(await KeyRing.fromJwks([jwk]), loadConfig(env));
  const token = (await tokens.issue({ subject: 'bench', clientId: 'bench', scopes: ['ledger:read', 'ledger:write', 'ledger:reconcile'], ttlSeconds: 3600 }))
    .token;
  // One at a time: the first applies the migrations.
  const apps: Array<{ child: ChildProcess; url: string }> = [];
  for (let i = 0; i < PODS; i++) apps.push(await startBuiltApp(env, await freePort(), 60_000));
  const http =
    PODS === 1
      ? new Pool(apps[0]!.url, { connections: 64, pipelining: 1 })
      : new BalancedPool(
          apps.map((a) => a.url),
          { connections: Math.ceil(64 / PODS), pipelining: 1 },
        );
  const pods = apps.map((a) => new Pool(a.url, { connections: 1 }));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const res = await http.request({ method: 'POST', path, headers, body: JSON.stringify(body) });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  try {
    // Setup through the API: a bank account, 10,000 customer accounts, 10 hot merchant accounts.
    const bank = uuidv7();
    await post('/v1/ledger/accounts', { id: bank, currency: 'EUR', normalSide: 'debit' });
    const customers = Array.from({ length: ACCOUNTS }, () => uuidv7());
    const hot = Array.from({ length: HOT_ACCOUNTS }, () => uuidv7());
    await inParallel([...customers, ...hot], 64, (id) =>
      post('/v1/ledger/accounts', { id, currency: 'EUR', normalSide: 'credit', debitsMustNotExceedCredits: true }),
    );
    for (let i = 0; i < customers.length; i += 1000) {
      const transfers = customers
        .slice(i, i + 1000)
        .map((id) => ({ id: uuidv7(), debitAccountId: bank, creditAccountId: id, amount: FUNDING.toString(), currency: 'EUR' }));
      await post('/v1/ledger/transfers/batch', { transfers });
    }
    const random = () => customers[Math.floor(Math.random() * customers.length)]!;
    const amount = () => String(1 + Math.floor(Math.random() * 10_000));

    const results: Result[] = [];
    if (SCENARIOS.includes('single')) {
      results.push(
        await drive('single', 64, async () => {
          const from = random();
          let to = random();
          while (to === from) to = random();
          const res = await post('/v1/ledger/transfers', { id: uuidv7(), debitAccountId: from, creditAccountId: to, amount: amount(), currency: 'EUR' });
          return { transfers: res.status === 201 ? 1 : 0, status: res.status };
        }),
      );
    }
    if (SCENARIOS.includes('batch')) {
      results.push(
        await drive('batch', 4, async () => {
          const transfers = Array.from({ length: 1000 }, () => {
            const from = random();
            let to = random();
            while (to === from) to = random();
            return { id: uuidv7(), debitAccountId: from, creditAccountId: to, amount: amount(), currency: 'EUR' };
          });
          const res = await post('/v1/ledger/transfers/batch', { transfers });
          const created = res.status === 200 ? (res.body['results'] as Array<{ status: string }>).filter((r) => r.status === 'created').length : 0;
          return { transfers: created, status: res.status };
        }),
      );
    }
    if (SCENARIOS.includes('hot')) {
      results.push(
        await drive('hot', 64, async () => {
          const res = await post('/v1/ledger/transfers', {
            id: uuidv7(),
            debitAccountId: random(),
            creditAccountId: hot[Math.floor(Math.random() * HOT_ACCOUNTS)]!,
            amount: amount(),
            currency: 'EUR',
          });
          return { transfers: res.status === 201 ? 1 : 0, status: res.status };
        }),
      );
    }
    if (SCENARIOS.includes('ceiling')) {
      results.push(
        await drive('ceiling', 64, async () => {
          const res = await http.request({ method: 'GET', path: '/health/live' });
          await res.body.dump();
          return { transfers: 0, status: res.statusCode };
        }),
      );
    }
  } finally {
    await http.close();
    for (const pod of pods) await pod.close();
    for (const app of apps) {
      app.child.kill('SIGTERM');
      await new Promise((r) => app.child.once('exit', r));
    }
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }

  /** The ledger's group-commit histogram from /metrics: transfers committed and commits so far. */
  async function commitStats(): Promise<{ transfers: number; commits: number }> {
    const total = { transfers: 0, commits: 0 };
    for (const pod of pods) {
      const res = await pod.request({ method: 'GET', path: '/metrics' });
      const text = await res.body.text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
      total.transfers += value('skyro_ledger_commit_batch_transfers_sum');
      total.commits += value('skyro_ledger_commit_batch_transfers_count');
    }
    return total;
  }

  /** Closed-loop clients for warm-up plus SECONDS; then the invariants. */
  async function drive(scenario: string, clients: number, request: () => Promise<{ transfers: number; status: number }>): Promise<Result> {
    const latencies: number[] = [];
    let transfers = 0;
    let requests = 0;
    let errors = 0;
    let refused = 0;
    const warmupEnds = Date.now() + WARMUP_SECONDS * 1000;
    const ends = warmupEnds + SECONDS * 1000;
    let commitsBefore: { transfers: number; commits: number } | undefined;
    setTimeout(() => void commitStats().then((c) => (commitsBefore = c)), WARMUP_SECONDS * 1000);
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (Date.now() < ends) {
          const started = process.hrtime.bigint();
          let outcome: { transfers: number; status: number };
          try {
            outcome = await request();
          } catch {
            outcome = { transfers: 0, status: 0 };
          }
          if (Date.now() < warmupEnds) continue;
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          requests++;
          transfers += outcome.transfers;
          if (outcome.status === 422) refused++;
          else if (outcome.status >= 500 || outcome.status === 0 || outcome.status >= 400) errors++;
        }
      }),
    );
    const commitsAfter = await commitStats();
    const commits = commitsBefore ? commitsAfter.commits - commitsBefore.commits : 0;
    latencies.sort((a, b) => a - b);
    const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2));
    const report = await post('/v1/ledger/reconciliations', {});
    const invariants =
      (report.body['mismatchedAccounts'] as string[]).length === 0 && (report.body['unbalancedCurrencies'] as string[]).length === 0
        ? 'ok'
        : `FAILED ${JSON.stringify(report.body)}`;
    const result: Result = {
      scenario,
      transfers_per_sec: Math.round(transfers / SECONDS),
      requests_per_sec: Math.round(requests / SECONDS),
      p50_ms: q(0.5),
      p95_ms: q(0.95),
      p99_ms: q(0.99),
      errors,
      refused,
      invariants,
      clients,
      pods: PODS,
      seconds: SECONDS,
      // Group commit at work: database transactions, and transfers per transaction.
      commits_per_sec: Math.round(commits / SECONDS),
      transfers_per_commit: commits ? Number(((commitsAfter.transfers - commitsBefore!.transfers) / commits).toFixed(1)) : 0,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
    return result;
  }
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
