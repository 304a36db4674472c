import { accountsContext } from '@modules/accounts/accounts.context';
import { isValidAccountNumber } from '@modules/accounts/domain/account-number';
import { isValidIban } from '@modules/accounts/domain/iban';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { TransferCreatedV1 } from '@modules/ledger/contract';
import { GetAccountQuery } from '@modules/accounts/contract';
import { QueryBus } from '@nestjs/cqrs';
import { EventDispatcher } from '@platform/messaging/event-dispatcher';
import type { EventEnvelope } from '@shared-kernel';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { bearer, clientToken } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { installLedgerProbe, ledgerClient, ledgerProbe, newUuid, openAccount } from '../ledger/ledger-support';
import { accountEvents, accountsProbe, customer, installAccountsProbe, openCustomerAccount, transfer, type Customer } from './accounts-support';

describe('accounts API', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let ledgerAuth: Record<string, string>;
  let bank: string;
  let alice: Customer;
  let bob: Customer;
  let support: Customer;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installLedgerProbe(db.url);
    await installAccountsProbe(db.url);
    t = await startTestApp({
      contexts: [ledgerContext, accountsContext, ledgerProbe, accountsProbe],
      databaseUrl: db.url,
      env: {
        ACCOUNTS_CURRENCIES: 'EUR,USD',
        ACCOUNTS_CHECKING_OVERDRAFT_LIMIT: '5000',
        ACCOUNTS_CHECKING_MAX_OVERDRAFT: '20000',
        ACCOUNTS_IBAN_BANK_CODE: '37040044',
      },
    });
    ledgerAuth = await ledgerClient(t);
    bank = await openAccount(t, ledgerAuth, { normalSide: 'debit' });
    alice = await customer(t);
    bob = await customer(t);
    support = await customer(t, ['support']);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const ledgerAccount = async (id: string) => (await t.http().get(`/v1/ledger/accounts/${id}`).set(ledgerAuth)).body;
  const fund = async (ledgerAccountId: string, amount: string) =>
    expect((await transfer(t, ledgerAuth, { debitAccountId: bank, creditAccountId: ledgerAccountId, amount })).status).toBe(201);

  it('opens checking and savings accounts on credit-normal ledger accounts, with valid numbers and EUR IBANs', async () => {
    const checking = await openCustomerAccount(t, alice, { product: 'checking', currency: 'EUR' });
    expect(checking).toMatchObject({
      ownerId: alice.id,
      product: 'checking',
      currency: 'EUR',
      status: 'active',
      overdraftLimit: '5000',
      balances: { posted: '0', pending: '0', available: '5000' },
    });
    expect(isValidAccountNumber(checking.accountNumber)).toBe(true);
    expect(checking.iban).toBe(`DE${checking.iban!.slice(2, 4)}37040044${checking.accountNumber}`);
    expect(isValidIban(checking.iban!)).toBe(true);
    expect(await ledgerAccount(checking.ledgerAccountId)).toMatchObject({
      normalSide: 'credit',
      debitsMustNotExceedCredits: true,
      overdraftLimit: '5000',
      status: 'open',
      currency: 'EUR',
    });

    const savings = await openCustomerAccount(t, alice, { product: 'savings', currency: 'USD' });
    expect(savings).toMatchObject({ product: 'savings', currency: 'USD', iban: null, overdraftLimit: '0' });
    expect((await ledgerAccount(savings.ledgerAccountId)).overdraftLimit).toBe('0');
    expect(savings.accountNumber).not.toBe(checking.accountNumber);

    const notOffered = await t.http().post('/v1/accounts').set(alice.auth).send({ product: 'checking', currency: 'GBP' });
    expect(notOffered.status).toBe(422);
    expect(notOffered.body).toMatchObject({ code: 'CURRENCY_NOT_OFFERED', offered: ['EUR', 'USD'] });
    const invalid = await t.http().post('/v1/accounts').set(alice.auth).send({ product: 'loan', currency: 'EUR' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].field).toBe('product');

    // Other contexts resolve accounts on the bus.
    const queries = t.app.get(QueryBus);
    const { balances: _balances, ...view } = checking;
    expect(await queries.execute(new GetAccountQuery({ id: checking.id }))).toEqual(view);
    expect(await queries.execute(new GetAccountQuery({ id: newUuid() }))).toBeNull();
    expect(await queries.execute(new GetAccountQuery({ id: 'not-a-uuid' }))).toBeNull();

    const opened = await eventually(
      () => accountEvents(db.url, checking.id, 'accounts.account-opened.v1'),
      (e) => e.length > 0,
    );
    expect(opened).toHaveLength(1);
    expect(opened[0]!.data).toEqual({
      accountId: checking.id,
      ownerId: alice.id,
      product: 'checking',
      currency: 'EUR',
      ledgerAccountId: checking.ledgerAccountId,
      overdraftLimit: '5000',
      openedAt: expect.any(String),
    });
  });

  it('replays an open with the same Idempotency-Key and refuses the key with another body', async () => {
    const carol = await customer(t);
    const key = newUuid();
    const first = await t.http().post('/v1/accounts').set(carol.auth).set('idempotency-key', key).send({ product: 'savings', currency: 'EUR' });
    const replay = await t.http().post('/v1/accounts').set(carol.auth).set('idempotency-key', key).send({ product: 'savings', currency: 'EUR' });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    const reused = await t.http().post('/v1/accounts').set(carol.auth).set('idempotency-key', key).send({ product: 'checking', currency: 'EUR' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const mine = await t.http().get('/v1/accounts').set(carol.auth);
    expect(mine.body.items.map((a: { id: string }) => a.id)).toEqual([first.body.id]);
  });

  it("never shows a customer another user's account (404), while support reads any", async () => {
    const account = await openCustomerAccount(t, alice);
    await fund(account.ledgerAccountId, '100');
    for (const path of [`/v1/accounts/${account.id}`, `/v1/accounts/${account.id}/postings`]) {
      const res = await t.http().get(path).set(bob.auth);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ACCOUNT_NOT_FOUND');
    }
    const close = await t.http().post(`/v1/accounts/${account.id}/close`).set(bob.auth).send({});
    expect(close.status).toBe(404);
    expect((await t.http().get(`/v1/accounts/${newUuid()}`).set(bob.auth)).body.code).toBe('ACCOUNT_NOT_FOUND');
    expect((await t.http().get('/v1/accounts').set(bob.auth)).body.items.map((a: { id: string }) => a.id)).not.toContain(account.id);

    expect((await t.http().get(`/v1/accounts/${account.id}`).set(alice.auth)).body.balances).toEqual({ posted: '100', pending: '0', available: '5100' });
    expect((await t.http().get(`/v1/accounts/${account.id}`).set(support.auth)).status).toBe(200);
    const ofAlice = await t.http().get('/v1/admin/accounts').query({ ownerId: alice.id }).set(support.auth);
    expect(ofAlice.status).toBe(200);
    expect(ofAlice.body.items.map((a: { id: string }) => a.id)).toContain(account.id);
    expect(ofAlice.body.items.every((a: { ownerId: string }) => a.ownerId === alice.id)).toBe(true);
    expect((await t.http().get('/v1/admin/accounts').query({ ownerId: alice.id }).set(bob.auth)).status).toBe(403);
    // The owner is required (no listing of every account) and must be a UUID.
    for (const query of [{}, { ownerId: 'nope' }]) {
      const invalid = await t.http().get('/v1/admin/accounts').query(query).set(support.auth);
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'ownerId' })] });
    }
    // The old path sat under identity's prefix (/v1/admin/users): accounts no longer answers it.
    expect((await t.http().get(`/v1/admin/users/${alice.id}/accounts`).set(support.auth)).status).toBe(404);
    // Service clients have no accounts of their own.
    const service = bearer(await clientToken(t.app, 'some-service', []));
    expect((await t.http().post('/v1/accounts').set(service).send({ product: 'checking', currency: 'EUR' })).body.code).toBe('USER_REQUIRED');
  });

  it('lets support freeze and unfreeze; a frozen account pays nothing out; customers cannot freeze', async () => {
    const account = await openCustomerAccount(t, alice);
    await fund(account.ledgerAccountId, '1000');
    const byCustomer = await t.http().post(`/v1/admin/accounts/${account.id}/freeze`).set(alice.auth);
    expect(byCustomer.status).toBe(403);
    expect(byCustomer.body.code).toBe('PERMISSION_DENIED');

    const frozen = await t.http().post(`/v1/admin/accounts/${account.id}/freeze`).set(support.auth);
    expect(frozen.status).toBe(200);
    expect(frozen.body.status).toBe('frozen');
    expect((await ledgerAccount(account.ledgerAccountId)).status).toBe('frozen');
    expect((await t.http().post(`/v1/admin/accounts/${account.id}/freeze`).set(support.auth)).body.status).toBe('frozen');

    const out = await transfer(t, ledgerAuth, { debitAccountId: account.ledgerAccountId, creditAccountId: bank, amount: '10' });
    expect(out.status).toBe(422);
    expect(out.body.code).toBe('ACCOUNT_FROZEN');
    await fund(account.ledgerAccountId, '1'); // incoming money is still accepted
    const closing = await t.http().post(`/v1/accounts/${account.id}/close`).set(alice.auth).send({});
    expect(closing.status).toBe(422);
    expect(closing.body).toMatchObject({ code: 'ACCOUNT_STATUS_TRANSITION_NOT_ALLOWED', accountStatus: 'frozen' });

    const unfrozen = await t.http().post(`/v1/admin/accounts/${account.id}/unfreeze`).set(support.auth);
    expect(unfrozen.body).toMatchObject({ status: 'active', balances: { posted: '1001' } });
    expect((await ledgerAccount(account.ledgerAccountId)).status).toBe('open');
    expect((await transfer(t, ledgerAuth, { debitAccountId: account.ledgerAccountId, creditAccountId: bank, amount: '10' })).status).toBe(201);
    expect((await t.http().post(`/v1/admin/accounts/${newUuid()}/freeze`).set(support.auth)).body.code).toBe('ACCOUNT_NOT_FOUND');

    const events = await eventually(
      () => accountEvents(db.url, account.id),
      (e) => e.some((x) => x.type === 'accounts.account-unfrozen.v1'),
    );
    expect(events.filter((e) => e.type === 'accounts.account-frozen.v1')).toHaveLength(1);
    expect(events.find((e) => e.type === 'accounts.account-frozen.v1')!.data).toMatchObject({ accountId: account.id, actor: `user:${support.id}` });
  });

  it('applies the overdraft policy: checking to its limit, savings never below zero', async () => {
    const checking = await openCustomerAccount(t, alice, { product: 'checking', currency: 'EUR' });
    const savings = await openCustomerAccount(t, alice, { product: 'savings', currency: 'EUR' });
    expect((await transfer(t, ledgerAuth, { debitAccountId: checking.ledgerAccountId, creditAccountId: bank, amount: '5001' })).body.code).toBe(
      'EXCEEDS_CREDITS',
    );
    expect((await transfer(t, ledgerAuth, { debitAccountId: checking.ledgerAccountId, creditAccountId: bank, amount: '5000' })).status).toBe(201);
    expect((await t.http().get(`/v1/accounts/${checking.id}`).set(alice.auth)).body.balances).toEqual({ posted: '-5000', pending: '0', available: '0' });
    expect((await transfer(t, ledgerAuth, { debitAccountId: savings.ledgerAccountId, creditAccountId: bank, amount: '1' })).body.code).toBe('EXCEEDS_CREDITS');

    const admin = await customer(t, ['admin'], { secondFactorAt: Date.now() });
    const set = (id: string, who: Customer, overdraftLimit: string) =>
      t.http().put(`/v1/admin/accounts/${id}/overdraft`).set(who.auth).send({ overdraftLimit });
    expect((await set(checking.id, support, '10000')).status).toBe(403);
    expect((await set(savings.id, admin, '100')).body).toMatchObject({ code: 'OVERDRAFT_NOT_ALLOWED' });
    expect((await set(checking.id, admin, '20001')).body).toMatchObject({ code: 'OVERDRAFT_ABOVE_POLICY', maxOverdraftLimit: '20000' });
    for (const invalid of ['1.5', 'abc', '-1']) {
      const res = await set(checking.id, admin, invalid);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('overdraftLimit');
    }
    const raised = await set(checking.id, admin, '20000');
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({ overdraftLimit: '20000', balances: { available: '15000' } });
    expect((await ledgerAccount(checking.ledgerAccountId)).overdraftLimit).toBe('20000');
    expect((await transfer(t, ledgerAuth, { debitAccountId: checking.ledgerAccountId, creditAccountId: bank, amount: '15000' })).status).toBe(201);
  });

  it('pages through the history with a cursor', async () => {
    const account = await openCustomerAccount(t, alice);
    for (const amount of ['1', '2', '3']) await fund(account.ledgerAccountId, amount);
    const first = await t.http().get(`/v1/accounts/${account.id}/postings?limit=2`).set(alice.auth);
    expect(first.status).toBe(200);
    expect(first.body.items.map((p: { amount: string; balanceAfter: string }) => [p.amount, p.balanceAfter])).toEqual([
      ['1', '1'],
      ['2', '3'],
    ]);
    expect(first.body.items[0]).toEqual({
      sequence: expect.any(String),
      transferId: expect.any(String),
      side: 'credit',
      bucket: 'posted',
      amount: '1',
      balanceAfter: '1',
      pendingAfter: '0',
      createdAt: expect.any(String),
    });
    const second = await t.http().get(`/v1/accounts/${account.id}/postings?limit=2&cursor=${first.body.nextCursor}`).set(alice.auth);
    expect(second.body.items.map((p: { amount: string }) => p.amount)).toEqual(['3']);
    expect(second.body.nextCursor).toBeNull();
    expect((await t.http().get(`/v1/accounts/${account.id}/postings?limit=0`).set(alice.auth)).status).toBe(400);
  });

  it('emits one balance-changed event per transfer and account, and none for a redelivered ledger event', async () => {
    const from = await openCustomerAccount(t, alice);
    const to = await openCustomerAccount(t, bob);
    await fund(from.ledgerAccountId, '700');
    const paid = await transfer(t, ledgerAuth, { debitAccountId: from.ledgerAccountId, creditAccountId: to.ledgerAccountId, amount: '200' });
    expect(paid.status).toBe(201);

    const fromEvents = await eventually(
      () => accountEvents(db.url, from.id, 'accounts.balance-changed.v1'),
      (e) => e.length >= 2,
    );
    const toEvents = await eventually(
      () => accountEvents(db.url, to.id, 'accounts.balance-changed.v1'),
      (e) => e.length >= 1,
    );
    expect(fromEvents.map((e) => e.data['balances'])).toEqual([
      { posted: '700', pending: '0', available: '5700' },
      { posted: '500', pending: '0', available: '5500' },
    ]);
    expect(toEvents.map((e) => e.data)).toEqual([
      {
        accountId: to.id,
        ownerId: bob.id,
        currency: 'EUR',
        transferId: paid.body.id,
        asOf: paid.body.createdAt,
        balances: { posted: '200', pending: '0', available: '5200' },
      },
    ]);
    // No account number, IBAN or other personal data in the event.
    expect(JSON.stringify(fromEvents)).not.toContain(from.accountNumber);
    expect(JSON.stringify(fromEvents)).not.toContain(from.iban!);

    // Redeliver the ledger's event for the payment (as Kafka may): the inbox drops it.
    const [ledgerEvent] = await eventually(
      () =>
        sql<{ event_id: string; subject: string; data: unknown }>(
          db.url,
          `select event_id, subject, data from ledger_probe.events where data->'transfer'->>'id' = $1`,
          [paid.body.id],
        ),
      (rows) => rows.length > 0,
    );
    const envelope: EventEnvelope = {
      specversion: '1.0',
      id: ledgerEvent!.event_id,
      type: TransferCreatedV1.type,
      source: 'skyro-core/ledger',
      subject: ledgerEvent!.subject,
      occurredAt: new Date().toISOString(),
      traceId: null,
      requestId: null,
      datacontenttype: 'application/json',
      data: ledgerEvent!.data,
    };
    const dispatcher = t.app.get(EventDispatcher);
    const [subscription] = dispatcher.matching(TransferCreatedV1.topic, TransferCreatedV1.type, 'accounts');
    expect((await dispatcher.deliver(subscription!, envelope)).outcome).toBe('duplicate');
    await new Promise((r) => setTimeout(r, 300));
    expect(await accountEvents(db.url, to.id, 'accounts.balance-changed.v1')).toHaveLength(1);
    expect(await accountEvents(db.url, from.id, 'accounts.balance-changed.v1')).toHaveLength(2);
  });
});
