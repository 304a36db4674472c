import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CONTEXTS } from '@modules';
import { migrateDatabases, planDatabases } from '@platform/database/databases';
import { createLogger } from '@platform/logging/logger';
import { customer, openCustomerAccount } from '@test/accounts/accounts-support';
import { ledgerClient, newUuid, openAccount } from '@test/ledger/ledger-support';
import type { TestApp } from '@test/support/app';
import { sql } from '@test/support/database';
import { freePort } from '@platform/net/free-port';

const exec = promisify(execFile);
const SERVICES_SH = join(__dirname, '../../../scripts/services.sh');
const STATE_PREFIX = 'skyro-faults-';

export type ServiceName = 'pg' | 'redis' | 'kafka';

/**
 * A PostgreSQL cluster, Redis or Kafka broker of this test file alone (scripts/services.sh
 * with a state dir and ports of its own): fault tests stop, crash and restart it while
 * the other test files keep using the shared ones.
 */
export class PrivateServices {
  /** Seconds each service operation took, for docs/RELIABILITY.md. */
  readonly timings: Array<{ operation: string; seconds: number }> = [];

  private constructor(
    readonly stateDir: string,
    private readonly env: Record<string, string>,
    private readonly ports: { pg: number; redis: number; kafka: number },
  ) {}

  static async start(tag: string, services: readonly ServiceName[]): Promise<PrivateServices> {
    await purgeLeftovers();
    const stateDir = join('/tmp', `${STATE_PREFIX}${tag}-${process.pid}-${Date.now().toString(36)}`);
    const [pg, redis, kafka, controller] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = {
      SKYRO_STATE_DIR: stateDir,
      SKYRO_PG_PORT: String(pg),
      SKYRO_REDIS_PORT: String(redis),
      SKYRO_KAFKA_PORT: String(kafka),
      SKYRO_KAFKA_CONTROLLER_PORT: String(controller),
    };
    const instance = new PrivateServices(stateDir, env, { pg, redis, kafka });
    for (const service of services) await instance.up(service);
    return instance;
  }

  get databaseUrl(): string {
    return `postgres://skyro:skyro@127.0.0.1:${this.ports.pg}/skyro`;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.ports.redis}`;
  }

  get kafkaBrokers(): string {
    return `127.0.0.1:${this.ports.kafka}`;
  }

  up(service: ServiceName): Promise<void> {
    return this.run(['up', '--only', service]);
  }

  /** fast: a clean stop (PostgreSQL ends sessions with 57P01); smart: PostgreSQL refuses new sessions (57P03); kill: SIGKILL. */
  down(service: ServiceName, mode: 'fast' | 'smart' | 'kill' = 'fast'): Promise<void> {
    return this.run(['down', '--only', service, '--mode', mode]);
  }

  restart(service: ServiceName): Promise<void> {
    return this.run(['restart', '--only', service]);
  }

  purge(): Promise<void> {
    return this.run(['purge']);
  }

  private async run(args: string[]): Promise<void> {
    const started = Date.now();
    try {
      await exec(SERVICES_SH, args, { env: { ...process.env, ...this.env }, timeout: 180_000 });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`services.sh ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
    }
    this.timings.push({ operation: args.join(' '), seconds: (Date.now() - started) / 1000 });
  }
}

/** Private instances left by a test process that died before purging them (older than an hour). */
async function purgeLeftovers(): Promise<void> {
  for (const name of readdirSync('/tmp').filter((n) => n.startsWith(STATE_PREFIX))) {
    const dir = join('/tmp', name);
    try {
      if (Date.now() - statSync(dir).mtimeMs < 3600_000) continue;
      await exec(SERVICES_SH, ['purge'], { env: { ...process.env, SKYRO_STATE_DIR: dir }, timeout: 120_000 });
    } catch {
      // another run's purge got there first
    }
  }
}

/** Applies every context's migrations to a private cluster's database (what the test template is elsewhere). */
export async function migrate(url: string): Promise<void> {
  await migrateDatabases(planDatabases(url, CONTEXTS, {}), createLogger('silent'));
}

