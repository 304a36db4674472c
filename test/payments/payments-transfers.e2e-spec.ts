import { ChangeAccount } from '@modules/accounts/application/change-account/change-account';
import { PaymentReports } from '@modules/payments/application/apply-report/payment-reports';
import { createTestDatabase, sql } from '../support/database';
import { newUuid } from '../ledger/ledger-support';
import type { AccountBody, Customer } from '../accounts/accounts-support';
import { ledgerTransfersOf, paymentEvents, startPaymentsApp, type PaymentBody, type PaymentsHarness } from './payments-support';
import { eventually } from '../support/app';

/** An IBAN as a customer might type it: grouped by four, in lower case. */
const typed = (iban: string) =>
  iban
    .toLowerCase()
    .replace(/(.{4})/g, '$1 ')
    .trim();

describe('internal transfers between customers (POST /v1/transfers)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let h: PaymentsHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await startPaymentsApp(db.url, { PAYMENTS_LIMIT_PER_PAYMENT: '100000', PAYMENTS_LIMIT_PER_DAY: '150000' });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const send = (who: Customer, body: Record<string, unknown>, key: string = newUuid()) =>
    h.t.http().post('/v1/transfers').set(who.auth).set('idempotency-key', key).send(body);
  const paymentsOf = async (ownerId: string) => sql(db.url, 'select id, state from payments.payments where owner_id = $1', [ownerId]);

  it('moves the money at once from the payer to the payee named by IBAN or account number; both see it, nobody else', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const carol = await h.customer();
    const from = await h.funded(alice, '5000');
    const to = await h.funded(bob, '0');
    const key = newUuid();
    const body = { accountId: from.id, payeeAccount: typed(to.iban!), amount: '1200', currency: 'EUR', reference: 'rent' };
    const res = await send(alice, body, key);
    expect(res.status).toBe(201);
    const transfer = res.body as PaymentBody & { counterpartyAccountId: string };
    expect(transfer).toMatchObject({ ownerId: alice.id, kind: 'transfer', method: 'internal', state: 'succeeded', amount: '1200', fee: '0' });
    expect(transfer.counterpartyAccountId).toBe(to.id);
    expect(JSON.stringify(transfer)).not.toContain(to.iban!);
    expect(await h.balances(from.ledgerAccountId)).toMatchObject({ posted: '3800', pending: '0' });
    expect(await h.balances(to.ledgerAccountId)).toMatchObject({ posted: '1200', pending: '0' });
    expect(await ledgerTransfersOf(db.url, transfer.id)).toEqual([
      { step: 'hold', kind: 'pending', amount: '1200' },
      { step: 'post', kind: 'post_pending', amount: '1200' },
    ]);
    // The number the payer typed is not kept; the payee's account id is.
    const [stored] = await sql<{ request: Record<string, unknown> }>(db.url, 'select request from payments.payments where id = $1', [transfer.id]);
    expect(stored!.request).toMatchObject({ payeeAccountId: to.id });
    expect(JSON.stringify(stored!.request)).not.toContain(to.iban!.slice(4));

    const events = await eventually(
      () => paymentEvents(db.url, transfer.id),
      (e) => e.length === 2,
    );
    expect(events.map((e) => [e.type, e.state])).toEqual([
      ['payments.payment-created.v1', 'created'],
      ['payments.payment-succeeded.v1', 'succeeded'],
    ]);
    const kinds = await sql<{ kind: string }>(db.url, "select data->'payment'->>'kind' as kind from payments_probe.events where subject = $1", [transfer.id]);
    expect(kinds.map((k) => k.kind)).toEqual(['transfer', 'transfer']);

    // The payer, the payee and staff read it; anyone else is told it does not exist.
    for (const who of [alice, bob]) {
      expect((await h.t.http().get(`/v1/transfers/${transfer.id}`).set(who.auth)).status).toBe(200);
      expect((await h.t.http().get(`/v1/payments/${transfer.id}`).set(who.auth)).status).toBe(200);
      const list = await h.t.http().get('/v1/payments').set(who.auth);
      expect((list.body.items as PaymentBody[]).map((p) => p.id)).toContain(transfer.id);
    }
    for (const path of [`/v1/transfers/${transfer.id}`, `/v1/payments/${transfer.id}`]) {
      const res404 = await h.t.http().get(path).set(carol.auth);
      expect(res404.status).toBe(404);
      expect(res404.body.code).toBe('PAYMENT_NOT_FOUND');
    }
    expect((await h.t.http().get('/v1/payments').set(carol.auth)).body.items).toEqual([]);
    // The payee cannot act on it as its owner.
    expect((await h.t.http().post(`/v1/payments/${transfer.id}/cancel`).set(bob.auth).set('idempotency-key', newUuid()).send({})).status).toBe(404);
    // A transfer is not a payout.
    expect((await h.t.http().get(`/v1/payouts/${transfer.id}`).set(alice.auth)).status).toBe(404);

    // The same key again answers the same transfer and moves nothing more; another body is refused.
    const again = await send(alice, body, key);
    expect([200, 201]).toContain(again.status);
    expect(again.body.id).toBe(transfer.id);
    const reused = await send(alice, { ...body, amount: '1300' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await h.balances(to.ledgerAccountId)).toMatchObject({ posted: '1200' });

    // By account number too.
    const byNumber = await send(alice, { accountId: from.id, payeeAccount: to.accountNumber, amount: '300', currency: 'EUR' });
    expect(byNumber.status).toBe(201);
    expect(byNumber.body.state).toBe('succeeded');
    expect(await h.balances(to.ledgerAccountId)).toMatchObject({ posted: '1500' });
  });

  it('refuses, naming the field and writing nothing: itself, unknown or unusable payees, currency, funds, limits, a frozen payer', async () => {
    const dora = await h.customer();
    const erik = await h.customer();
    const from = await h.funded(dora, '2000');
    const other = await h.funded(dora, '0');
    const usdOfErik = await h.funded(erik, '0', 'USD');
    const usdOfDora = await h.funded(dora, '1000', 'USD');
    const closed = await h.funded(erik, '0');
    expect((await h.t.http().post(`/v1/accounts/${closed.id}/close`).set(erik.auth).send({})).status).toBe(200);
    const base = { accountId: from.id, amount: '100', currency: 'EUR' };

    const refusals: Array<[Record<string, unknown>, number, string, string]> = [
      [{ ...base, payeeAccount: from.iban }, 422, 'PAYEE_ACCOUNT_SAME_AS_SOURCE', 'payeeAccount'],
      [{ ...base, payeeAccount: '0000000000' }, 422, 'PAYEE_ACCOUNT_NOT_FOUND', 'payeeAccount'],
      [{ ...base, payeeAccount: 'DE89370400440532013000' }, 422, 'PAYEE_ACCOUNT_NOT_FOUND', 'payeeAccount'],
      [{ ...base, payeeAccount: usdOfErik.accountNumber }, 422, 'PAYEE_ACCOUNT_NOT_FOUND', 'payeeAccount'],
      [{ ...base, payeeAccount: closed.iban }, 422, 'PAYEE_ACCOUNT_NOT_FOUND', 'payeeAccount'],
      [{ ...base, accountId: usdOfDora.id, payeeAccount: other.iban }, 422, 'CURRENCY_MISMATCH', 'currency'],
      [{ ...base, accountId: usdOfErik.id, payeeAccount: other.iban }, 422, 'ACCOUNT_NOT_FOUND', 'accountId'],
      [{ ...base, amount: '2001', payeeAccount: other.iban }, 422, 'INSUFFICIENT_FUNDS', 'amount'],
      [{ ...base, amount: '100001', payeeAccount: other.iban }, 422, 'PAYMENT_LIMIT_EXCEEDED', 'amount'],
      [{ ...base, payeeAccount: 'not a number' }, 400, 'VALIDATION_FAILED', 'payeeAccount'],
      [{ ...base, payeeAccount: other.iban, amount: '-5' }, 400, 'VALIDATION_FAILED', 'amount'],
    ];
    for (const [body, status, code, field] of refusals) {
      const res = await send(dora, body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
      expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
      // Nothing in the answer says what the unknown or unusable number is.
      expect(JSON.stringify(res.body)).not.toContain(usdOfErik.id);
    }
    expect(await paymentsOf(dora.id)).toEqual([]);
    expect(await h.balances(from.ledgerAccountId)).toMatchObject({ posted: '2000', pending: '0' });

    // Her own other account is a payee like any other.
    expect((await send(dora, { ...base, payeeAccount: other.iban })).body.state).toBe('succeeded');

    // A frozen payer pays nothing; a frozen payee still receives (as accounts has it).
    await h.t.app.get(ChangeAccount).freeze(from.id, 'test');
    const frozen = await send(dora, { ...base, payeeAccount: other.iban });
    expect({ status: frozen.status, code: frozen.body.code }).toEqual({ status: 422, code: 'ACCOUNT_NOT_ACTIVE' });
    await h.t.app.get(ChangeAccount).unfreeze(from.id, 'test');
    await h.t.app.get(ChangeAccount).freeze(other.id, 'test');
    expect((await send(dora, { ...base, payeeAccount: other.iban })).body.state).toBe('succeeded');
    expect(await h.balances(other.ledgerAccountId)).toMatchObject({ posted: '200' });
  });

  it("counts against the day limit with the payer's other transfers", async () => {
    const fred = await h.customer();
    const gina = await h.customer();
    const from = await h.funded(fred, '300000');
    const to = await h.funded(gina, '0');
    const body = { accountId: from.id, payeeAccount: to.accountNumber, amount: '100000', currency: 'EUR' };
    expect((await send(fred, body)).status).toBe(201);
    const over = await send(fred, { ...body, amount: '50001' });
    expect({ status: over.status, code: over.body.code, limit: over.body.limit }).toEqual({ status: 422, code: 'PAYMENT_LIMIT_EXCEEDED', limit: 'per_day' });
    expect((await send(fred, { ...body, amount: '50000' })).status).toBe(201);
    expect(await h.balances(to.ledgerAccountId)).toMatchObject({ posted: '150000' });
  });

  it('two transfers racing for the last of the day limit: one settles, the other is refused and its hold (if it got one) voided', async () => {
    const jack = await h.customer();
    const kira = await h.customer();
    const from = await h.funded(jack, '300000');
    const to = await h.funded(kira, '0');
    const body = { accountId: from.id, payeeAccount: to.accountNumber, currency: 'EUR' };
    expect((await send(jack, { ...body, amount: '100000' })).status).toBe(201);
    const results = await Promise.all([send(jack, { ...body, amount: '40000' }), send(jack, { ...body, amount: '40000' })]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(results.find((r) => r.status === 422)!.body.limit).toBe('per_day');
    expect(await h.balances(from.ledgerAccountId)).toMatchObject({ posted: '160000', pending: '0' });
    expect(await h.balances(to.ledgerAccountId)).toMatchObject({ posted: '140000', pending: '0' });
    expect(await paymentsOf(jack.id)).toHaveLength(2);
  });

  it('a transfer cut short after it was created is settled by a retry of the request, or by the dispatch job', async () => {
    const hana = await h.customer();
    const ivan = await h.customer();
    const from = await h.funded(hana, '1000');
    const to: AccountBody = await h.funded(ivan, '0');
    const reports = h.t.app.get(PaymentReports);
    const cutShort = () => jest.spyOn(reports, 'apply').mockRejectedValueOnce(new Error('the process died here'));

    cutShort();
    const key = newUuid();
    const body = { accountId: from.id, payeeAccount: to.iban, amount: '250', currency: 'EUR' };
    expect((await send(hana, body, key)).status).toBe(500);
    const [left] = await sql<{ id: string; state: string }>(db.url, 'select id, state from payments.payments where owner_id = $1', [hana.id]);
    expect(left!.state).toBe('created');
    expect(await h.balances(from.ledgerAccountId)).toMatchObject({ posted: '1000', pending: '-250' });
    const retried = await send(hana, body, key);
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: left!.id, state: 'succeeded' });

    cutShort();
    expect((await send(hana, { ...body, amount: '100' })).status).toBe(500);
    // The dispatch sweep hands the payment left created to the work queue, whose job settles it.
    await h.runJob('payments.dispatch');
    const states = await eventually(
      () => sql<{ amount: string; state: string }>(db.url, 'select amount::text, state from payments.payments where owner_id = $1 order by seq', [hana.id]),
      (rows) => rows.every((r) => r.state !== 'created'),
    );
    expect(states).toEqual([
      { amount: '250', state: 'succeeded' },
      { amount: '100', state: 'succeeded' },
    ]);
    expect(await h.balances(to.ledgerAccountId)).toMatchObject({ posted: '350', pending: '0' });
    expect(await h.balances(from.ledgerAccountId)).toMatchObject({ posted: '650', pending: '0' });
  });
});
