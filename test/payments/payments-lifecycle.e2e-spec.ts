import { WorkQueues } from '@platform/work-queue/work-queues';
import { bearer, loginAs } from '../support/auth';
import { eventually } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import type { Customer } from '../accounts/accounts-support';
import { ledgerTransfersOf, paymentEvents, paymentOf, signed, startPaymentsApp, type PaymentBody, type PaymentsHarness } from './payments-support';

describe('payments lifecycle: webhooks racing the gateway, status sync, refunds, cancel', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let h: PaymentsHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await startPaymentsApp(db.url, {
      PAYMENTS_SYNC_AFTER_SECONDS: '0',
      PAYMENTS_SYNC_MAX_FAILURES: '3',
      PAYMENTS_PAYOUT_FEE: '0',
      PAYMENTS_DISPATCH_MAX_ATTEMPTS: '3',
    });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const stateOf = (who: Customer, id: string, state: string, run?: Parameters<PaymentsHarness['runJob']>[0]) =>
    eventually(
      async () => {
        if (run) await h.runJob(run);
        return paymentOf(h.t, who, id);
      },
      (p: PaymentBody) => p.state === state,
    );
  const payIn = async (who: Customer, accountId: string, amount: string, method = 'card') => {
    const res = await h.t.http().post('/v1/payments').set(who.auth).set('idempotency-key', newUuid()).send({ accountId, amount, currency: 'EUR', method });
    if (res.status !== 201) throw new Error(`pay-in: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as PaymentBody;
  };
  const webhook = (events: ReadonlyArray<Record<string, unknown>>, connector = 'stripe', signature?: string) => {
    const { body, signature: good } = signed(events);
    return h.t
      .http()
      .post(`/v1/payment-webhooks/${connector}`)
      .set('content-type', 'application/json')
      .set('x-test-signature', signature ?? good)
      .send(body);
  };
  const event = (p: { id: string }, status: string, extra: Record<string, unknown> = {}) => ({
    eventId: `evt_${newUuid()}`,
    providerReference: `ref_${p.id}`,
    paymentId: p.id,
    subject: 'payment',
    status,
    occurredAt: new Date().toISOString(),
    ...extra,
  });
  const postedCount = async (paymentId: string) => (await ledgerTransfersOf(db.url, paymentId)).length;

  it('a webhook arriving before the gateway call returns settles once: the late API answer is a no-op, the ledger holds one posting', async () => {
    const alice = await h.customer();
    const account = await h.funded(alice, '0');
    const reached = h.card.hold();
    const payment = await payIn(alice, account.id, '1200');
    await reached; // the dispatch job is inside the gateway call now
    const hook = await webhook([event(payment, 'succeeded')]);
    expect(hook.status).toBe(200);
    expect(hook.body).toEqual({ received: 1, stored: 1 });
    await stateOf(alice, payment.id, 'succeeded');
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '1200' });
    h.card.open();
    await eventually(
      () => sql(db.url, 'select count(*)::int as n from payments.gateway_calls where payment_id = $1', [payment.id]),
      (rows) => rows[0]!.n === 1,
    );
    await eventually(
      () => sql(db.url, 'select count(*)::int as n from payments.payments where id = $1 and lease_until is null', [payment.id]),
      (rows) => rows[0]!.n === 1,
    );
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '1200' }]);
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '1200' });
    const transitions = await sql(db.url, 'select from_state, to_state, cause, applied from payments.payment_transitions where payment_id = $1 order by seq', [
      payment.id,
    ]);
    expect(transitions).toEqual([
      { from_state: null, to_state: 'created', cause: 'api', applied: true },
      { from_state: 'created', to_state: 'succeeded', cause: 'webhook', applied: true },
    ]);
    const events = await eventually(
      () => paymentEvents(db.url, payment.id),
      (e) => e.length >= 2,
    );
    expect(events.map((e) => e.type)).toEqual(['payments.payment-created.v1', 'payments.payment-succeeded.v1']);
  });

  it('duplicate and out-of-order webhooks: a redelivery is not stored again, a late processing after succeeded changes nothing', async () => {
    const bob = await h.customer();
    const account = await h.funded(bob, '0');
    h.card.next('authorize', [{ status: 'processing' }]);
    const payment = await payIn(bob, account.id, '700');
    await stateOf(bob, payment.id, 'processing');
    const early = event(payment, 'processing', { occurredAt: new Date(Date.now() - 60_000).toISOString() });
    const done = event(payment, 'succeeded');
    // Delivered out of order (succeeded first), then both again.
    expect((await webhook([done])).body).toEqual({ received: 1, stored: 1 });
    await stateOf(bob, payment.id, 'succeeded');
    expect((await webhook([early])).body).toEqual({ received: 1, stored: 1 });
    expect((await webhook([done, early])).body).toEqual({ received: 2, stored: 0 });
    await eventually(
      () => sql(db.url, "select count(*)::int as n from payments.provider_events where payload->>'paymentId' = $1 and processed_at is null", [payment.id]),
      (rows) => rows[0]!.n === 0,
    );
    expect((await paymentOf(h.t, bob, payment.id)).state).toBe('succeeded');
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '700' }]);
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '700' });
  });

  it('a webhook naming only the provider reference is matched by it', async () => {
    const carol = await h.customer();
    const account = await h.funded(carol, '0');
    h.card.next('authorize', [{ status: 'processing' }]);
    const payment = await payIn(carol, account.id, '300');
    await stateOf(carol, payment.id, 'processing');
    const { paymentId: _omit, ...byReference } = event(payment, 'succeeded');
    expect((await webhook([byReference])).status).toBe(200);
    await stateOf(carol, payment.id, 'succeeded');
    expect(await postedCount(payment.id)).toBe(1);
  });

  it('a forged signature is 400 and nothing is stored; a connector without webhooks is 404', async () => {
    const forged = event({ id: newUuid() }, 'succeeded');
    const res = await webhook([forged], 'stripe', 'ab'.repeat(32));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID', errors: [{ field: 'signature' }] });
    expect(await sql(db.url, 'select * from payments.provider_events where event_id = $1', [forged.eventId])).toEqual([]);
    expect((await webhook([forged], 'adyen')).status).toBe(404);
    expect((await webhook([forged], 'nonsense')).status).toBe(400);
  });

  it('requires_action shows the next action; canceling it cancels at the provider; a later "succeeded" is refused and flagged for review', async () => {
    const dave = await h.customer();
    const account = await h.funded(dave, '0');
    h.card.next('authorize', [{ status: 'requires_action', nextAction: { type: 'redirect', url: 'https://acs.example/3ds' } }]);
    const payment = await payIn(dave, account.id, '900');
    const waiting = await stateOf(dave, payment.id, 'requires_action');
    expect(waiting.nextAction).toEqual({ type: 'redirect', url: 'https://acs.example/3ds' });
    const canceled = await h.t.http().post(`/v1/payments/${payment.id}/cancel`).set(dave.auth).set('idempotency-key', newUuid()).send({});
    expect(canceled.status).toBe(200);
    expect(canceled.body.state).toBe('canceled');
    expect(h.card.calls.filter((c) => c.operation === 'cancel' && c.paymentId === payment.id)).toHaveLength(1);
    expect((await webhook([event(payment, 'succeeded')])).status).toBe(200);
    const flagged = await eventually(
      () => paymentOf(h.t, dave, payment.id),
      (p) => p.review !== null,
    );
    expect(flagged).toMatchObject({ state: 'canceled', review: 'provider reported succeeded after canceled' });
    expect(await postedCount(payment.id)).toBe(0);
    const refused = await sql(db.url, 'select to_state, cause, applied from payments.payment_transitions where payment_id = $1 and not applied', [payment.id]);
    expect(refused).toEqual([{ to_state: 'succeeded', cause: 'webhook', applied: false }]);
    const events = await eventually(
      () => paymentEvents(db.url, payment.id),
      (e) => e.some((x) => x.type === 'payments.payment-review-required.v1'),
    );
    expect(events.map((e) => e.type)).toEqual([
      'payments.payment-created.v1',
      'payments.payment-requires-action.v1',
      'payments.payment-canceled.v1',
      'payments.payment-review-required.v1',
    ]);
    // The requires_action event carries the next action, and nothing of the card.
    const [published] = await sql<{ data: { payment: Record<string, unknown> } }>(
      db.url,
      "select data from payments_probe.events where subject = $1 and type = 'payments.payment-requires-action.v1'",
      [payment.id],
    );
    expect(published!.data.payment).toMatchObject({ state: 'requires_action', nextAction: { type: 'redirect', url: 'https://acs.example/3ds' } });
    expect(Object.keys(published!.data.payment)).not.toContain('paymentMethodToken');
  });

  it('outcome unknown: processing on the pinned connector, never failed over; status sync re-asks with the same key and settles once', async () => {
    const erin = await h.customer();
    const account = await h.funded(erin, '0');
    h.card.next('authorize', [{ throws: 'unknown' }]);
    const payment = await payIn(erin, account.id, '450');
    const open = await stateOf(erin, payment.id, 'processing');
    expect(open).toMatchObject({ connector: 'stripe', providerReference: null });
    await stateOf(erin, payment.id, 'succeeded', 'payments.status-sync');
    const keys = h.card.calls.filter((c) => c.paymentId === payment.id && c.operation === 'authorize').map((c) => c.idempotencyKey);
    expect(keys).toEqual([`${payment.id}:authorize:stripe`, `${payment.id}:authorize:stripe`]);
    const calls = await sql(db.url, 'select outcome from payments.gateway_calls where payment_id = $1 order by id', [payment.id]);
    expect(calls.map((c) => c.outcome)).toEqual(['unknown', 'succeeded']);
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '450' }]);
  });

  it('a retryable gateway error is retried after a backoff and succeeds; the provider charged once', async () => {
    const frank = await h.customer();
    const account = await h.funded(frank, '0');
    h.card.next('authorize', [{ throws: 'retryable' }]);
    const payment = await payIn(frank, account.id, '250');
    await stateOf(frank, payment.id, 'succeeded', 'payments.dispatch');
    const calls = await sql(db.url, 'select outcome, error_code from payments.gateway_calls where payment_id = $1 order by id', [payment.id]);
    expect(calls).toEqual([
      { outcome: 'retryable', error_code: 'PROVIDER_5XX' },
      { outcome: 'succeeded', error_code: null },
    ]);
    expect(await postedCount(payment.id)).toBe(1);
  });

  it('a gateway that keeps refusing (safe to retry): after PAYMENTS_DISPATCH_MAX_ATTEMPTS the payout fails and its hold is released', async () => {
    const kate = await h.customer();
    const account = await h.funded(kate, '1000');
    const beneficiary = await h.beneficiary(kate.id);
    h.sepa.next(
      'payout',
      Array.from({ length: 3 }, () => ({ throws: 'retryable' as const })),
    );
    const res = await h.t
      .http()
      .post('/v1/payouts')
      .set(kate.auth)
      .set('idempotency-key', newUuid())
      .send({ accountId: account.id, beneficiaryId: beneficiary, amount: '400', currency: 'EUR', method: 'sepa' });
    const failed = await stateOf(kate, res.body.id, 'failed', 'payments.dispatch');
    expect(failed.failureCode).toBe('PROVIDER_5XX');
    const calls = await sql(db.url, 'select outcome from payments.gateway_calls where payment_id = $1', [res.body.id]);
    expect(calls.map((c) => c.outcome)).toEqual(['retryable', 'retryable', 'retryable']);
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '1000', pending: '0' });
  });

  it('status sync converges with the provider, and after N failed polls marks the payment for review (staff see it and can sync it)', async () => {
    const grace = await h.customer();
    const account = await h.funded(grace, '0');
    h.card.next('authorize', [{ status: 'processing' }, { status: 'processing' }]);
    const converging = await payIn(grace, account.id, '100');
    const stuck = await payIn(grace, account.id, '200');
    await stateOf(grace, converging.id, 'processing');
    await stateOf(grace, stuck.id, 'processing');
    h.card.statusOf.set(`ref_${converging.id}`, { status: 'succeeded' });
    h.card.statusOf.set(`ref_${stuck.id}`, { throws: 'fatal' });
    await stateOf(grace, converging.id, 'succeeded', 'payments.status-sync');
    const flagged = await eventually(
      async () => {
        await h.runJob('payments.status-sync');
        return paymentOf(h.t, grace, stuck.id);
      },
      (p) => p.review !== null,
    );
    expect(flagged).toMatchObject({ state: 'processing', review: 'status sync failed 3 times (last: INVALID_REQUEST)' });
    const [row] = await sql(db.url, 'select sync_failures from payments.payments where id = $1', [stuck.id]);
    expect(row!.sync_failures).toBe(3);
    // Flagged payments leave the sync rotation: nothing more is polled for it.
    const polls = h.card.calls.filter((c) => c.operation === 'status' && c.paymentId === stuck.id).length;
    await h.runJob('payments.status-sync');
    expect(h.card.calls.filter((c) => c.operation === 'status' && c.paymentId === stuck.id)).toHaveLength(polls);
    await eventually(
      () => paymentEvents(db.url, stuck.id),
      (e) => e.some((x) => x.type === 'payments.payment-review-required.v1'),
    );
    const support = bearer((await loginAs(h.t.app, newUuid(), ['support'])).token);
    const review = await h.t.http().get('/v1/admin/payments?review=true').set(support);
    expect(review.body.items.map((p: PaymentBody) => p.id)).toContain(stuck.id);
    // The provider recovers: staff sync it by hand.
    h.card.statusOf.set(`ref_${stuck.id}`, { status: 'failed', failureCode: 'card_declined' });
    const synced = await h.t.http().post(`/v1/admin/payments/${stuck.id}/sync`).set(support).send({});
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({ state: 'failed', failureCode: 'card_declined' });
    expect(synced.body.transitions.at(-1)).toMatchObject({ from: 'processing', to: 'failed', cause: 'staff' });
  });

  it('refunds: partial then the rest, each held then posted as a reversing transfer; too much is refused; a refused refund releases its hold', async () => {
    const henry = await h.customer();
    const account = await h.funded(henry, '0');
    const payment = await payIn(henry, account.id, '5000');
    await stateOf(henry, payment.id, 'succeeded');
    const refund = (body: Record<string, unknown>, key = newUuid()) =>
      h.t.http().post(`/v1/payments/${payment.id}/refunds`).set(henry.auth).set('idempotency-key', key).send(body);
    const first = await refund({ amount: '2000', reason: 'damaged' }, 'refund-1');
    expect(first.status).toBe(202);
    await stateOf(henry, payment.id, 'partially_refunded');
    expect((await paymentOf(h.t, henry, payment.id)).refundedAmount).toBe('2000');
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '3000', pending: '0' });
    expect((await refund({ amount: '2000', reason: 'damaged' }, 'refund-1')).headers['idempotent-replayed']).toBe('true');
    const tooMuch = await refund({ amount: '3001' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ code: 'REFUND_EXCEEDS_REMAINING', remaining: '3000', errors: [{ field: 'amount' }] });
    h.card.next('refund', [{ status: 'failed', failureCode: 'charge_disputed' }]);
    const refusedAtProvider = await refund({ amount: '1000' });
    expect(refusedAtProvider.status).toBe(202);
    await eventually(
      () => sql(db.url, "select count(*)::int as n from payments.refunds where payment_id = $1 and state = 'failed'", [payment.id]),
      (rows) => rows[0]!.n === 1,
    );
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '3000', pending: '0', available: '3000' });
    const rest = await refund({});
    expect(rest.status).toBe(202);
    const refunded = await stateOf(henry, payment.id, 'refunded');
    expect(refunded.refundedAmount).toBe('5000');
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '0', pending: '0' });
    const refunds = await sql<{ id: string; state: string; amount: string }>(
      db.url,
      'select id, state, amount::text as amount from payments.refunds where payment_id = $1 order by created_at',
      [payment.id],
    );
    expect(refunds.map((r) => [r.amount, r.state])).toEqual([
      ['2000', 'succeeded'],
      ['1000', 'failed'],
      ['3000', 'succeeded'],
    ]);
    const steps = (
      await ledgerTransfersOf(
        db.url,
        payment.id,
        refunds.map((r) => r.id),
      )
    ).map((t) => t.step.replace(/refund:[^:]+:/, 'refund:'));
    expect(steps.sort()).toEqual(['credit', 'refund:hold', 'refund:hold', 'refund:hold', 'refund:post', 'refund:post', 'refund:void'].sort());
    expect((await refund({ amount: '1' })).body.code).toBe('PAYMENT_NOT_REFUNDABLE');
    const events = await eventually(
      () => paymentEvents(db.url, payment.id),
      (e) => e.filter((x) => x.type === 'payments.payment-refunded.v1').length === 2,
    );
    expect(events.filter((e) => e.type === 'payments.payment-refunded.v1').map((e) => e.state)).toEqual(['partially_refunded', 'refunded']);
  });

  it('a refund larger than what the customer still holds is 422 INSUFFICIENT_FUNDS, nothing recorded', async () => {
    const ivy = await h.customer();
    const account = await h.funded(ivy, '0');
    const other = await h.funded(ivy, '0');
    const payment = await payIn(ivy, account.id, '800');
    await stateOf(ivy, payment.id, 'succeeded');
    // The customer spent it meanwhile.
    const spent = await h.t.http().post(`/v1/accounts/${account.id}/transfers`).set(ivy.auth).send({ id: newUuid(), toAccountId: other.id, amount: '800' });
    expect(spent.status).toBe(201);
    const res = await h.t.http().post(`/v1/payments/${payment.id}/refunds`).set(ivy.auth).set('idempotency-key', newUuid()).send({ amount: '500' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await sql(db.url, 'select * from payments.refunds where payment_id = $1', [payment.id])).toEqual([]);
  });

  it('cancel: a created payout is canceled and its hold released; one being sent is 409; a settled one cannot be canceled', async () => {
    const jack = await h.customer();
    const account = await h.funded(jack, '10000');
    const beneficiary = await h.beneficiary(jack.id);
    const payout = (amount: string) =>
      h.t
        .http()
        .post('/v1/payouts')
        .set(jack.auth)
        .set('idempotency-key', newUuid())
        .send({ accountId: account.id, beneficiaryId: beneficiary, amount, currency: 'EUR', method: 'sepa' });
    // Its dispatch job waits in the queue (the workers are stopped): created, money held, no call under way.
    const queues = h.t.app.get(WorkQueues);
    await queues.stop();
    const first = (await payout('1000')).body as PaymentBody;
    expect((await h.balances(account.ledgerAccountId)).pending).toBe('-1000');
    const cancel = (id: string) => h.t.http().post(`/v1/payments/${id}/cancel`).set(jack.auth).set('idempotency-key', newUuid()).send({});
    const canceled = await cancel(first.id);
    expect(canceled.status).toBe(200);
    expect(canceled.body.state).toBe('canceled');
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '10000', pending: '0' });
    expect((await cancel(first.id)).body.state).toBe('canceled');
    expect((await ledgerTransfersOf(db.url, first.id)).map((t) => t.step)).toEqual(['hold', 'void']);
    // The job then runs, finds the payment canceled, and calls nothing.
    queues.start();
    await eventually(
      () => queues.counts('payments.dispatch'),
      (c) => c.waiting + c.active + c.delayed === 0,
    );
    expect(h.sepa.calls.filter((c) => c.paymentId === first.id)).toEqual([]);

    const reached = h.sepa.hold();
    const second = (await payout('2000')).body as PaymentBody;
    await reached;
    const inFlight = await cancel(second.id);
    expect(inFlight.status).toBe(409);
    expect(inFlight.body.code).toBe('PAYMENT_IN_FLIGHT');
    h.sepa.open();
    await stateOf(jack, second.id, 'succeeded');
    const late = await cancel(second.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('PAYMENT_NOT_CANCELABLE');
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '8000', pending: '0' });
  });
});
