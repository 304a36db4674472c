import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import { ledgerTransferId } from '@modules/payments/domain/ledger-ids';
import { freePort } from '@platform/net/free-port';
import { kafkaPrefix, startTestApp, testSigningKeys, type TestApp } from '../support/app';
import { bearer, clientToken, loginAs } from '../support/auth';
import { startChildApp, type ChildApp } from '../support/child-app';
import { createTestDatabase, sql } from '../support/database';
import { serviceUrls } from '../support/services';
import { AdyenFake } from '../support/providers/adyen-fake';
import { adyenEnv, paypalEnv, stripeEnv } from '../support/providers/gateway-env';
import { BankPayoutFake } from '../support/providers/bank-payout-fake';
import { FaultPlan, injectedFaults } from '../support/providers/payment-faults';
import { PaypalFake } from '../support/providers/paypal-fake';
import { StripeFake } from '../support/providers/stripe-fake';

/*
 * The fault run (issue 10 item 9): one app (real PostgreSQL, Redis, Kafka; Stripe, Adyen and
 * PayPal connectors and a SEPA payout connector pointed at the fakes, short timeouts and job
 * intervals) in a child process, driven over HTTP with PAYMENTS_FAULTS_COUNT payments (pay-ins
 * by card and wallet across the three gateways by routing rules, payouts, refunds) while every
 * fake injects seeded random faults (payment-faults.ts): 5xx before the work, hangs, dropped
 * sockets and 5xx after it; webhooks twice, late, before the answer, or never. Halfway the
 * app is SIGKILLed and started again on the same database; the clients retry what got no
 * answer with the same Idempotency-Key. Once it has converged: every payment is final or
 * flagged for review; each provider's own records agree with ours (at most one charge per
 * payment, the amount, only on the connector that carries it); the ledger holds one credit
 * per settled pay-in, no pending hold for a payout or refund that ended, and balances.
 *
 * Replay a failure with PAYMENTS_FAULTS_SEED=<the seed printed first>: customers, keys and
 * therefore payment ids derive from it, and the faults are a hash of the seed and the request.
 */

const SEED = process.env['PAYMENTS_FAULTS_SEED'] ?? randomBytes(4).toString('hex');
const COUNT = Number(process.env['PAYMENTS_FAULTS_COUNT'] ?? 2000);
const CUSTOMERS = 40;
const CLIENTS = 12;
const NS = '2f0c8a51-6d3e-4b7a-9c1f-5e8d7a6b4c30';
const FIXTURE_MAIN = ['-r', '@swc-node/register', join(__dirname, '../fixtures/payments-faults.main.ts')];
const SETTLED = new Set(['succeeded', 'partially_refunded', 'refunded']);
const FINAL = new Set(['succeeded', 'partially_refunded', 'refunded', 'failed', 'canceled', 'returned']);

/** A number in [0, 1) from the seed and a label: the run's plan, the same for the same seed. */
const draw = (label: string) => createHash('sha256').update(`${SEED}:${label}`).digest().readUInt32BE(0) / 2 ** 32;
const idOf = (label: string) => uuidv5(`${SEED}:${label}`, NS);

interface Planned {
  readonly i: number;
  readonly kind: 'pay_in' | 'payout';
  readonly customer: number;
  readonly key: string;
  readonly body: Record<string, unknown>;
}