// ------------------------------------------------------------------------------------ load

export interface Operation {
  /** A label for the report (e.g. `ledger transfer`). */
  readonly route: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  /** The transfer id this operation creates (checked in the ledger afterwards). */
  readonly transferId?: string;
}

export interface Answer {
  readonly route: string;
  readonly at: number;
  readonly ms: number;
  readonly status: number;
  readonly code?: string;
  readonly retryAfter?: string;
  readonly contentType?: string;
  readonly error?: string;
}

/** Loads and probes still running: a test that failed half-way leaves them to afterEach. */
const running = new Set<{ abort(): Promise<void> }>();

/** Stops whatever load or probe a failed test left running (call it in afterEach). */
export async function abortRunning(): Promise<void> {
  await Promise.all([...running].map((r) => r.abort()));
}

export interface LoadOptions {
  /** Pause between one client's operations (0: back to back). */
  readonly paceMs?: number;
  /** Longest a client keeps retrying one operation before it counts it as failed. */
  readonly giveUpMs?: number;
}

/**
 * Concurrent HTTP clients, each sending its operations one after another, as a retrying
 * client would: a 503 with Retry-After is waited out (at most 1 s, with jitter) and the same
 * request — the same transfer id and Idempotency-Key — sent again until it is acknowledged (2xx). Anything
 * else is kept as an unexpected answer. Every answer is recorded.
 */
export class Load {
  readonly answers: Answer[] = [];
  /** Transfer ids acknowledged with a 2xx, with when. */
  readonly acknowledged = new Map<string, number>();
  /** Operations that got an answer other than 2xx or 503-with-Retry-After (or never an acknowledgement). */
  readonly failed: Array<{ operation: Operation; answer: Answer }> = [];
  private stopping = false;
  private aborted = false;
  private loops: Promise<void>[] = [];
  readonly startedAt = Date.now();

  constructor(
    private readonly baseUrl: (operation: Operation) => string,
    private readonly options: LoadOptions = {},
  ) {}

  start(clients: ReadonlyArray<() => Operation>): this {
    this.loops = clients.map((next) => this.client(next));
    running.add(this);
    return this;
  }

  /** Lets every client finish (acknowledge) the operation it is on, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    running.delete(this);
  }

  /** Stops at once, without waiting for acknowledgements (a test that failed half-way). */
  async abort(): Promise<void> {
    this.aborted = true;
    await this.stop();
  }

  /** What the clients got so far, for a timeout's message. */
  summary(): string {
    return `${this.acks} acknowledged; answers ${JSON.stringify(tally(this.answers))}; failed ${JSON.stringify(this.failed.slice(0, 3))}`;
  }

  /** Acknowledged transfers so far. */
  get acks(): number {
    return this.acknowledged.size;
  }

  private async client(next: () => Operation): Promise<void> {
    while (!this.stopping) {
      await this.perform(next());
      if (this.options.paceMs) await sleep(this.options.paceMs * (0.5 + Math.random()));
    }
  }

  private async perform(operation: Operation): Promise<void> {
    const deadline = Date.now() + (this.options.giveUpMs ?? 120_000);
    for (;;) {
      const answer = await this.send(operation);
      this.answers.push(answer);
      if (answer.status >= 200 && answer.status < 300) {
        if (operation.transferId) this.acknowledged.set(operation.transferId, answer.at);
        return;
      }
      if (this.aborted) return;
      const retryable = retryLater(answer) || answer.error !== undefined;
      if (!retryable || Date.now() > deadline) {
        this.failed.push({ operation, answer });
        return;
      }
      const wait = answer.retryAfter !== undefined ? Math.min(1000, Number(answer.retryAfter) * 1000) : 200;
      await sleep(wait * (0.5 + Math.random() / 2));
    }
  }

