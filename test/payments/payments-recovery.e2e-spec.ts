import { eventually } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import type { Customer } from '../accounts/accounts-support';
import { ledgerTransfersOf, paymentOf, signed, startPaymentsApp, type PaymentBody, type PaymentsHarness } from './payments-support';

/*
 * What the fault run (payments-faults.e2e-spec.ts) found stuck or counted twice, each shown on
 * its own: an approved payment that was never captured, an outcome-unknown guess that hid the
 * customer's action, and a refund whose confirmation never comes.
 */
describe('payments recover from what the fault run found', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let h: PaymentsHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await startPaymentsApp(db.url, { PAYMENTS_SYNC_AFTER_SECONDS: '0', PAYMENTS_DISPATCH_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const stateOf = (who: Customer, id: string, accept: (p: PaymentBody) => boolean, run?: Parameters<PaymentsHarness['runJob']>[0]) =>
    eventually(async () => {
      if (run) await h.runJob(run);
      return paymentOf(h.t, who, id);
    }, accept);
  const payIn = async (who: Customer, accountId: string, amount: string) => {
    const res = await h.t
      .http()
      .post('/v1/payments')
      .set(who.auth)
      .set('idempotency-key', newUuid())
      .send({ accountId, amount, currency: 'EUR', method: 'wallet' });
    if (res.status !== 201) throw new Error(`pay-in: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as PaymentBody;
  };
  const webhook = (events: ReadonlyArray<Record<string, unknown>>) => {
    const { body, signature } = signed(events);
    return h.t.http().post('/v1/payment-webhooks/stripe').set('content-type', 'application/json').set('x-test-signature', signature).send(body);
  };
  const captures = (paymentId: string) => h.card.calls.filter((c) => c.operation === 'capture' && c.paymentId === paymentId);

  it("the buyer's approval (a webhook that needs a capture) is captured once, and the customer credited once", async () => {
    const alice = await h.customer();
    const account = await h.funded(alice, '0');
    h.card.next('authorize', [{ status: 'requires_action', nextAction: { type: 'redirect', url: 'https://wallet.example/approve' } }]);
    const payment = await payIn(alice, account.id, '1500');
    await stateOf(alice, payment.id, (p) => p.state === 'requires_action');
    const approval = {
      eventId: `evt_${newUuid()}`,
      providerReference: `ref_${payment.id}`,
      paymentId: payment.id,
      subject: 'payment',
      status: 'processing',
      needsCapture: true,
      occurredAt: new Date().toISOString(),
    };
    expect((await webhook([approval])).status).toBe(200);
    await stateOf(alice, payment.id, (p) => p.state === 'succeeded');
    expect(captures(payment.id).map((c) => c.idempotencyKey)).toEqual([`${payment.id}:capture:stripe`]);
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '1500' }]);
  });

  it('an approval whose webhook is lost is found by status sync and captured', async () => {
    const bob = await h.customer();
    const account = await h.funded(bob, '0');
    h.card.next('authorize', [{ status: 'requires_action' }]);
    const payment = await payIn(bob, account.id, '700');
    await stateOf(bob, payment.id, (p) => p.state === 'requires_action');
    h.card.statusOf.set(`ref_${payment.id}`, { status: 'processing', needsCapture: true });
    await stateOf(bob, payment.id, (p) => p.state === 'succeeded', 'payments.status-sync');
    expect(captures(payment.id)).toHaveLength(1);
    const transitions = await sql(
      db.url,
      'select from_state, to_state, cause from payments.payment_transitions where payment_id = $1 and applied order by seq',
      [payment.id],
    );
    expect(transitions.slice(1)).toEqual([
      { from_state: 'created', to_state: 'requires_action', cause: 'gateway' },
      { from_state: 'requires_action', to_state: 'processing', cause: 'sync' },
      { from_state: 'processing', to_state: 'succeeded', cause: 'sync' },
    ]);
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '700' }]);
  });

  it("a timed-out call guessed as processing shows the customer's action once the provider says it waits for one", async () => {
    const carol = await h.customer();
    const account = await h.funded(carol, '0');
    // The provider created the order (it waits for the buyer); its answer was lost.
    h.card.next('authorize', [{ throws: 'unknown', did: 'requires_action' }]);
    const payment = await payIn(carol, account.id, '900');
    await stateOf(carol, payment.id, (p) => p.state === 'processing' && p.providerReference === null);
    const waiting = await stateOf(carol, payment.id, (p) => p.state === 'requires_action', 'payments.status-sync');
    expect(waiting).toMatchObject({ state: 'requires_action', providerReference: `ref_${payment.id}`, review: null });
    // Once the reference is known, a late requires_action is no news again.
    await webhook([
      {
        eventId: `evt_${newUuid()}`,
        providerReference: `ref_${payment.id}`,
        paymentId: payment.id,
        subject: 'payment',
        status: 'processing',
        occurredAt: new Date().toISOString(),
      },
    ]);
    await stateOf(carol, payment.id, (p) => p.state === 'processing');
    await webhook([
      {
        eventId: `evt_${newUuid()}`,
        providerReference: `ref_${payment.id}`,
        paymentId: payment.id,
        subject: 'payment',
        status: 'requires_action',
        occurredAt: new Date().toISOString(),
      },
    ]);
    await eventually(
      () => sql(db.url, "select count(*)::int as n from payments.provider_events where payload->>'paymentId' = $1 and processed_at is null", [payment.id]),
      (rows) => rows[0]!.n === 0,
    );
    expect((await paymentOf(h.t, carol, payment.id)).state).toBe('processing');
  });

  it('a refund the provider never confirms is asked again with the same key, then flagged for review; its hold stays for staff', async () => {
    const dave = await h.customer();
    const account = await h.funded(dave, '0');
    h.card.next('authorize', [{ status: 'succeeded' }]);
    const res = await h.t
      .http()
      .post('/v1/payments')
      .set(dave.auth)
      .set('idempotency-key', newUuid())
      .send({ accountId: account.id, amount: '2000', currency: 'EUR', method: 'card' });
    await stateOf(dave, res.body.id, (p) => p.state === 'succeeded');
    h.card.next('refund', [{ status: 'processing' }, { status: 'processing' }, { status: 'processing' }]);
    const refund = await h.t.http().post(`/v1/payments/${res.body.id}/refunds`).set(dave.auth).set('idempotency-key', newUuid()).send({ amount: '500' });
    expect(refund.status).toBe(202);
    const flagged = await stateOf(dave, res.body.id, (p) => p.review !== null, 'payments.refunds');
    expect(flagged.review).toMatch(/^refund .+ not confirmed after 3 attempts$/);
    const keys = h.card.calls.filter((c) => c.operation === 'refund' && c.paymentId === res.body.id).map((c) => c.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '2000', pending: '-500' });
  });
});