function plan(i: number): Planned {
  const customer = Math.floor(draw(`customer:${i}`) * CUSTOMERS);
  const key = idOf(`payment:${i}`);
  const amount = 100 + Math.floor(draw(`amount:${i}`) * 9000);
  const r = draw(`kind:${i}`);
  if (r < 0.2) return { i, kind: 'payout', customer, key, body: { amount: String(amount), currency: 'EUR', method: 'sepa' } };
  if (r < 0.45) return { i, kind: 'pay_in', customer, key, body: { amount: String(amount), currency: 'EUR', method: 'wallet' } };
  // Cards: Adyen below 3000 minor units, Stripe (Adyen behind it) above, by routing rule; some are declined.
  const declined = draw(`declined:${i}`) < 0.1;
  const token = declined ? (amount < 3000 ? 'stored-refused' : 'pm_card_chargeDeclined') : amount < 3000 ? 'stored-visa' : 'pm_card_visa';
  return { i, kind: 'pay_in', customer, key, body: { amount: String(amount), currency: 'EUR', method: 'card', paymentMethodToken: token } };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe('payments fault run: provider faults and a SIGKILL, then everything converges', () => {
  let db: { url: string; drop(): Promise<void> };
  let mint: TestApp | undefined;
  let app: ChildApp | undefined;
  const stripe = new StripeFake();
  const adyen = new AdyenFake();
  const paypal = new PaypalFake();
  const bank = new BankPayoutFake();
  const fakes = { stripe, adyen, paypal, sepa: bank } as const;
  let buyerStop = false;

  afterAll(async () => {
    buyerStop = true;
    app?.child.kill('SIGKILL');
    await app?.exited();
    await mint?.close();
    for (const fake of Object.values(fakes)) await fake.close();
    await db?.drop();
  });

  it('every payment final or flagged, providers and ledger agree, nothing charged or credited twice, no hold dangling', async () => {
    process.stdout.write(`${JSON.stringify({ faultRun: 'start', seed: SEED, payments: COUNT })}\n`);
    const started = Date.now();
    db = await createTestDatabase();
    for (const [name, fake] of Object.entries(fakes)) {
      await fake.start();
      fake.faults = new FaultPlan(`${SEED}:${name}`);
    }
    const dbName = new URL(db.url).pathname.slice(1);
    const services = serviceUrls();
    const port = await freePort();
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_URL: db.url,
      DATABASE_POOL_MAX: '20',
      REDIS_URL: services.redisUrl,
      REDIS_KEY_PREFIX: `${dbName}:`,
      KAFKA_BROKERS: services.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: kafkaPrefix('payfaults'),
      KAFKA_TOPIC_PARTITIONS: '3',
      OUTBOX_POLL_INTERVAL_MS: '50',
      AUTH_SIGNING_KEYS: await testSigningKeys(),
      MODULES: 'ledger,accounts,payments',
      ACCOUNTS_CURRENCIES: 'EUR',
      PAYMENTS_LIMIT_PER_DAY: '100000000',
      PAYMENTS_LIMIT_PER_MONTH: '100000000',
      PAYMENTS_PAYOUT_FEE: '25',
      PAYMENTS_DISPATCH_INTERVAL_MS: '250',
      PAYMENTS_DISPATCH_LEASE_MS: '5000',
      PAYMENTS_DISPATCH_MAX_ATTEMPTS: '6',
      PAYMENTS_RETRY_BASE_MS: '100',
      PAYMENTS_SYNC_INTERVAL_MS: '500',
      PAYMENTS_SYNC_AFTER_SECONDS: '2',
      PAYMENTS_SYNC_MAX_FAILURES: '10',
      PAYMENTS_EVENTS_INTERVAL_MS: '250',
      PAYMENTS_EVENTS_MAX_ATTEMPTS: '12',
      PAYMENTS_GATEWAY_TIMEOUT_MS: '1500',
      PAYMENTS_BREAKER_FAILURES: '50',
      PAYMENTS_BREAKER_COOLDOWN_MS: '500',
      ...stripeEnv(stripe),
      ...adyenEnv(adyen),
      ...paypalEnv(paypal),
      PAYMENTS_ROUTING_RULES: JSON.stringify([
        { connectors: ['adyen'], methods: ['card'], maxAmount: '2999' },
        { connectors: ['stripe', 'adyen'], methods: ['card'] },
        { connectors: ['paypal'], methods: ['wallet'] },
      ]),
      FAULTS_BANK_URL: bank.url,
      FAULTS_BANK_API_KEY: bank.apiKey,
      FAULTS_BANK_WEBHOOK_SECRET: bank.webhookSecret,
    };
    const base = `http://127.0.0.1:${port}`;
    for (const [name, fake] of Object.entries(fakes)) fake.webhookUrl = `${base}/v1/payment-webhooks/${name}`;
    app = await startChildApp(env, 120_000, FIXTURE_MAIN);
    // Tokens: minted by an app of this process on the same Redis key space (sessions live there).
    mint = await startTestApp({ contexts: [], databaseUrl: db.url, redis: true });

    const call = async (method: string, path: string, auth: Record<string, string>, body?: object, key?: string): Promise<Answer> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...auth, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    /** Retries what got no answer (the app is down, a 5xx) with the same key until it has one. */
    const until = async (method: string, path: string, auth: Record<string, string>, body?: object, key?: string): Promise<Answer> => {
      for (let attempt = 0; ; attempt++) {
        const answer = await call(method, path, auth, body, key).catch(() => null);
        // 409 IN_PROGRESS: the first attempt's claim is held until it lapses (its process was killed)
        if (answer && answer.status < 500 && !(answer.status === 409 && answer.body['code'] === 'IDEMPOTENCY_REQUEST_IN_PROGRESS')) return answer;
        if (attempt > 600) throw new Error(`${method} ${path}: no answer (${answer?.status ?? 'connection'})`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    // Customers (ids from the seed), each with a funded account and a SEPA beneficiary.
    const ledger = bearer(await clientToken(mint.app, 'payments-faults', ['ledger:read', 'ledger:write', 'ledger:reconcile']));
    const treasury = idOf('treasury');
    expect((await until('POST', '/v1/ledger/accounts', ledger, { id: treasury, currency: 'EUR', normalSide: 'debit' })).status).toBe(201);
    const FUNDING = 5_000_000n;
    const customers = await Promise.all(
      Array.from({ length: CUSTOMERS }, async (_, c) => {
        const id = idOf(`customer:${c}`);
        const auth = bearer((await loginAs(mint!.app, id)).token);
        const account = await until('POST', '/v1/accounts', auth, { product: 'checking', currency: 'EUR' });
        if (account.status !== 201) throw new Error(`account: ${account.status} ${JSON.stringify(account.body)}`);
        const accountId = account.body['id'] as string;
        const ledgerAccountId = account.body['ledgerAccountId'] as string;
        const funded = await until('POST', '/v1/ledger/transfers', ledger, {
          id: idOf(`funding:${c}`),
          debitAccountId: treasury,
          creditAccountId: ledgerAccountId,
          amount: FUNDING.toString(),
          currency: 'EUR',
        });
        if (funded.status !== 201) throw new Error(`funding: ${funded.status} ${JSON.stringify(funded.body)}`);
        const beneficiary = await until(
          'POST',
          '/v1/beneficiaries',
          auth,
          { rail: 'sepa', name: 'Erika Mustermann', currency: 'EUR', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
          idOf(`beneficiary:${c}`),
        );
        if (beneficiary.status !== 201) throw new Error(`beneficiary: ${beneficiary.status} ${JSON.stringify(beneficiary.body)}`);
        return { id, auth, accountId, ledgerAccountId, beneficiaryId: beneficiary.body['id'] as string };
      }),
    );

    // The buyer at PayPal and the customers asking for refunds, alongside the clients.
    const approved = new Set<string>();
    const refunded = new Set<string>();
    const refundsAsked: string[] = [];
    const buyer = (async () => {
      while (!buyerStop) {
        const waiting = await sql<{ id: string; owner_id: string; provider_reference: string }>(
          db.url,
          "select id, owner_id, provider_reference from payments.payments where connector = 'paypal' and state = 'requires_action' and provider_reference is not null",
        ).catch(() => []);
        for (const p of waiting) {
          if (approved.has(p.id)) continue;
          approved.add(p.id);
          const who = customers.find((c) => c.id === p.owner_id)!;
          if (draw(`abandon:${p.id}`) < 0.1) {
            // The buyer never approves; the customer cancels.
            await until('POST', `/v1/payments/${p.id}/cancel`, who.auth, {}, idOf(`cancel:${p.id}`)).catch(() => undefined);
          } else if (paypal.orders.has(p.provider_reference)) {
            paypal.notify(paypal.approve(p.provider_reference), `approve ${p.provider_reference}`);
          }
        }
        const settled = await sql<{ id: string; owner_id: string; amount: string }>(
          db.url,
          "select id, owner_id, amount::text as amount from payments.payments where kind = 'pay_in' and state = 'succeeded' and review is null",
        ).catch(() => []);
        for (const p of settled) {
          if (refunded.has(p.id) || draw(`refund:${p.id}`) >= 0.15) continue;
          refunded.add(p.id);
          const who = customers.find((c) => c.id === p.owner_id)!;
          const partial = draw(`partial:${p.id}`) < 0.5;
          const body = partial ? { amount: String(BigInt(p.amount) / 2n || 1n) } : {};
          const answer = await until('POST', `/v1/payments/${p.id}/refunds`, who.auth, body, idOf(`refund:${p.id}`)).catch(() => null);
          if (answer?.status === 202) refundsAsked.push(p.id);
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    // The clients: COUNT payments over HTTP; halfway the app is killed and started again.
    const planned = Array.from({ length: COUNT }, (_, i) => plan(i));
    const answers = new Map<number, Answer>();
    let next = 0;
    let restart: { killedAt: number; upAgainMs: number; answeredBefore: number } | undefined;
    const client = async () => {
      while (next < planned.length) {
        const p = planned[next++]!;
        const who = customers[p.customer]!;
        const body = p.kind === 'payout' ? { ...p.body, accountId: who.accountId, beneficiaryId: who.beneficiaryId } : { ...p.body, accountId: who.accountId };
        answers.set(p.i, await until('POST', p.kind === 'payout' ? '/v1/payouts' : '/v1/payments', who.auth, body, p.key));
      }
    };
    const killer = (async () => {
      while (answers.size < COUNT / 2) await new Promise((r) => setTimeout(r, 20));
      const killedAt = Date.now();
      const answeredBefore = answers.size;
      app.child.kill('SIGKILL');
      expect((await app.exited()).signal).toBe('SIGKILL');
      app = await startChildApp(env, 120_000, FIXTURE_MAIN);
      restart = { killedAt: killedAt - started, upAgainMs: Date.now() - killedAt, answeredBefore };
    })();
    await Promise.all([...Array.from({ length: CLIENTS }, client), killer]);
    const refused = [...answers.values()].filter((a) => a.status !== 201);
    expect(refused.map((a) => `${a.status} ${String(a.body['code'])}`)).toEqual([]);

    // Converge: nothing open that is not flagged, no refund pending, no webhook in flight.
    const open = () =>
      sql<{ n: number }>(
        db.url,
        `select count(*)::int as n from payments.payments p where p.review is null and (p.state in ('created', 'processing', 'requires_action')
           or exists (select 1 from payments.refunds r where r.payment_id = p.id and r.state in ('pending', 'processing')))`,
      ).then((rows) => rows[0]!.n);
    const deadline = Date.now() + 240_000;
    while ((await open()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    buyerStop = true;
    await buyer;
    for (const fake of Object.values(fakes)) await fake.settled();
    await new Promise((r) => setTimeout(r, 1500)); // the last events stored are applied

    const payments = await sql<{
      id: string;
      owner_id: string;
      kind: string;
      state: string;
      amount: string;
      fee: string;
      refunded_amount: string;
      connector: string | null;
      review: string | null;
    }>(
      db.url,
      'select id, owner_id, kind, state, amount::text as amount, fee::text as fee, refunded_amount::text as refunded_amount, connector, review from payments.payments',
    );
    const byState: Record<string, number> = {};
    for (const p of payments) byState[p.state] = (byState[p.state] ?? 0) + 1;
    const flagged = payments.filter((p) => p.review !== null);
    const figures = {
      faultRun: 'done',
      seed: SEED,
      payments: payments.length,
      states: byState,
      review: flagged.length,
      reviewReasons: countBy(flagged.map((p) => (p.review ?? '').replace(/[0-9a-f-]{36}/g, '<id>').replace(/\d+/g, 'N'))),
      refunds: refundsAsked.length,
      faults: injectedFaults(Object.values(fakes).map((f) => f.faults!)),
      restart,
      durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);

    // 1. Every payment the clients created exists, and each is final or flagged for review.
    expect(payments).toHaveLength(COUNT);
    expect(payments.filter((p) => !FINAL.has(p.state) && p.review === null).map((p) => `${p.id} ${p.kind} ${p.state} ${p.connector}`)).toEqual([]);

    // 2. Each provider's own record: at most one charge per payment, only on the connector that carries it, of its amount.
    const charges = new Map<string, Array<{ connector: string; amount: bigint }>>();
    const add = (paymentId: string | undefined, connector: string, amount: bigint) => {
      if (!paymentId) return;
      charges.set(paymentId, [...(charges.get(paymentId) ?? []), { connector, amount }]);
    };
    for (const c of stripe.charges) add(c.paymentId, 'stripe', BigInt(c.amount));
    for (const c of adyen.charges) add(c.reference, 'adyen', BigInt(c.value));
    for (const c of paypal.charges) add(c.customId, 'paypal', BigInt(c.value.replace('.', '')));
    for (const c of bank.paid) add(c.paymentId, 'sepa', BigInt(c.amount));
    const disagreements: string[] = [];
    for (const p of payments) {
      const taken = charges.get(p.id) ?? [];
      if (taken.length > 1) disagreements.push(`${p.id}: charged ${taken.length} times (${taken.map((t) => t.connector).join(', ')})`);
      if (p.review !== null) continue;
      const settled = SETTLED.has(p.state);
      if (settled && (taken.length !== 1 || taken[0]!.connector !== p.connector || taken[0]!.amount !== BigInt(p.amount)))
        disagreements.push(
          `${p.id}: ${p.state} on ${p.connector} for ${p.amount}, provider took ${JSON.stringify(taken.map((t) => [t.connector, String(t.amount)]))}`,
        );
      if (!settled && taken.length > 0) disagreements.push(`${p.id}: ${p.state} but ${taken[0]!.connector} took ${taken[0]!.amount}`);
    }
    expect(disagreements).toEqual([]);

    // 3. The ledger: one credit per settled pay-in and none otherwise; a payout's hold posted or voided as it ended; refunds' holds resolved.
    const transfers = await sql<{ id: string; kind: string; amount: string; pending_state: string | null }>(
      db.url,
      `select t.id, t.kind, t.amount::text as amount, pt.state as pending_state from ledger.transfers t
       left join ledger.pending_transfers pt on pt.id = t.id where t.reference like 'payments:%' or t.pending_id is not null`,
    );
    const transfer = new Map(transfers.map((t) => [t.id, t]));
    const refundRows = await sql<{ id: string; payment_id: string; state: string; amount: string }>(
      db.url,
      'select id, payment_id, state, amount::text as amount from payments.refunds',
    );
    const ledgerProblems: string[] = [];
    const expected = new Map<string, bigint>(customers.map((c) => [c.ledgerAccountId, FUNDING]));
    const ledgerAccountOf = new Map(customers.map((c) => [c.id, c.ledgerAccountId]));
    for (const p of payments) {
      const account = ledgerAccountOf.get(p.owner_id)!;
      const credit = transfer.get(ledgerTransferId(p.id, 'credit'));
      if (p.kind === 'pay_in') {
        const settled = SETTLED.has(p.state);
        if (settled && credit?.amount !== p.amount) ledgerProblems.push(`${p.id}: ${p.state}, credit ${credit?.amount ?? 'missing'}`);
        if (!settled && credit && p.review === null) ledgerProblems.push(`${p.id}: ${p.state} but credited`);
        if (credit) expected.set(account, expected.get(account)! + BigInt(credit.amount));
      } else {
        const hold = transfer.get(ledgerTransferId(p.id, 'hold'));
        if (!hold) ledgerProblems.push(`${p.id}: payout without a hold`);
        else if (p.review === null) {
          const want = p.state === 'succeeded' ? 'posted' : p.state === 'failed' || p.state === 'canceled' ? 'voided' : 'pending';
          if (hold.pending_state !== want) ledgerProblems.push(`${p.id}: payout ${p.state}, hold ${hold.pending_state}`);
        }
        if (hold?.pending_state === 'posted') expected.set(account, expected.get(account)! - BigInt(p.amount) - BigInt(p.fee));
      }
    }
    for (const r of refundRows) {
      const p = payments.find((x) => x.id === r.payment_id)!;
      const hold = transfer.get(ledgerTransferId(p.id, `refund:${r.id}:hold`));
      const want = r.state === 'succeeded' ? 'posted' : r.state === 'failed' ? 'voided' : 'pending';
      if (p.review === null && hold?.pending_state !== want) ledgerProblems.push(`refund ${r.id}: ${r.state}, hold ${hold?.pending_state ?? 'missing'}`);
      if (hold?.pending_state === 'posted') expected.set(ledgerAccountOf.get(p.owner_id)!, expected.get(ledgerAccountOf.get(p.owner_id)!)! - BigInt(r.amount));
      if (r.state === 'succeeded' && p.review === null && BigInt(p.refunded_amount) === 0n)
        ledgerProblems.push(`refund ${r.id} succeeded, payment shows nothing refunded`);
    }
    expect(ledgerProblems).toEqual([]);
    // No customer credited twice: each pay-in's credit is one transfer (derived id), and nothing else credits pay-ins.
    const credits = await sql<{ reference: string; n: number }>(
      db.url,
      'select reference, count(*)::int as n from ledger.transfers where code = 9310 group by reference having count(*) > 1',
    );
    expect(credits).toEqual([]);
    // Each customer's balance is funding + credits − refunds − payouts and their fees.
    const balances = await sql<{ id: string; posted: string }>(
      db.url,
      'select id, (credits_posted - debits_posted)::text as posted from ledger.accounts where id = any($1)',
      [[...expected.keys()]],
    );
    expect(balances.filter((b) => BigInt(b.posted) !== expected.get(b.id)).map((b) => `${b.id}: ${b.posted} ≠ ${expected.get(b.id)}`)).toEqual([]);
    // Trial balance: the ledger's own reconciliation finds nothing, debits equal credits per currency.
    const reconciliation = await until('POST', '/v1/ledger/reconciliations', ledger, {});
    expect(reconciliation.body).toMatchObject({ mismatchedAccounts: [], unbalancedCurrencies: [] });
    const [trial] = await sql<{ debits: string; credits: string }>(
      db.url,
      'select sum(debits_posted)::text as debits, sum(credits_posted)::text as credits from ledger.accounts',
    );
    expect(trial!.debits).toBe(trial!.credits);
  }, 600_000);
});

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