  private async send(operation: Operation): Promise<Answer> {
    const at = Date.now();
    try {
      const response = await fetch(this.baseUrl(operation) + operation.path, {
        method: operation.method,
        headers: { ...operation.headers, ...(operation.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: operation.body === undefined ? undefined : JSON.stringify(operation.body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      let code: string | undefined;
      if (response.status >= 400) {
        try {
          code = (JSON.parse(text) as { code?: string }).code;
        } catch {
          code = undefined;
        }
      }
      return {
        route: operation.route,
        at,
        ms: Date.now() - at,
        status: response.status,
        code,
        retryAfter: response.headers.get('retry-after') ?? undefined,
        contentType: response.headers.get('content-type') ?? undefined,
      };
    } catch (error) {
      return { route: operation.route, at, ms: Date.now() - at, status: 0, error: (error as Error).message };
    }
  }
}

/**
 * An answer that tells the client to come back: a 503 problem document with Retry-After.
 * (A retry whose earlier attempt failed while the database was down is not told 409
 * IDEMPOTENCY_REQUEST_IN_PROGRESS: that attempt's claim is known to be abandoned.)
 */
export function retryLater(answer: Answer): boolean {
  if (answer.retryAfter === undefined || !answer.contentType?.startsWith('application/problem+json')) return false;
  return answer.status === 503;
}

/**
 * Answers that are neither 2xx nor a 503 problem document with Retry-After and one of the
 * `allowed` codes (network errors count too: the app itself never went away).
 */
export function unexpectedAnswers(answers: readonly Answer[], allowed: readonly string[]): Answer[] {
  return answers.filter((a) => {
    if (a.status >= 200 && a.status < 300) return false;
    return !(retryLater(a) && allowed.includes(a.code ?? ''));
  });
}

/** How many answers of each kind, e.g. `{ '201': 4210, '503 DATABASE_UNAVAILABLE': 37 }`. */
export function tally(answers: readonly Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status === 0 ? 'network error' : a.code ? `${a.status} ${a.code}` : String(a.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

// ------------------------------------------------------------------------------- readiness

export interface ReadinessSample {
  /** When the probe asked, and when it had the answer. */
  readonly at: number;
  readonly answeredAt: number;
  readonly status: number;
  readonly failing: readonly string[];
  /** The failing parts whose check did not answer in time (rather than failing). */
  readonly timedOut: readonly string[];
}

/** Polls /health/ready every `everyMs` until stopped; each sample names the failing parts. */
export class ReadinessProbe {
  readonly samples: ReadinessSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly baseUrl: string,
    everyMs = 200,
  ) {
    running.add(this);
    this.loop = (async () => {
      while (this.running) {
        this.samples.push(await this.sample());
        await sleep(everyMs);
      }
    })();
  }

  async sample(): Promise<ReadinessSample> {
    const at = Date.now();
    try {
      const response = await fetch(`${this.baseUrl}/health/ready`, { signal: AbortSignal.timeout(5000) });
      const body = (await response.json()) as { failing?: string[]; checks?: Record<string, { message?: string }> };
      const failing = body.failing ?? [];
      const timedOut = failing.filter((part) => /timeout/i.test(body.checks?.[part]?.message ?? ''));
      return { at, answeredAt: Date.now(), status: response.status, failing, timedOut };
    } catch {
      return { at, answeredAt: Date.now(), status: 0, failing: ['(no answer)'], timedOut: [] };
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    running.delete(this);
  }

  abort(): Promise<void> {
    return this.stop();
  }

  /** Samples asked and answered between two instants (one asked before a part came back may be answered after). */
  between(from: number, to: number): ReadinessSample[] {
    return this.samples.filter((s) => s.at >= from && s.answeredAt <= to);
  }
}

// ---------------------------------------------------------------------------------- ledger

/** The transfers' ledger rows: each id once, with its two postings. */
export async function ledgerRows(databaseUrl: string, ids: readonly string[]): Promise<Array<{ id: string; postings: number }>> {
  const rows = await sql<{ id: string; postings: string }>(
    databaseUrl,
    `select t.id, (select count(*) from ledger.postings p where p.transfer_id = t.id) as postings from ledger.transfers t where t.id = any($1)`,
    [ids],
  );
  return rows.map((r) => ({ id: r.id, postings: Number(r.postings) }));
}

/** Events still waiting in the outboxes of these contexts. */
export async function outboxBacklog(databaseUrl: string, contexts: readonly string[]): Promise<number> {
  const rows = await sql<{ n: string }>(databaseUrl, contexts.map((c) => `select count(*) as n from ${c}.outbox`).join(' union all '));
  return rows.reduce((sum, r) => sum + Number(r.n), 0);
}

/** Waits until the outboxes are empty; answers how long it took (ms), or throws. */
export async function untilOutboxDrained(databaseUrl: string, contexts: readonly string[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const backlog = await outboxBacklog(databaseUrl, contexts);
    if (backlog === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`the outbox still holds ${backlog} events ${timeoutMs} ms after recovery`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------- report

/** Writes what a fault test ran (counts, durations, outcomes) where docs/RELIABILITY.md is filled from. */
export function writeReport(name: string, report: Record<string, unknown>): void {
  const dir = process.env['SKYRO_FAULT_REPORT_DIR'] ?? join(tmpdir(), 'skyro-fault-reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), ...report }, null, 2));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --------------------------------------------------------------------------------- fixture

export interface Bank {
  /** A service client's headers for the whole ledger API. */
  readonly ledgerAuth: Record<string, string>;
  readonly ledgerAccounts: readonly string[];
  readonly customers: ReadonlyArray<{ readonly auth: Record<string, string>; readonly accountId: string; readonly ledgerAccountId: string }>;
  /** A ledger transfer between two funded ledger accounts (a service client). */
  ledgerTransfer(): Operation;
  /** A customer's transfer from their account to another customer's (session token: the cache on every request). */
  customerTransfer(): Operation;
  /** A read: a ledger balance, or a customer's own account. */
  read(): Operation;
}

/** A bank account, `ledgerAccounts` funded ledger accounts and `customers` customers with a funded account each. */
export async function openBank(t: TestApp, counts: { ledgerAccounts: number; customers: number }): Promise<Bank> {
  const ledgerAuth = await ledgerClient(t);
  const bank = await openAccount(t, ledgerAuth, { normalSide: 'debit' });
  const fund = async (ledgerAccountId: string) => {
    const res = await t
      .http()
      .post('/v1/ledger/transfers')
      .set(ledgerAuth)
      .send({ id: newUuid(), debitAccountId: bank, creditAccountId: ledgerAccountId, amount: '1000000000', currency: 'EUR' });
    if (res.status !== 201) throw new Error(`funding failed: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const ledgerAccounts: string[] = [];
  for (let i = 0; i < counts.ledgerAccounts; i++) {
    const id = await openAccount(t, ledgerAuth);
    await fund(id);
    ledgerAccounts.push(id);
  }
  const customers: Array<Bank['customers'][number]> = [];
  for (let i = 0; i < counts.customers; i++) {
    const who = await customer(t);
    const account = await openCustomerAccount(t, who);
    await fund(account.ledgerAccountId);
    customers.push({ auth: who.auth, accountId: account.id, ledgerAccountId: account.ledgerAccountId });
  }
  let n = 0;
  const pick = <T>(list: readonly T[], offset = 0) => list[(n + offset) % list.length]!;
  return {
    ledgerAuth,
    ledgerAccounts,
    customers,
    ledgerTransfer() {
      n++;
      const id = newUuid();
      const debitAccountId = pick(ledgerAccounts);
      const creditAccountId = pick(ledgerAccounts, 1 + (n % (ledgerAccounts.length - 1)));
      const body = { id, debitAccountId, creditAccountId, amount: String(1 + (n % 40)), currency: 'EUR' };
      // A retry sends this same operation: the same transfer id and the same Idempotency-Key.
      const headers = { ...ledgerAuth, 'idempotency-key': `fault-${id}` };
      return { route: 'POST /v1/ledger/transfers', method: 'POST', path: '/v1/ledger/transfers', headers, body, transferId: id };
    },
    customerTransfer() {
      n++;
      const id = newUuid();
      const from = pick(customers);
      const to = pick(customers, 1 + (n % (customers.length - 1)));
      const body = { id, toAccountId: to.accountId, amount: String(1 + (n % 40)) };
      return {
        route: 'POST /v1/accounts/:id/transfers',
        method: 'POST',
        path: `/v1/accounts/${from.accountId}/transfers`,
        headers: { ...from.auth, 'idempotency-key': `fault-${id}` },
        body,
        transferId: id,
      };
    },
    read() {
      n++;
      if (n % 2 === 0) return { route: 'GET /v1/ledger/accounts/:id', method: 'GET', path: `/v1/ledger/accounts/${pick(ledgerAccounts)}`, headers: ledgerAuth };
      const who = pick(customers);
      return { route: 'GET /v1/accounts/:id', method: 'GET', path: `/v1/accounts/${who.accountId}`, headers: who.auth };
    },
  };
}

/** The address a listening test app serves on. */
export async function urlOf(t: TestApp): Promise<string> {
  return (await t.app.getUrl()).replace('[::1]', '127.0.0.1').replace(/\/$/, '');
}

/** What every fault test asserts once the fault is over (the ledger's side). */
export async function ledgerAfterFault(t: TestApp, bank: Bank, databaseUrl: string, load: Load, outboxes: readonly string[], drainTimeoutMs: number) {
  const ids = [...load.acknowledged.keys()];
  const rows = await ledgerRows(databaseUrl, ids);
  const reconciliation = (await t.http().post('/v1/ledger/reconciliations').set(bank.ledgerAuth).send({})).body as Record<string, unknown>;
  const drainMs = await untilOutboxDrained(databaseUrl, outboxes, drainTimeoutMs);
  return { ids, rows, reconciliation, drainMs };
}

/** Waits until `condition` holds (polling every 50 ms), or throws after `timeoutMs` naming `what`. */
export async function until(what: string | (() => string), condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(50);
  }
}

/** The client mix of the restart tests: 6 clients of ledger transfers, 6 of customer transfers and 4 readers (16). */
export function startBankLoad(url: () => string, bank: Bank): Load {
  return new Load(url).start([
    ...Array.from({ length: 6 }, () => () => bank.ledgerTransfer()),
    ...Array.from({ length: 6 }, () => () => bank.customerTransfer()),
    ...Array.from({ length: 4 }, () => () => bank.read()),
  ]);
}

/** When a service was taken down under load and brought back, and how long after `upAt` the first transfer was acknowledged. */
export interface Outage {
  readonly downAt: number;
  readonly downedAt: number;
  readonly upAt: number;
  readonly recoveredMs: number;
}

/**
 * Once `load` has 100 acknowledged transfers, takes `service` down for `downMs`, starts it
 * again and waits for 100 more; then stops the load.
 */
export async function outageUnderLoad(services: PrivateServices, service: ServiceName, downMs: number, load: Load): Promise<Outage> {
  await until(
    () => `100 transfers before the fault (${load.summary()})`,
    () => load.acks >= 100,
    120_000,
  );
  const downAt = Date.now();
  await services.down(service);
  const downedAt = Date.now();
  await sleep(downMs);
  const upAt = Date.now();
  await services.up(service);
  const acksAtUp = load.acks;
  await until(
    () => `100 transfers after the restart (${load.summary()})`,
    () => load.acks >= acksAtUp + 100,
    120_000,
  );
  const recoveredMs = Math.min(...[...load.acknowledged.values()].filter((at) => at > upAt)) - upAt;
  await load.stop();
  return { downAt, downedAt, upAt, recoveredMs };
}

/** The figures a restart test writes to its report (docs/RELIABILITY.md). */
export function restartReport(
  services: PrivateServices,
  load: Load,
  outage: Outage,
  after: { readonly acknowledgedTransfers: number; readonly readinessSamplesDuringOutage: number; readonly outboxDrainMs: number },
): Record<string, unknown> {
  return {
    clients: 16,
    outageSeconds: (outage.upAt - outage.downAt) / 1000,
    recoveredMsAfterUp: outage.recoveredMs,
    answers: tally(load.answers),
    ...after,
    durationSeconds: (Date.now() - load.startedAt) / 1000,
    serviceOperations: services.timings,
  };
}
