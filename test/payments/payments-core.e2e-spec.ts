import { CommandBus } from '@nestjs/cqrs';
import { CreatePaymentCommand } from '@modules/payments/contract';
import { DomainError } from '@shared-kernel';
import { systemAccountId } from '@modules/payments/domain/ledger-ids';
import { bearer, loginAs } from '../support/auth';
import { eventually } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import { ledgerTransfersOf, paymentEvents, paymentOf, startPaymentsApp, type PaymentBody, type PaymentsHarness } from './payments-support';

describe('payments core: pay-ins and payouts over HTTP, settled on the ledger', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let h: PaymentsHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await startPaymentsApp(db.url, {
      PAYMENTS_PAYOUT_FEE: '150',
      PAYMENTS_LIMIT_PER_PAYMENT: '500000',
      PAYMENTS_LIMIT_PER_DAY: '800000',
      PAYMENTS_LIMIT_PER_MONTH: '900000',
    });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const settled = (who: { auth: Record<string, string> }, id: string, state = 'succeeded') =>
    eventually(
      () => paymentOf(h.t, who as never, id),
      (p: PaymentBody) => p.state === state,
    );

  it('pay-in: created at once, charged by the gateway after commit, the account credited once from pay-in clearing', async () => {
    const alice = await h.customer();
    const account = await h.funded(alice, '0');
    const res = await h.t
      .http()
      .post('/v1/payments')
      .set(alice.auth)
      .set('idempotency-key', 'payin-1')
      .send({ accountId: account.id, amount: '2500', currency: 'EUR', method: 'card', paymentMethodToken: 'pm_card_visa', reference: 'Top-up' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'pay_in', state: 'created', amount: '2500', currency: 'EUR', fee: '0', accountId: account.id, ownerId: alice.id });
    const payment = await settled(alice, res.body.id);
    expect(payment).toMatchObject({ connector: 'stripe', providerReference: `ref_${res.body.id}`, refundedAmount: '0' });
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '2500', pending: '0', available: '2500' });
    const clearing = systemAccountId({ kind: 'payin_clearing', connector: 'stripe', currency: 'EUR' });
    expect((await h.balances(clearing)).posted).toBe('2500');
    expect(await ledgerTransfersOf(db.url, res.body.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '2500' }]);
    const calls = h.card.calls.filter((c) => c.paymentId === res.body.id);
    expect(calls).toEqual([{ operation: 'authorize', paymentId: res.body.id, idempotencyKey: `${res.body.id}:authorize:stripe`, amount: 2500n }]);
    // The same key and body again: the stored answer, nothing new.
    const again = await h.t
      .http()
      .post('/v1/payments')
      .set(alice.auth)
      .set('idempotency-key', 'payin-1')
      .send({ accountId: account.id, amount: '2500', currency: 'EUR', method: 'card', paymentMethodToken: 'pm_card_visa', reference: 'Top-up' });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const transitions = await sql(db.url, 'select from_state, to_state, cause from payments.payment_transitions where payment_id = $1 order by seq', [
      res.body.id,
    ]);
    expect(transitions).toEqual([
      { from_state: null, to_state: 'created', cause: 'api' },
      { from_state: 'created', to_state: 'succeeded', cause: 'gateway' },
    ]);
    const events = await eventually(
      () => paymentEvents(db.url, res.body.id),
      (e) => e.length >= 2,
    );
    expect(events).toEqual([
      { type: 'payments.payment-created.v1', state: 'created', review: null },
      { type: 'payments.payment-succeeded.v1', state: 'succeeded', review: null },
    ]);
  });

  it('payout: amount + fee held at creation, posted on settlement, the fee to the fee account, exactly one posting each', async () => {
    const bob = await h.customer();
    const account = await h.funded(bob, '10000');
    const beneficiary = await h.beneficiary(bob.id, 'sepa', 'EUR');
    const reached = h.sepa.hold();
    const res = await h.t
      .http()
      .post('/v1/payouts')
      .set(bob.auth)
      .set('idempotency-key', 'payout-1')
      .send({ accountId: account.id, beneficiaryId: beneficiary, amount: '4000', currency: 'EUR', method: 'sepa', reference: 'Rent' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'payout', state: 'created', fee: '150', beneficiaryId: beneficiary });
    // Held before the gateway answers (its call waits at the gate): available drops, posted does not.
    await reached;
    expect((await paymentOf(h.t, bob, res.body.id)).state).toBe('created');
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '10000', pending: '-4150', available: '5850' });
    h.sepa.open();
    await settled(bob, res.body.id);
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '5850', pending: '0', available: '5850' });
    expect((await h.balances(systemAccountId({ kind: 'fees', currency: 'EUR' }))).posted).toBe('150');
    expect((await h.balances(systemAccountId({ kind: 'payout_clearing', currency: 'EUR' }))).posted).toBe('4000');
    expect(await ledgerTransfersOf(db.url, res.body.id)).toEqual([
      { step: 'hold', kind: 'pending', amount: '4150' },
      { step: 'post', kind: 'post_pending', amount: '4150' },
      { step: 'fee', kind: 'posted', amount: '150' },
    ]);
    const got = await h.t.http().get(`/v1/payouts/${res.body.id}`).set(bob.auth);
    expect(got.status).toBe(200);
    expect(got.body.state).toBe('succeeded');
  });

  it('a failed payout releases its hold; the payment says why', async () => {
    const carol = await h.customer();
    const account = await h.funded(carol, '3000');
    const beneficiary = await h.beneficiary(carol.id);
    h.sepa.next('payout', [{ status: 'failed', failureCode: 'AC04' }]);
    const res = await h.t
      .http()
      .post('/v1/payouts')
      .set(carol.auth)
      .set('idempotency-key', 'k')
      .send({ accountId: account.id, beneficiaryId: beneficiary, amount: '1000', currency: 'EUR', method: 'sepa' });
    expect(res.status).toBe(201);
    const failed = await settled(carol, res.body.id, 'failed');
    expect(failed.failureCode).toBe('AC04');
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '3000', pending: '0', available: '3000' });
    expect((await ledgerTransfersOf(db.url, res.body.id)).map((t) => t.step)).toEqual(['hold', 'void']);
  });

  it('the same payment id with other fields is a conflict (bus), and over HTTP the key reused with another body is refused', async () => {
    const dave = await h.customer();
    const account = await h.funded(dave, '0');
    const id = newUuid();
    const bus = h.t.app.get(CommandBus);
    const payIn = { kind: 'pay_in' as const, accountId: account.id, amount: '100', currency: 'EUR', method: 'card' as const };
    const first = await bus.execute(new CreatePaymentCommand({ id, ownerId: dave.id, payment: payIn }));
    const replay = await bus.execute(new CreatePaymentCommand({ id, ownerId: dave.id, payment: payIn }));
    expect(replay.id).toBe(first.id);
    const conflict = await bus.execute(new CreatePaymentCommand({ id, ownerId: dave.id, payment: { ...payIn, amount: '101' } })).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(DomainError);
    expect((conflict as DomainError).code).toBe('PAYMENT_EXISTS_WITH_DIFFERENT_FIELDS');
    const a = await h.t
      .http()
      .post('/v1/payments')
      .set(dave.auth)
      .set('idempotency-key', 'same')
      .send({ accountId: account.id, amount: '100', currency: 'EUR', method: 'card' });
    expect(a.status).toBe(201);
    const b = await h.t
      .http()
      .post('/v1/payments')
      .set(dave.auth)
      .set('idempotency-key', 'same')
      .send({ accountId: account.id, amount: '200', currency: 'EUR', method: 'card' });
    expect(b.status).toBe(422);
    expect(b.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const count = await sql(db.url, 'select count(*)::int as n from payments.payments where owner_id = $1', [dave.id]);
    expect(count[0]!.n).toBe(2);
  });

  it('refuses without an Idempotency-Key, bad amounts, a rail that cannot carry the currency, and limits, each naming the field; nothing written', async () => {
    const erin = await h.customer();
    const account = await h.funded(erin, '2000000');
    const beneficiary = await h.beneficiary(erin.id);
    const post = (path: string, body: Record<string, unknown>, key: string | null = newUuid()) => {
      const req = h.t.http().post(path).set(erin.auth);
      return (key ? req.set('idempotency-key', key) : req).send(body);
    };
    const payout = { accountId: account.id, beneficiaryId: beneficiary, currency: 'EUR', method: 'sepa' };
    expect((await post('/v1/payouts', { ...payout, amount: '100' }, null)).body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    for (const amount of ['0', '-5', '1.5', '12e3', 'abc']) {
      const res = await post('/v1/payouts', { ...payout, amount });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('amount');
    }
    const usd = await post('/v1/payouts', { ...payout, amount: '100', currency: 'USD' });
    expect(usd.status).toBe(400);
    expect(usd.body).toMatchObject({ code: 'RAIL_CURRENCY_MISMATCH', errors: [{ field: 'currency' }] });
    const perPayment = await post('/v1/payouts', { ...payout, amount: '500001' });
    expect(perPayment.status).toBe(422);
    expect(perPayment.body).toMatchObject({ code: 'PAYMENT_LIMIT_EXCEEDED', limit: 'per_payment', max: '500000', errors: [{ field: 'amount' }] });
    expect((await post('/v1/payouts', { ...payout, amount: '500000' })).status).toBe(201);
    const perDay = await post('/v1/payouts', { ...payout, amount: '300001' });
    expect(perDay.status).toBe(422);
    expect(perDay.body).toMatchObject({ code: 'PAYMENT_LIMIT_EXCEEDED', limit: 'per_day' });
    expect((await post('/v1/payouts', { ...payout, amount: '300000' })).status).toBe(201);
    // The day is full; the month limit is checked too (set below the day's sum + this in a fresh month is not testable here).
    const again = await post('/v1/payouts', { ...payout, amount: '1' });
    expect(again.body.limit).toBe('per_day');
    expect((await sql(db.url, 'select count(*)::int as n from payments.payments where owner_id = $1', [erin.id]))[0]!.n).toBe(2);
  });

  it('insufficient funds: 422, no payment, no hold; another user’s account or beneficiary is refused', async () => {
    const frank = await h.customer();
    const grace = await h.customer();
    const account = await h.funded(frank, '500');
    const beneficiary = await h.beneficiary(frank.id);
    const gracesAccount = await h.funded(grace, '100000');
    const gracesBeneficiary = await h.beneficiary(grace.id);
    const send = (body: Record<string, unknown>) => h.t.http().post('/v1/payouts').set(frank.auth).set('idempotency-key', newUuid()).send(body);
    const poor = await send({ accountId: account.id, beneficiaryId: beneficiary, amount: '400', currency: 'EUR', method: 'sepa' });
    expect(poor.status).toBe(422); // 400 + fee 150 > 500
    expect(poor.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '500', pending: '0', available: '500' });
    const notMine = await send({ accountId: gracesAccount.id, beneficiaryId: beneficiary, amount: '100', currency: 'EUR', method: 'sepa' });
    expect(notMine.status).toBe(422);
    expect(notMine.body).toMatchObject({ code: 'ACCOUNT_NOT_FOUND', errors: [{ field: 'accountId' }] });
    const theirs = await send({ accountId: account.id, beneficiaryId: gracesBeneficiary, amount: '100', currency: 'EUR', method: 'sepa' });
    expect(theirs.status).toBe(422);
    expect(theirs.body).toMatchObject({ code: 'BENEFICIARY_NOT_FOUND', errors: [{ field: 'beneficiaryId' }] });
    const wrongRail = await send({ accountId: account.id, beneficiaryId: beneficiary, amount: '100', currency: 'EUR', method: 'wire' });
    expect(wrongRail.status).toBe(400);
    expect(wrongRail.body.errors[0].field).toBe('method');
    expect((await sql(db.url, 'select count(*)::int as n from payments.payments where owner_id = $1', [frank.id]))[0]!.n).toBe(0);
    expect((await h.balances(gracesAccount.ledgerAccountId)).pending).toBe('0');
  });

  it("ownership: another user's payment is 404 everywhere; lists hold only the caller's, paged by cursor; staff see any", async () => {
    const henry = await h.customer();
    const ivy = await h.customer();
    const account = await h.funded(henry, '0');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.t
        .http()
        .post('/v1/payments')
        .set(henry.auth)
        .set('idempotency-key', `own-${i}`)
        .send({ accountId: account.id, amount: '10', currency: 'EUR', method: 'card' });
      ids.push(res.body.id);
    }
    for (const path of [`/v1/payments/${ids[0]}`, `/v1/payouts/${ids[0]}`]) {
      const res = await h.t.http().get(path).set(ivy.auth);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('PAYMENT_NOT_FOUND');
    }
    expect((await h.t.http().post(`/v1/payments/${ids[0]}/cancel`).set(ivy.auth).set('idempotency-key', 'x').send({})).status).toBe(404);
    expect((await h.t.http().post(`/v1/payments/${ids[0]}/refunds`).set(ivy.auth).set('idempotency-key', 'x').send({})).status).toBe(404);
    expect((await h.t.http().get('/v1/payments').set(ivy.auth)).body.items).toEqual([]);
    const page1 = await h.t.http().get('/v1/payments?limit=2').set(henry.auth);
    expect(page1.body.items.map((p: PaymentBody) => p.id)).toEqual([ids[2], ids[1]]);
    const page2 = await h.t.http().get(`/v1/payments?limit=2&cursor=${page1.body.nextCursor}`).set(henry.auth);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    const support = bearer((await loginAs(h.t.app, newUuid(), ['support'])).token);
    expect((await h.t.http().get(`/v1/payments/${ids[0]}`).set(support)).status).toBe(200);
    const detail = await h.t.http().get(`/v1/admin/payments/${ids[0]}`).set(support);
    expect(detail.status).toBe(200);
    expect(detail.body.transitions[0]).toMatchObject({ seq: 1, from: null, to: 'created', cause: 'api', applied: true });
    expect(detail.body.gatewayCalls[0]).toMatchObject({ connector: 'stripe', operation: 'authorize', outcome: 'succeeded' });
    expect((await h.t.http().get(`/v1/admin/payments/${ids[0]}`).set(henry.auth)).status).toBe(403);
    const listed = await h.t.http().get(`/v1/admin/payments?ownerId=${henry.id}&state=succeeded`).set(support);
    expect(listed.body.items).toHaveLength(3);
  });
});
