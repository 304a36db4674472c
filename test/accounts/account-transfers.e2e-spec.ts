import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { accountsContext } from '@modules/accounts/accounts.context';
import { sweepTransferId } from '@modules/accounts/application/close-account/close-account.workflow';
import { INTERNAL_TRANSFER_CODE } from '@modules/accounts/application/transfer-money/transfer-money';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { SubmitTransfersCommand } from '@modules/ledger/contract';
import { DomainError } from '@shared-kernel';
import { startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { ledgerClient, newUuid, openAccount } from '../ledger/ledger-support';
import { customer, openCustomerAccount, transfer as ledgerTransfer, type AccountBody, type Customer } from './accounts-support';

describe('internal transfers (POST /v1/accounts/:id/transfers)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let ledgerAuth: Record<string, string>;
  let bank: string;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ contexts: [ledgerContext, accountsContext], databaseUrl: db.url, env: { ACCOUNTS_CURRENCIES: 'EUR,USD' } });
    ledgerAuth = await ledgerClient(t);
    bank = await openAccount(t, ledgerAuth, { normalSide: 'debit' });
    alice = await customer(t);
    bob = await customer(t);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const funded = async (who: Customer, amount: string, body = { product: 'checking', currency: 'EUR' }) => {
    const account = await openCustomerAccount(t, who, body);
    if (amount !== '0') {
      const currency = body.currency;
      const source = currency === 'EUR' ? bank : await openAccount(t, ledgerAuth, { normalSide: 'debit', currency });
      expect((await ledgerTransfer(t, ledgerAuth, { debitAccountId: source, creditAccountId: account.ledgerAccountId, amount, currency })).status).toBe(201);
    }
    return account;
  };
  /** The posted balance, as the ledger holds it. */
  const posted = async (account: AccountBody) =>
    (await t.http().get(`/v1/ledger/accounts/${account.ledgerAccountId}`).set(ledgerAuth)).body.balances.posted as string;
  /** A transfer out of `from`, by its owner unless `who` is given. */
  const send = (from: AccountBody, body: Record<string, unknown>, who?: Customer) =>
    t
      .http()
      .post(`/v1/accounts/${from.id}/transfers`)
      .set((who ?? (from.ownerId === alice.id ? alice : bob)).auth)
      .send(body);

  it("moves money to another customer's account: both balances change, the ledger holds one transfer with the client's id", async () => {
    const from = await funded(alice, '1000');
    const to = await funded(bob, '0');
    const id = newUuid();
    const res = await send(from, { id, toAccountId: to.id, amount: '300', reference: 'Dinner, thanks!' });
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.body).toEqual({
      id,
      fromAccountId: from.id,
      toAccountId: to.id,
      amount: '300',
      currency: 'EUR',
      reference: 'Dinner, thanks!',
      status: 'posted',
      createdAt: expect.any(String),
    });
    expect(await posted(from)).toBe('700');
    expect(await posted(to)).toBe('300');

    const ledger = (await t.http().get(`/v1/ledger/transfers/${id}`).set(ledgerAuth)).body;
    expect(ledger).toMatchObject({
      id,
      kind: 'posted',
      debitAccountId: from.ledgerAccountId,
      creditAccountId: to.ledgerAccountId,
      amount: '300',
      code: INTERNAL_TRANSFER_CODE,
    });
    // Both sides see it in their history.
    const payeeHistory = (await t.http().get(`/v1/accounts/${to.id}/postings`).set(bob.auth)).body.items;
    expect(payeeHistory.map((p: { transferId: string; side: string; amount: string }) => [p.transferId, p.side, p.amount])).toEqual([[id, 'credit', '300']]);

    // Without a reference, it is null.
    const plain = await send(from, { id: newUuid(), toAccountId: to.id, amount: '1' });
    expect(plain.status).toBe(201);
    expect(plain.body.reference).toBeNull();
  });

  it('replays the same id with the first answer (one effect), and refuses the same id with another amount (409)', async () => {
    const from = await funded(alice, '1000');
    const to = await funded(bob, '0');
    const body = { id: newUuid(), toAccountId: to.id, amount: '250', reference: 'rent' };
    const first = await send(from, body);
    expect(first.status).toBe(201);
    const replay = await send(from, body);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await posted(from)).toBe('750');
    expect(await posted(to)).toBe('250');

    for (const other of [
      { ...body, amount: '251' },
      { ...body, reference: 'other' },
    ]) {
      const conflict = await send(from, other);
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('ID_EXISTS_WITH_DIFFERENT_FIELDS');
    }
    // Another payee, or another source of the same owner, is another transfer too.
    const elsewhere = await funded(bob, '0');
    expect((await send(from, { ...body, toAccountId: elsewhere.id })).status).toBe(409);
    const second = await funded(alice, '1000');
    expect((await send(second, body)).status).toBe(409);
    expect(await posted(from)).toBe('750');
    expect(await posted(to)).toBe('250');
    expect(await posted(second)).toBe('1000');

    // A retry after the account was frozen still gets the first answer; a new transfer does not.
    const support = await customer(t, ['support']);
    expect((await t.http().post(`/v1/admin/accounts/${from.id}/freeze`).set(support.auth)).status).toBe(200);
    const late = await send(from, body);
    expect(late.status).toBe(201);
    expect(late.headers['idempotent-replayed']).toBe('true');
    expect(late.body).toEqual(first.body);
    expect((await send(from, { ...body, id: newUuid() })).body.code).toBe('ACCOUNT_FROZEN');
  });

  it('honours an Idempotency-Key like the other money routes', async () => {
    const from = await funded(alice, '100');
    const to = await funded(bob, '0');
    const key = newUuid();
    const body = { id: newUuid(), toAccountId: to.id, amount: '40' };
    const first = await t.http().post(`/v1/accounts/${from.id}/transfers`).set(alice.auth).set('idempotency-key', key).send(body);
    const again = await t.http().post(`/v1/accounts/${from.id}/transfers`).set(alice.auth).set('idempotency-key', key).send(body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const reused = await t
      .http()
      .post(`/v1/accounts/${from.id}/transfers`)
      .set(alice.auth)
      .set('idempotency-key', key)
      .send({ ...body, id: newUuid() });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await posted(from)).toBe('60');
  });

  it('refuses to move money out of a frozen, closing or closed account', async () => {
    const to = await funded(bob, '0');
    const support = await customer(t, ['support']);
    const frozen = await funded(alice, '500');
    expect((await t.http().post(`/v1/admin/accounts/${frozen.id}/freeze`).set(support.auth)).status).toBe(200);
    const refused = await send(frozen, { id: newUuid(), toAccountId: to.id, amount: '10' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ACCOUNT_FROZEN', accountStatus: 'frozen' });

    const closing = await funded(alice, '500');
    await sql(db.url, `update accounts.accounts set status = 'closing' where id = $1`, [closing.id]);
    expect((await send(closing, { id: newUuid(), toAccountId: to.id, amount: '10' })).body).toMatchObject({ code: 'ACCOUNT_CLOSED', accountStatus: 'closing' });

    const closed = await funded(alice, '0');
    expect((await t.http().post(`/v1/accounts/${closed.id}/close`).set(alice.auth).send({})).body.status).toBe('closed');
    expect((await send(closed, { id: newUuid(), toAccountId: to.id, amount: '10' })).body).toMatchObject({ code: 'ACCOUNT_CLOSED', accountStatus: 'closed' });

    expect(await posted(frozen)).toBe('500');
    expect(await posted(closing)).toBe('500');
    expect(await posted(to)).toBe('0');
    // A frozen account still receives.
    const from = await funded(alice, '20');
    expect((await send(from, { id: newUuid(), toAccountId: frozen.id, amount: '20' })).status).toBe(201);
    expect(await posted(frozen)).toBe('520');
  });

  it("answers 404 for someone else's source account, and for an unknown, pending, closing or closed payee, without telling whose it is", async () => {
    const from = await funded(alice, '100');
    const to = await funded(bob, '0');
    for (const who of [bob, await customer(t, ['support'])]) {
      const foreign = await send(from, { id: newUuid(), toAccountId: to.id, amount: '10' }, who);
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('ACCOUNT_NOT_FOUND');
    }
    const service = bearer(await clientToken(t.app, 'some-service', []));
    expect((await t.http().post(`/v1/accounts/${from.id}/transfers`).set(service).send({ id: newUuid(), toAccountId: to.id, amount: '10' })).body.code).toBe(
      'USER_REQUIRED',
    );

    const closedPayee = await funded(bob, '0');
    expect((await t.http().post(`/v1/accounts/${closedPayee.id}/close`).set(bob.auth).send({})).status).toBe(200);
    const pendingPayee = await funded(bob, '0');
    await sql(db.url, `update accounts.accounts set status = 'pending' where id = $1`, [pendingPayee.id]);
    const closingPayee = await funded(bob, '0');
    await sql(db.url, `update accounts.accounts set status = 'closing' where id = $1`, [closingPayee.id]);
    const answers = [];
    for (const toAccountId of [newUuid(), closedPayee.id, pendingPayee.id, closingPayee.id]) {
      const res = await send(from, { id: newUuid(), toAccountId, amount: '10' });
      expect(res.status).toBe(404);
      answers.push({ code: res.body.code, detail: res.body.detail });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(JSON.stringify(answers)).not.toContain(bob.id);
    expect(await posted(from)).toBe('100');
  });

  it('refuses insufficient funds (INSUFFICIENT_FUNDS), another currency and the same account', async () => {
    const savings = await funded(alice, '100', { product: 'savings', currency: 'EUR' });
    const to = await funded(bob, '0');
    const poor = await send(savings, { id: newUuid(), toAccountId: to.id, amount: '101' });
    expect(poor.status).toBe(422);
    expect(poor.body.code).toBe('INSUFFICIENT_FUNDS');
    expect((await send(savings, { id: newUuid(), toAccountId: to.id, amount: '100' })).status).toBe(201);

    const euros = await funded(alice, '100');
    const dollars = await funded(bob, '0', { product: 'checking', currency: 'USD' });
    const mismatch = await send(euros, { id: newUuid(), toAccountId: dollars.id, amount: '10' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('CURRENCY_MISMATCH');
    const self = await send(euros, { id: newUuid(), toAccountId: euros.id, amount: '10' });
    expect(self.status).toBe(422);
    expect(self.body.code).toBe('ACCOUNTS_MUST_BE_DIFFERENT');
    expect(await posted(euros)).toBe('100');
    expect(await posted(dollars)).toBe('0');
  });

  it('validates the body through its schema, naming each field', async () => {
    const from = await funded(alice, '100');
    const to = await funded(bob, '0');
    const valid = { id: newUuid(), toAccountId: to.id, amount: '10' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...valid, id: 'nope' }, 'id'],
      // Name-based ids are the bank's own (e.g. a closure's sweep): a customer cannot take one.
      [{ ...valid, id: sweepTransferId(to.id, 0) }, 'id'],
      [{ ...valid, id: uuidv5('anything', uuidv5.URL) }, 'id'],
      [{ ...valid, toAccountId: 'x' }, 'toAccountId'],
      [{ ...valid, amount: '0' }, 'amount'],
      [{ ...valid, amount: '1.5' }, 'amount'],
      [{ ...valid, amount: 10 }, 'amount'],
      [{ ...valid, amount: '99999999999999999999' }, 'amount'],
      [{ ...valid, reference: 'x'.repeat(141) }, 'reference'],
      [{ ...valid, currency: 'EUR' }, 'currency'],
      [{ toAccountId: to.id, amount: '10' }, 'id'],
    ];
    for (const [body, field] of cases) {
      const res = await send(from, body);
      expect({ field, status: res.status, code: res.body.code }).toEqual({ field, status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await t.http().post('/v1/accounts/not-a-uuid/transfers').set(alice.auth).send(valid)).body.errors[0].field).toBe('id');
    expect(await posted(from)).toBe('100');
  });

  it('answers 503 when the ledger is unreachable, with nothing moved; the retry with the same id moves the money once', async () => {
    const from = await funded(alice, '100');
    const to = await funded(bob, '0');
    const commands = t.app.get(CommandBus);
    const execute = commands.execute.bind(commands);
    const down = jest.spyOn(commands, 'execute').mockImplementation((command) => {
      if (command instanceof SubmitTransfersCommand)
        return Promise.reject(new DomainError('unavailable', 'CONTEXT_UNAVAILABLE', 'The ledger is unreachable', { retryAfterSeconds: 2 }));
      return execute(command);
    });
    const body = { id: newUuid(), toAccountId: to.id, amount: '30' };
    try {
      const unavailable = await send(from, body);
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers['retry-after']).toBe('2');
      expect(unavailable.body.code).toBe('CONTEXT_UNAVAILABLE');
    } finally {
      down.mockRestore();
    }
    expect(await posted(from)).toBe('100');
    const retried = await send(from, body);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await posted(from)).toBe('70');
    expect(await posted(to)).toBe('30');
  });
});
