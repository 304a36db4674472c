import Redis from 'ioredis';
import { PaymentLedger } from '@modules/payments/application/payment-ledger';
import { WorkQueues } from '@platform/work-queue/work-queues';
import type { Customer } from '../accounts/accounts-support';
import { newUuid } from '../ledger/ledger-support';
import { eventually, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { serviceUrls } from '../support/services';
import { ledgerTransfersOf, paymentOf, startPaymentsApp, type PaymentBody, type PaymentsHarness } from './payments-support';

/*
 * Payments' dispatch on the real Redis (BullMQ through WorkQueues): the queue may lose a job,
 * a job may keep failing until it is dead-lettered, and two app instances share one queue and
 * one database. PostgreSQL stays the truth in each case.
 */

const DISPATCH = 'payments.dispatch';

describe('payments dispatch on BullMQ (real Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let h: PaymentsHarness;
  let redis: Redis;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await startPaymentsApp(db.url, { PAYMENTS_DISPATCH_MAX_ATTEMPTS: '3' }, { redis: true });
    redis = new Redis(serviceUrls().redisUrl);
  });
  afterAll(async () => {
    await h?.close();
    // The Redis is shared: remove only this file's queues (its database name leads its prefix).
    if (redis && db) {
      const keys = await redis.keys(`${new URL(db.url).pathname.slice(1)}:bull:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await db?.drop();
  });

  const payIn = async (who: Customer, accountId: string, amount: string, t: TestApp = h.t) => {
    const res = await t
      .http()
      .post('/v1/payments')
      .set(who.auth)
      .set('idempotency-key', newUuid())
      .send({ accountId, amount, currency: 'EUR', method: 'card' });
    if (res.status !== 201) throw new Error(`pay-in: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as PaymentBody;
  };
  const stateOf = (who: Customer, id: string, state: string) =>
    eventually(
      () => paymentOf(h.t, who, id),
      (p) => p.state === state,
    );
  const callsOf = async (paymentId: string) =>
    (await sql<{ n: number }>(db.url, 'select count(*)::int as n from payments.gateway_calls where payment_id = $1', [paymentId]))[0]!.n;

  it('runs on BullMQ', () => {
    expect(h.t.app.get(WorkQueues).kind).toBe('bullmq');
  });

  it('a job Redis lost is enqueued again by the sweeper from PostgreSQL, and the payment completes once', async () => {
    const queues = h.t.app.get(WorkQueues);
    const ann = await h.customer();
    const account = await h.funded(ann, '0');
    await queues.stop(); // the job waits in Redis, nobody takes it
    const payment = await payIn(ann, account.id, '700');
    expect(await queues.counts(DISPATCH)).toMatchObject({ waiting: 1 });
    // Redis loses the queue: only this deployment's dispatch keys (the Redis is shared).
    const keys = await redis.keys(`${h.t.config.redisKeyPrefix}bull:${DISPATCH}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    expect(await queues.counts(DISPATCH)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    queues.start();
    expect((await paymentOf(h.t, ann, payment.id)).state).toBe('created');
    expect(h.card.calls.filter((c) => c.paymentId === payment.id)).toEqual([]);

    await h.runJob(DISPATCH); // the sweep: PostgreSQL says the payment is due
    await stateOf(ann, payment.id, 'succeeded');
    expect(await callsOf(payment.id)).toBe(1);
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '700' }]);
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '700' });
  });

  it('a job that keeps failing on our side is dead-lettered (payment marked for review), listed for staff, and a staff retry completes it once', async () => {
    const bob = await h.customer();
    const account = await h.funded(bob, '0');
    const support = bearer((await loginAs(h.t.app, newUuid(), ['support'])).token);
    // The provider charges; our ledger is unavailable every time the answer is applied.
    const credit = jest.spyOn(PaymentLedger.prototype, 'creditPayIn').mockRejectedValue(new Error('ledger unavailable'));
    let payment: PaymentBody;
    try {
      payment = await payIn(bob, account.id, '900');
      const view = await eventually(
        async () =>
          (await h.t.http().get('/v1/admin/payments/jobs').set(support)).body as {
            engine: string;
            queues: Array<{ name: string; counts: { failed: number }; deadLettered: Array<{ id: string; attempts: number; error: string }> }>;
          },
        (v) => v.queues.some((q) => q.name === DISPATCH && q.deadLettered.some((j) => j.id === payment.id)),
      );
      expect(view.engine).toBe('bullmq');
      const dead = view.queues.find((q) => q.name === DISPATCH)!.deadLettered.find((j) => j.id === payment.id)!;
      expect(dead).toMatchObject({ attempts: 3, error: 'ledger unavailable' });
      const flagged = await paymentOf(h.t, bob, payment.id);
      expect(flagged).toMatchObject({ state: 'created', review: 'dispatch failed 3 times on our side' });
      // A sweep does not revive it: a dead letter waits for a person.
      await h.runJob(DISPATCH);
      expect(await h.t.app.get(WorkQueues).counts(DISPATCH)).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    } finally {
      credit.mockRestore();
    }
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([]);

    const retried = await h.t.http().post(`/v1/admin/payments/jobs/${DISPATCH}/${payment.id}/retry`).set(support).set('idempotency-key', newUuid()).send();
    expect(retried.status).toBe(202);
    const done = await stateOf(bob, payment.id, 'succeeded');
    expect(done.review).toBeNull();
    // Four calls with the one key; the provider charged once, the ledger credited once.
    const keys = h.card.calls.filter((c) => c.paymentId === payment.id).map((c) => c.idempotencyKey);
    expect(keys).toEqual(Array.from({ length: 4 }, () => `${payment.id}:authorize:stripe`));
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '900' }]);
    expect(
      (await h.t.http().post(`/v1/admin/payments/jobs/${DISPATCH}/${payment.id}/retry`).set(support).set('idempotency-key', newUuid()).send()).status,
    ).toBe(404);
  });

  it('two app instances on one Redis and one database never call the gateway twice for one payment', async () => {
    const second = await startPaymentsApp(db.url, { PAYMENTS_DISPATCH_MAX_ATTEMPTS: '3' }, { secondPod: true, redis: true });
    try {
      const pods = [h, second];
      const queues = pods.map((p) => p.t.app.get(WorkQueues));
      await Promise.all(queues.map((q) => q.stop()));
      const cy = await h.customer();
      const account = await h.funded(cy, '0');
      const cyOnPod2 = { id: cy.id, auth: bearer((await loginAs(second.t.app, cy.id)).token) };
      const payments: PaymentBody[] = [];
      for (let i = 0; i < 15; i++) payments.push(await payIn(cy, account.id, '10'), await payIn(cyOnPod2, account.id, '10', second.t));
      // Both sweepers hand every payment to the queue again: one job per payment id stays.
      await Promise.all(pods.map((p) => p.runJob(DISPATCH)));
      expect(await queues[0]!.counts(DISPATCH)).toMatchObject({ waiting: payments.length });
      queues.forEach((q) => q.start());
      await Promise.all(pods.map((p) => p.runJob(DISPATCH)));
      for (const p of payments) await stateOf(cy, p.id, 'succeeded');
      for (const p of payments) {
        const callers = pods.filter((pod) => pod.card.calls.some((c) => c.paymentId === p.id));
        expect(callers).toHaveLength(1);
        expect(await callsOf(p.id)).toBe(1);
      }
      const ids = new Set(payments.map((p) => p.id));
      const sent = pods.flatMap((pod) => pod.card.calls.filter((c) => ids.has(c.paymentId)));
      expect(sent).toHaveLength(payments.length);
      expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: String(10 * payments.length) });
    } finally {
      await second.close();
    }
  });
});
