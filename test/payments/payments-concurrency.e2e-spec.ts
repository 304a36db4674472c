import { CommandBus } from '@nestjs/cqrs';
import { SubmitTransfersCommand } from '@modules/ledger/contract';
import { PaymentReports } from '@modules/payments/application/apply-report/payment-reports';
import { PaymentLedger } from '@modules/payments/application/payment-ledger';
import { ledgerTransferId, paymentIdFor, systemAccountId } from '@modules/payments/domain/ledger-ids';
import { PaymentRepository } from '@modules/payments/infrastructure/payment.repository';
import { eventually } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import type { Customer } from '../accounts/accounts-support';
import { ledgerTransfersOf, paymentOf, signed, startPaymentsApp, type PaymentBody, type PaymentsHarness } from './payments-support';

describe('payments under races and crashes: nothing settles twice, no hold dangles, two processes never call at once', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let h: PaymentsHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await startPaymentsApp(db.url, { PAYMENTS_LIMIT_PER_DAY: '1000', PAYMENTS_LIMIT_PER_PAYMENT: '1000' });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const stateOf = (who: Customer, id: string, state: string) =>
    eventually(
      () => paymentOf(h.t, who, id),
      (p: PaymentBody) => p.state === state,
    );
  const payIn = async (who: Customer, accountId: string, amount: string, t = h.t) => {
    const res = await t
      .http()
      .post('/v1/payments')
      .set(who.auth)
      .set('idempotency-key', newUuid())
      .send({ accountId, amount, currency: 'EUR', method: 'card' });
    if (res.status !== 201) throw new Error(`pay-in: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as PaymentBody;
  };

  it('a process that died after the ledger step and before the state update: the next report repeats the step (exists) and completes, one posting', async () => {
    const alice = await h.customer();
    const account = await h.funded(alice, '0');
    h.card.next('authorize', [{ status: 'processing' }]);
    const payment = await payIn(alice, account.id, '640');
    await stateOf(alice, payment.id, 'processing');
    // What the dead process did: the credit, with the payment's derived id; the row still says processing.
    await h.t.app.get(PaymentLedger).system({ kind: 'payin_clearing', connector: 'stripe', currency: 'EUR' });
    const [credit] = await h.t.app.get(CommandBus).execute(
      new SubmitTransfersCommand({
        transfers: [
          {
            id: ledgerTransferId(payment.id, 'credit'),
            kind: 'posted',
            debitAccountId: systemAccountId({ kind: 'payin_clearing', connector: 'stripe', currency: 'EUR' }),
            creditAccountId: account.ledgerAccountId,
            amount: '640',
            currency: 'EUR',
            code: 9310,
            reference: `payments:${payment.id}`,
          },
        ],
      }),
    );
    expect(credit!.status).toBe('created');
    expect((await paymentOf(h.t, alice, payment.id)).state).toBe('processing');
    const { body, signature } = signed([
      {
        eventId: `evt_${newUuid()}`,
        providerReference: `ref_${payment.id}`,
        paymentId: payment.id,
        subject: 'payment',
        status: 'succeeded',
        occurredAt: new Date().toISOString(),
      },
    ]);
    expect(
      (await h.t.http().post('/v1/payment-webhooks/stripe').set('content-type', 'application/json').set('x-test-signature', signature).send(body)).status,
    ).toBe(200);
    await stateOf(alice, payment.id, 'succeeded');
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '640' }]);
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '640' });
  });

  it('many reports of one settlement at once (webhooks, status, the API answer): one transition, one posting', async () => {
    const bob = await h.customer();
    const account = await h.funded(bob, '0');
    h.card.next('authorize', [{ status: 'processing' }]);
    const payment = await payIn(bob, account.id, '330');
    await stateOf(bob, payment.id, 'processing');
    const reports = h.t.app.get(PaymentReports);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        reports.apply(
          payment.id,
          { status: 'succeeded', connector: 'stripe', providerReference: `ref_${payment.id}` },
          i % 3 === 0 ? 'webhook' : i % 3 === 1 ? 'sync' : 'gateway',
        ),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'apply')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'noop')).toHaveLength(11);
    expect(await ledgerTransfersOf(db.url, payment.id)).toEqual([{ step: 'credit', kind: 'posted', amount: '330' }]);
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '330' });
    const [row] = await sql(db.url, "select count(*)::int as n from payments.payment_transitions where payment_id = $1 and to_state = 'succeeded'", [
      payment.id,
    ]);
    expect(row!.n).toBe(1);
  });

  it('a payout succeeding and failing at once (contradictory reports): the ledger decides, the payment ends as one of them, never both', async () => {
    const carol = await h.customer();
    const account = await h.funded(carol, '900');
    const beneficiary = await h.beneficiary(carol.id);
    h.sepa.next('payout', [{ status: 'processing' }]);
    const res = await h.t
      .http()
      .post('/v1/payouts')
      .set(carol.auth)
      .set('idempotency-key', newUuid())
      .send({ accountId: account.id, beneficiaryId: beneficiary, amount: '500', currency: 'EUR', method: 'sepa' });
    await stateOf(carol, res.body.id, 'processing');
    const reports = h.t.app.get(PaymentReports);
    await Promise.allSettled([
      reports.apply(res.body.id, { status: 'succeeded' }, 'webhook'),
      reports.apply(res.body.id, { status: 'failed', failureCode: 'AC01' }, 'webhook'),
    ]);
    const final = await paymentOf(h.t, carol, res.body.id);
    const balances = await h.balances(account.ledgerAccountId);
    if (final.state === 'succeeded') expect(balances).toMatchObject({ posted: '400', pending: '0' });
    else {
      expect(final.state).toBe('failed');
      expect(balances).toMatchObject({ posted: '900', pending: '0' });
    }
    const steps = (await ledgerTransfersOf(db.url, res.body.id)).map((t) => t.step);
    expect(steps).toEqual(final.state === 'succeeded' ? ['hold', 'post'] : ['hold', 'void']);
  });

  it('two payouts racing for the last of the day limit: one created, the other refused, its hold (if it got one) voided', async () => {
    const dave = await h.customer();
    const account = await h.funded(dave, '5000');
    const beneficiary = await h.beneficiary(dave.id);
    const send = () =>
      h.t
        .http()
        .post('/v1/payouts')
        .set(dave.auth)
        .set('idempotency-key', newUuid())
        .send({ accountId: account.id, beneficiaryId: beneficiary, amount: '600', currency: 'EUR', method: 'sepa' });
    // The created payout's gateway call waits at the gate, so its hold is still pending when the balance is read.
    const reached = h.sepa.hold();
    const results = await Promise.all([send(), send()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(results.find((r) => r.status === 422)!.body.limit).toBe('per_day');
    await reached;
    expect((await h.balances(account.ledgerAccountId)).pending).toBe('-600');
    const [count] = await sql(db.url, 'select count(*)::int as n from payments.payments where owner_id = $1', [dave.id]);
    expect(count!.n).toBe(1);
    h.sepa.open();
    await stateOf(dave, results.find((r) => r.status === 201)!.body.id, 'succeeded');
    expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '4400', pending: '0' });
  });

  it('the insert failing after the payout was held: the caller gets an error, no payment exists, and the hold is voided at once', async () => {
    const frank = await h.customer();
    const account = await h.funded(frank, '2000');
    const beneficiary = await h.beneficiary(frank.id);
    const insert = jest.spyOn(h.t.app.get(PaymentRepository), 'insert').mockRejectedValueOnce(new Error('connection terminated unexpectedly'));
    try {
      const key = newUuid();
      const res = await h.t
        .http()
        .post('/v1/payouts')
        .set(frank.auth)
        .set('idempotency-key', key)
        .send({ accountId: account.id, beneficiaryId: beneficiary, amount: '700', currency: 'EUR', method: 'sepa' });
      expect(res.status).toBe(500);
      const id = paymentIdFor(frank.id, key);
      expect(await sql(db.url, 'select id from payments.payments where id = $1', [id])).toEqual([]);
      expect((await ledgerTransfersOf(db.url, id)).map((t) => [t.step, t.kind])).toEqual([
        ['hold', 'pending'],
        ['void', 'void_pending'],
      ]);
      expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '2000', pending: '0' });
    } finally {
      insert.mockRestore();
    }
  });

  it('two processes dispatching: a payment leased by one is not called by the other', async () => {
    const second = await startPaymentsApp(db.url, {}, { secondPod: true });
    try {
      const erin = await h.customer();
      const account = await h.funded(erin, '0');
      const reached = h.card.hold();
      const payments = [await payIn(erin, account.id, '10')];
      await reached; // pod 1 holds the lease and is inside the gateway call
      // Sessions live in each process's memory here: erin logs in to pod 2 as well.
      const erinOnPod2 = { id: erin.id, auth: bearer((await loginAs(second.t.app, erin.id)).token) };
      for (let i = 0; i < 3; i++) payments.push(await payIn(erinOnPod2, account.id, '10', second.t));
      // Pod 2 created three more and dispatches them itself (its own wake-up); pod 1's stays with pod 1.
      for (const p of payments.slice(1)) await stateOf(erin, p.id, 'succeeded');
      await second.runJob('payments.dispatch');
      expect(second.card.calls.map((c) => c.paymentId)).not.toContain(payments[0]!.id);
      expect((await paymentOf(h.t, erin, payments[0]!.id)).state).toBe('created');
      h.card.open();
      await stateOf(erin, payments[0]!.id, 'succeeded');
      for (const p of payments) {
        const [calls] = await sql(db.url, 'select count(*)::int as n from payments.gateway_calls where payment_id = $1', [p.id]);
        expect(calls!.n).toBe(1);
      }
      expect(await h.balances(account.ledgerAccountId)).toMatchObject({ posted: '40' });
    } finally {
      await second.close();
    }
  });
});
