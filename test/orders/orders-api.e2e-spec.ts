import { CommandBus } from '@nestjs/cqrs';
import { Clock } from '@platform/clock';
import { Scheduler } from '@platform/jobs/scheduler';
import { newId } from '@shared-kernel';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { CreatePaymentCommand } from '@modules/payments/contract';
import { ordersContext } from '@modules/orders/orders.context';
import { payInIdOf } from '@modules/orders/application/change-status/change-order-status';
import { ORDERS_SWEEP_JOB } from '@modules/orders/application/sweep/orders-sweep.job';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { customer, openCustomerAccount, type AccountBody, type Customer } from '../accounts/accounts-support';
import { installOrdersProbe, item, orderEvents, orderEventsUntil, ordersProbe } from './orders-support';
import { installPaymentsStandIn, paymentsStandIn, standInCalls, StandInPayments } from './payments-stand-in';

/*
 * The orders API against real PostgreSQL, with ledger and accounts real and payments played
 * by the TEST-ONLY stand-in (test/orders/payments-stand-in.ts: the real payments contract,
 * plausible handlers). What depends on the stand-in is marked "[stand-in]" below; the
 * integrator re-runs those against the real payments context.
 */
describe('orders API', () => {
  const TIMEOUT_SECONDS = 600;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let payments: StandInPayments;
  let alice: Customer;
  let bob: Customer;
  let aliceEur: AccountBody;
  let aliceUsd: AccountBody;
  let bobEur: AccountBody;
  let support: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installPaymentsStandIn(db.url);
    await installOrdersProbe(db.url);
    t = await startTestApp({
      contexts: [ledgerContext, accountsContext, paymentsStandIn, ordersContext, ordersProbe],
      databaseUrl: db.url,
      // The sweep runs when a test says so (Scheduler.runNow), not on its own timer.
      env: { ORDERS_PAYMENT_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS), ORDERS_SWEEP_INTERVAL_MS: '3600000', ACCOUNTS_CURRENCIES: 'EUR,USD' },
    });
    payments = t.app.get(StandInPayments);
    alice = await customer(t);
    bob = await customer(t);
    aliceEur = await openCustomerAccount(t, alice);
    aliceUsd = await openCustomerAccount(t, alice, { product: 'checking', currency: 'USD' });
    bobEur = await openCustomerAccount(t, bob);
    support = bearer((await loginAs(t.app, newId(), ['support'])).token);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const key = () => ({ 'idempotency-key': `k-${newId()}` });
  const create = (who: Customer, body: object, headers: Record<string, string> = key()) =>
    t
      .http()
      .post('/v1/orders')
      .set({ ...who.auth, ...headers })
      .send(body);
  const draft = async (who: Customer = alice, account: AccountBody = aliceEur, items = [item('A-1', 2, '1250'), item('B-2', 1, '500')]) => {
    const res = await create(who, { accountId: account.id, currency: account.currency, items });
    expect(res.status).toBe(201);
    return res.body as { id: string; total: string; status: string; payments: Array<{ paymentId: string; state: string | null }> };
  };
  const get = (id: string, auth = alice.auth) => t.http().get(`/v1/orders/${id}`).set(auth);
  const post = (id: string, action: string, body?: object, auth = alice.auth) => {
    const req = t.http().post(`/v1/orders/${id}/${action}`).set(auth);
    return body === undefined ? req : req.send(body);
  };
  const placeWithCard = (id: string) => post(id, 'place', { payment: { method: 'card', paymentMethodToken: 'pm_card_visa' } });
  const orderWhen = (id: string, accept: (o: { status: string; payments: Array<{ state: string | null }> }) => boolean) =>
    eventually(async () => (await get(id)).body, accept);
  const transitions = (id: string) =>
    sql<{ from_status: string | null; to_status: string }>(
      db.url,
      'select from_status, to_status from orders.order_transitions where order_id = $1 order by id',
      [id],
    );

  describe('drafts', () => {
    it('creates a draft (201) whose total the server computes, reads it back and lists it', async () => {
      const created = await create(alice, {
        accountId: aliceEur.id,
        currency: 'EUR',
        items: [item('A-1', 3, '1999'), item('B-2', 1, '5')],
        reference: 'my ref',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        ownerId: alice.id,
        accountId: aliceEur.id,
        currency: 'EUR',
        status: 'draft',
        total: '6002',
        paidAmount: '0',
        reference: 'my ref',
        payments: [],
        items: [
          { sku: 'A-1', quantity: 3, unitPrice: '1999', lineTotal: '5997' },
          { sku: 'B-2', quantity: 1, unitPrice: '5', lineTotal: '5' },
        ],
      });
      const read = await get(created.body.id);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      const list = await t.http().get('/v1/orders').set(alice.auth);
      expect(list.status).toBe(200);
      expect(list.body.items.map((o: { id: string }) => o.id)).toContain(created.body.id);
    });

    it('pages the caller’s own orders newest first with a cursor', async () => {
      const carol = await customer(t);
      const carolEur = await openCustomerAccount(t, carol);
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await draft(carol, carolEur)).id);
      const first = await t.http().get('/v1/orders?limit=2').set(carol.auth);
      expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http().get(`/v1/orders?limit=2&cursor=${first.body.nextCursor}`).set(carol.auth);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
      const drafts = await t.http().get('/v1/orders?status=paid').set(carol.auth);
      expect(drafts.body.items).toEqual([]);
    });

    it('replays a create with the same Idempotency-Key (one order, one event) and refuses the key with another body (422)', async () => {
      const headers = key();
      const body = { accountId: aliceEur.id, currency: 'EUR', items: [item('X', 1, '100')] };
      const first = await create(alice, body, headers);
      const replay = await create(alice, body, headers);
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      const reused = await create(alice, { ...body, items: [item('X', 2, '100')] }, headers);
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      // The same key from another user is another order.
      const bobs = await create(bob, { accountId: bobEur.id, currency: 'EUR', items: [item('X', 1, '100')] }, headers);
      expect(bobs.status).toBe(201);
      expect(bobs.body.id).not.toBe(first.body.id);

      // Events are relayed in order: once a later order's event is here, a second one of the first would be too.
      const later = await draft();
      await orderEventsUntil(db.url, later.id, 'orders.order-created.v1');
      expect((await orderEvents(db.url, first.body.id)).map((e) => e.type)).toEqual(['orders.order-created.v1']);
    });

    it('refuses bad input with a problem naming the field, and writes nothing', async () => {
      const dave = await customer(t);
      const daveEur = await openCustomerAccount(t, dave);
      const good = { accountId: daveEur.id, currency: 'EUR', items: [item('A', 1, '100')] };
      const cases: Array<[object, number, string, string]> = [
        [{ ...good, items: [item('A', 1, '1.50')] }, 400, 'VALIDATION_FAILED', 'items.0.unitPrice'],
        [{ ...good, items: [item('A', 1, '-1')] }, 400, 'VALIDATION_FAILED', 'items.0.unitPrice'],
        [{ ...good, items: [{ ...item('A', 1, '100'), unitPrice: 100 }] }, 400, 'VALIDATION_FAILED', 'items.0.unitPrice'],
        [{ ...good, items: [item('A', 1, '9223372036854775808')] }, 400, 'VALIDATION_FAILED', 'items.0.unitPrice'],
        [{ ...good, items: [item('A', 0, '100')] }, 400, 'VALIDATION_FAILED', 'items.0.quantity'],
        [{ ...good, items: [item('A', 1.5, '100')] }, 400, 'VALIDATION_FAILED', 'items.0.quantity'],
        [{ ...good, items: [item('A', 1, '100'), item('A', 2, '100')] }, 400, 'ORDER_ITEM_SKU_REPEATED', 'items.1.sku'],
        [{ ...good, items: [item('bad sku!', 1, '100')] }, 400, 'VALIDATION_FAILED', 'items.0.sku'],
        [{ ...good, items: [] }, 400, 'VALIDATION_FAILED', 'items'],
        [{ ...good, currency: 'XYZ' }, 400, 'VALIDATION_FAILED', 'currency'],
        [{ ...good, accountId: 'nope' }, 400, 'VALIDATION_FAILED', 'accountId'],
        [{ ...good, total: '1' }, 400, 'VALIDATION_FAILED', 'total'],
        [{ ...good, items: [item('A', 1, '9223372036854775807'), item('B', 1, '1')] }, 400, 'ORDER_TOTAL_OUT_OF_RANGE', 'items.1'],
        [{ ...good, items: [item('A', 2, '4611686018427387904')] }, 400, 'ORDER_TOTAL_OUT_OF_RANGE', 'items.0'],
        [{ ...good, currency: 'USD' }, 422, 'ORDER_CURRENCY_MISMATCH', 'currency'],
      ];
      for (const [body, status, code, field] of cases) {
        const res = await create(dave, body);
        expect({ field, status: res.status, code: res.body.code }).toEqual({ field, status, code });
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      const noKey = await t.http().post('/v1/orders').set(dave.auth).send(good);
      expect(noKey.status).toBe(400);
      expect(noKey.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
      // Someone else's account, or none: 404, as if it did not exist.
      for (const accountId of [bobEur.id, newId()]) {
        const res = await create(dave, { ...good, accountId });
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('ACCOUNT_NOT_FOUND');
      }
      expect((await t.http().get('/v1/orders').set(dave.auth)).body.items).toEqual([]);
      expect(await sql(db.url, 'select 1 from orders.orders where owner_id = $1', [dave.id])).toEqual([]);
    });

    it('replaces a draft’s items (total computed again) and refuses it once placed (409)', async () => {
      const order = await draft();
      const replaced = await t
        .http()
        .put(`/v1/orders/${order.id}/items`)
        .set(alice.auth)
        .send({ items: [item('C-3', 4, '250')] });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ total: '1000', items: [{ sku: 'C-3', quantity: 4, lineTotal: '1000' }] });
      const bad = await t
        .http()
        .put(`/v1/orders/${order.id}/items`)
        .set(alice.auth)
        .send({ items: [item('C-3', 1, 'x')] });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'items.0.unitPrice' })]);
      expect((await post(order.id, 'place', {})).status).toBe(200);
      const late = await t
        .http()
        .put(`/v1/orders/${order.id}/items`)
        .set(alice.auth)
        .send({ items: [item('C-3', 1, '1')] });
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: 'ORDER_NOT_DRAFT', orderStatus: 'placed' });
    });

    it('answers 404 for another user’s order on every route; staff with orders:read see it; customers cannot fulfil', async () => {
      const order = await draft();
      for (const res of [
        await get(order.id, bob.auth),
        await post(order.id, 'place', {}, bob.auth),
        await post(order.id, 'cancel', undefined, bob.auth),
        await post(order.id, 'refund', undefined, bob.auth),
        await t
          .http()
          .put(`/v1/orders/${order.id}/items`)
          .set(bob.auth)
          .send({ items: [item('Z', 1, '1')] }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('ORDER_NOT_FOUND');
      }
      expect((await t.http().get('/v1/orders').set(bob.auth)).body.items.map((o: { id: string }) => o.id)).not.toContain(order.id);
      expect((await get(order.id, support)).status).toBe(200);
      const admin = await t.http().get(`/v1/admin/orders?ownerId=${alice.id}`).set(support);
      expect(admin.status).toBe(200);
      expect(admin.body.items.map((o: { id: string }) => o.id)).toContain(order.id);
      expect((await t.http().get('/v1/admin/orders').set(alice.auth)).status).toBe(403);
      expect((await post(order.id, 'fulfil', undefined, alice.auth)).status).toBe(403);
      expect((await get(newId())).status).toBe(404);
      const badId = await get('not-a-uuid');
      expect(badId.status).toBe(400);
      expect(badId.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    });
  });

  describe('payment', () => {
    it('[stand-in] place → one pay-in requested for the total (a repeat requests nothing); succeeded → paid; fulfil; refund → one refund; events on orders.events', async () => {
      const order = await draft();
      const placed = await placeWithCard(order.id);
      expect(placed.status).toBe(200);
      const paymentId = payInIdOf(order.id);
      expect(placed.body).toMatchObject({
        status: 'placed',
        paymentDueAt: expect.any(String),
        payments: [{ paymentId, source: 'order', amount: '3000', state: 'created' }],
      });
      expect(Date.parse(placed.body.paymentDueAt) - Date.parse(placed.body.placedAt)).toBe(TIMEOUT_SECONDS * 1000);

      const again = await placeWithCard(order.id);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('placed');
      const creates = await standInCalls(db.url, paymentId, 'create');
      expect(creates).toHaveLength(1);
      expect(creates[0]!.payload).toEqual({
        ownerId: alice.id,
        payment: {
          kind: 'pay_in',
          accountId: aliceEur.id,
          amount: '3000',
          currency: 'EUR',
          method: 'card',
          paymentMethodToken: 'pm_card_visa',
          orderId: order.id,
        },
      });

      await payments.settle(paymentId, 'succeeded');
      const paid = await orderWhen(order.id, (o) => o.status === 'paid');
      expect(paid).toMatchObject({ status: 'paid', paidAmount: '3000', paidAt: expect.any(String), payments: [{ paymentId, state: 'succeeded' }] });

      // Cancelling a paid order is not a move the machine has.
      const cancel = await post(order.id, 'cancel');
      expect(cancel.status).toBe(409);
      expect(cancel.body).toMatchObject({ code: 'ORDER_STATUS_CONFLICT', orderStatus: 'paid', wanted: 'cancelled' });

      const fulfilled = await post(order.id, 'fulfil', undefined, support);
      expect(fulfilled.status).toBe(200);
      expect(fulfilled.body.status).toBe('fulfilled');
      expect((await post(order.id, 'fulfil', undefined, support)).body.status).toBe('fulfilled');

      const refunded = await post(order.id, 'refund');
      expect(refunded.status).toBe(200);
      expect(refunded.body.status).toBe('refunded');
      expect((await post(order.id, 'refund')).status).toBe(200);
      const refunds = await standInCalls(db.url, paymentId, 'refund');
      expect(refunds).toHaveLength(1);
      expect(refunds[0]!.payload).toMatchObject({ paymentId, amount: '3000' });
      expect(await orderWhen(order.id, (o) => o.payments[0]!.state === 'refunded')).toMatchObject({ refundedAmount: '3000' });

      const events = await orderEventsUntil(db.url, order.id, 'orders.order-refunded.v1');
      expect(events.map((e) => e.type)).toEqual([
        'orders.order-created.v1',
        'orders.order-placed.v1',
        'orders.order-paid.v1',
        'orders.order-fulfilled.v1',
        'orders.order-refunded.v1',
      ]);
      expect(events[2]!.data.order).toMatchObject({ id: order.id, status: 'paid', total: '3000' });
      expect(JSON.stringify(events)).not.toContain('pm_card_visa');
      expect((await transitions(order.id)).map((r) => r.to_status)).toEqual(['placed', 'paid', 'fulfilled', 'refunded']);
    });

    it('[stand-in] applies a payment event once: the same event again, and a stale one after it, change nothing', async () => {
      const order = await draft();
      await placeWithCard(order.id);
      const paymentId = payInIdOf(order.id);
      const succeeded = await payments.settle(paymentId, 'succeeded');
      await orderWhen(order.id, (o) => o.status === 'paid');

      await payments.redeliver(succeeded);
      // A processing event older than the success (its updatedAt before it), under a new id: must not move the payment back.
      const staleId = newId();
      const stale = {
        payment: {
          ...(succeeded.data as { payment: Record<string, unknown> }).payment,
          state: 'processing',
          updatedAt: new Date(Date.parse(succeeded.occurredAt) - 60_000).toISOString(),
        },
      };
      await payments.redeliver({ ...succeeded, type: 'payments.payment-processing.v1' }, stale, staleId);
      await eventually(
        () => sql(db.url, 'select 1 from orders.inbox where event_id = $1', [staleId]),
        (rows) => rows.length === 1,
      );

      expect(await sql(db.url, 'select consumer from orders.inbox where event_id = $1', [succeeded.id])).toEqual([{ consumer: 'orders.payment-events' }]);
      expect((await transitions(order.id)).map((r) => r.to_status)).toEqual(['placed', 'paid']);
      const now = (await get(order.id)).body;
      expect(now).toMatchObject({ status: 'paid', payments: [{ paymentId, state: 'succeeded' }] });
      expect((await orderEvents(db.url, order.id)).filter((e) => e.type === 'orders.order-paid.v1')).toHaveLength(1);
    });

    it('[stand-in] is paid by several pay-ins the client posted naming the order; a pay-in of another user naming it pays nothing', async () => {
      const order = await draft(alice, aliceEur, [item('P', 1, '1000')]);
      const placed = await post(order.id, 'place', {});
      expect(placed.body).toMatchObject({ status: 'placed', payments: [] });
      const bus = t.app.get(CommandBus);
      const payIn = (ownerId: string, accountId: string, amount: string) =>
        bus.execute(
          new CreatePaymentCommand({
            id: newId(),
            ownerId,
            payment: { kind: 'pay_in', accountId, amount, currency: 'EUR', method: 'card', orderId: order.id },
          }),
        );

      const foreign = await payIn(bob.id, bobEur.id, '1000');
      await payments.settle(foreign.id, 'succeeded');
      const first = await payIn(alice.id, aliceEur.id, '600');
      await payments.settle(first.id, 'succeeded');
      const partly = await orderWhen(order.id, (o) => o.payments.some((p) => p.state === 'succeeded'));
      expect(partly).toMatchObject({ status: 'placed', paidAmount: '600', payments: [{ paymentId: first.id, source: 'client', state: 'succeeded' }] });

      const failed = await payIn(alice.id, aliceEur.id, '400');
      await payments.settle(failed.id, 'failed');
      await orderWhen(order.id, (o) => o.payments.some((p) => p.state === 'failed'));
      expect((await get(order.id)).body.status).toBe('placed');

      const second = await payIn(alice.id, aliceEur.id, '400');
      await payments.settle(second.id, 'succeeded');
      const paid = await orderWhen(order.id, (o) => o.status === 'paid');
      expect(paid).toMatchObject({ paidAmount: '1000' });
      expect(paid.payments.map((p) => p.state)).toEqual(['succeeded', 'failed', 'succeeded']);
    });

    it('[stand-in] is paid on placing when a pay-in the client posted for the draft already covers it', async () => {
      const order = await draft(alice, aliceEur, [item('Q', 1, '800')]);
      const payIn = await t.app.get(CommandBus).execute(
        new CreatePaymentCommand({
          id: newId(),
          ownerId: alice.id,
          payment: { kind: 'pay_in', accountId: aliceEur.id, amount: '800', currency: 'EUR', method: 'wallet', orderId: order.id },
        }),
      );
      await payments.settle(payIn.id, 'succeeded');
      const seen = await orderWhen(order.id, (o) => o.payments.some((p) => p.state === 'succeeded'));
      expect(seen.status).toBe('draft');
      const placed = await post(order.id, 'place', {});
      expect(placed.body).toMatchObject({ status: 'paid', paidAmount: '800' });
      expect((await transitions(order.id)).map((r) => r.to_status)).toEqual(['placed', 'paid']);
    });

    it('[stand-in] places while payments is down: the order is placed, the pay-in requested again by the sweep with the same id, once', async () => {
      const order = await draft();
      const paymentId = payInIdOf(order.id);
      payments.unavailable = true;
      let placed;
      try {
        placed = await placeWithCard(order.id);
      } finally {
        payments.unavailable = false;
      }
      expect(placed.status).toBe(200);
      expect(placed.body).toMatchObject({ status: 'placed', payments: [{ paymentId, state: null }] });
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      expect((await get(order.id)).body.payments).toEqual([expect.objectContaining({ paymentId, state: 'created' })]);
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      expect((await standInCalls(db.url, paymentId, 'create')).map((c) => c.outcome)).toEqual(['unavailable', 'ok']);
    });

    it('[stand-in] requests one pay-in when the same order is placed by several requests at once', async () => {
      const order = await draft();
      const answers = await Promise.all(Array.from({ length: 5 }, () => placeWithCard(order.id)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      expect(await standInCalls(db.url, payInIdOf(order.id), 'create')).toHaveLength(1);
      expect((await transitions(order.id)).map((r) => r.to_status)).toEqual(['placed']);
      expect((await get(order.id)).body.payments).toEqual([expect.objectContaining({ paymentId: payInIdOf(order.id), state: 'created' })]);
    });

    it('[stand-in] refunds through an outage: the refund is asked again by the sweep with the same refund id', async () => {
      const order = await draft();
      await placeWithCard(order.id);
      const paymentId = payInIdOf(order.id);
      await payments.settle(paymentId, 'succeeded');
      await orderWhen(order.id, (o) => o.status === 'paid');
      payments.unavailable = true;
      let refunded;
      try {
        refunded = await post(order.id, 'refund');
      } finally {
        payments.unavailable = false;
      }
      expect(refunded.status).toBe(200);
      expect(refunded.body).toMatchObject({ status: 'refunded', payments: [{ paymentId, state: 'succeeded' }] });
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      await orderWhen(order.id, (o) => o.payments[0]!.state === 'refunded');
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      const refunds = await standInCalls(db.url, paymentId, 'refund');
      expect(refunds.map((c) => c.outcome)).toEqual(['unavailable', 'ok']);
      expect(refunds[0]!.payload['refundId']).toBe(refunds[1]!.payload['refundId']);
      expect(await sql(db.url, 'select amount::text from payments.stand_in_refunds where payment_id = $1', [paymentId])).toEqual([{ amount: '3000' }]);
    });

    it('cancels a draft without touching payments, and a cancelled order stays cancelled', async () => {
      const order = await draft();
      const cancelled = await post(order.id, 'cancel');
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'customer', payments: [] });
      expect((await post(order.id, 'cancel')).body.status).toBe('cancelled');
      const place = await post(order.id, 'place', {});
      expect(place.status).toBe(409);
      expect(place.body).toMatchObject({ code: 'ORDER_STATUS_CONFLICT', orderStatus: 'cancelled' });
      expect((await orderEventsUntil(db.url, order.id, 'orders.order-cancelled.v1')).map((e) => e.type)).toEqual([
        'orders.order-created.v1',
        'orders.order-cancelled.v1',
      ]);
    });

    it('refuses to place an order of zero (422) and an order whose account is no longer active', async () => {
      const zero = await draft(alice, aliceEur, [item('FREE', 1, '0')]);
      const res = await post(zero.id, 'place', {});
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'ORDER_TOTAL_ZERO', errors: [expect.objectContaining({ field: 'items' })] });
      expect((await get(zero.id)).body.status).toBe('draft');

      const erin = await customer(t);
      const erinEur = await openCustomerAccount(t, erin);
      const order = await draft(erin, erinEur);
      expect((await t.http().post(`/v1/admin/accounts/${erinEur.id}/freeze`).set(support)).status).toBe(200);
      const frozen = await post(order.id, 'place', {}, erin.auth);
      expect(frozen.status).toBe(422);
      expect(frozen.body).toMatchObject({ code: 'ACCOUNT_NOT_ACTIVE', errors: [expect.objectContaining({ field: 'accountId' })] });
      expect((await get(order.id, erin.auth)).body.status).toBe('draft');
    });

    it('lets staff with orders:cancel cancel a customer’s order (reason staff)', async () => {
      const order = await draft();
      const cancelled = await post(order.id, 'cancel', undefined, support);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'staff' });
    });
  });

  // Last: these move the clock past every placed order's due time.
  describe('payment timeout', () => {
    const clockAt = (ms: number) => {
      t.app.get(Clock).now = () => ms;
    };
    afterEach(() => {
      t.app.get(Clock).now = () => Date.now();
    });

    it('[stand-in] cancels an order not paid in time and cancels its open payment (once, however often the sweep runs)', async () => {
      const order = await draft(alice, aliceUsd);
      const placed = await placeWithCard(order.id);
      const paymentId = payInIdOf(order.id);
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      expect((await get(order.id)).body.status).toBe('placed');

      clockAt(Date.parse(placed.body.paymentDueAt) + 1000);
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      const cancelled = (await get(order.id)).body;
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'payment_timeout', payments: [{ paymentId, state: 'canceled' }] });
      expect(await standInCalls(db.url, paymentId, 'cancel')).toHaveLength(1);
      expect((await payments.view(paymentId))!.state).toBe('canceled');
      expect((await transitions(order.id)).map((r) => r.to_status)).toEqual(['placed', 'cancelled']);
      expect((await orderEventsUntil(db.url, order.id, 'orders.order-cancelled.v1')).at(-1)!.data.order).toMatchObject({ cancelReason: 'payment_timeout' });
    });

    it('[stand-in] refunds a payment that could not be cancelled and succeeded after the order timed out', async () => {
      const order = await draft();
      const placed = await placeWithCard(order.id);
      const paymentId = payInIdOf(order.id);
      await payments.settle(paymentId, 'processing');
      await orderWhen(order.id, (o) => o.payments[0]!.state === 'processing');

      clockAt(Date.parse(placed.body.paymentDueAt) + 1000);
      await t.app.get(Scheduler).runNow(ORDERS_SWEEP_JOB);
      expect((await get(order.id)).body.status).toBe('cancelled');
      expect((await standInCalls(db.url, paymentId, 'cancel')).map((c) => c.outcome)).toEqual(['ok']);
      expect((await payments.view(paymentId))!.state).toBe('processing');

      await payments.settle(paymentId, 'succeeded');
      const refunded = await orderWhen(order.id, (o) => o.payments[0]!.state === 'refunded');
      expect(refunded).toMatchObject({ status: 'cancelled', refundedAmount: '3000' });
      const refunds = await standInCalls(db.url, paymentId, 'refund');
      expect(refunds).toHaveLength(1);
      expect(refunds[0]!.payload).toMatchObject({ amount: '3000' });
      expect((await orderEvents(db.url, order.id)).map((e) => e.type)).not.toContain('orders.order-paid.v1');
    });
  });

  it('validates its configuration slice at boot, naming the variable', async () => {
    await expect(
      startTestApp({
        contexts: [ledgerContext, accountsContext, paymentsStandIn, ordersContext],
        databaseUrl: db.url,
        env: { ORDERS_PAYMENT_TIMEOUT_SECONDS: '5' },
      }),
    ).rejects.toThrow('Invalid configuration: ORDERS_PAYMENT_TIMEOUT_SECONDS must be at least 60');
  });
});
