import { Module } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CONTEXTS } from '@modules/index';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { SavedBeneficiaries } from '@modules/payments/beneficiaries/saved-beneficiaries';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { CreatePaymentCommand, GetPaymentQuery, type PaymentView } from '@modules/payments/contract';
import { paymentsContext } from '@modules/payments/payments.context';
import { defineContext } from '@platform/context-definition';
import { eventually, kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase } from '../support/database';
import { ledgerClient, newUuid, openAccount } from '../ledger/ledger-support';
import { customer, openCustomerAccount, transfer } from '../accounts/accounts-support';
import { TestConnector } from './payments-support';

/** A context that uses payments' contract from another process. */
@Module({})
class CallerModule {}
const caller = defineContext({ name: 'payments_caller', module: CallerModule, dependsOn: ['payments'] });

/*
 * payments lifted into its own process (MODULES=payments): its calls to the ledger (holds,
 * postings, system accounts) and to accounts (GetAccountQuery) travel over Kafka to the
 * process running those contexts, and a caller there reaches payments' commands the same way.
 */
describe('payments in its own process', () => {
  const prefix = kafkaPrefix('payments-split');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let owner: TestApp;
  let other: TestApp;
  const card = new TestConnector('stripe', ['card', 'wallet']);
  const sepa = new TestConnector('sepa', ['sepa', 'ach', 'wire', 'swift']);

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = await startTestApp({
      contexts: [paymentsContext],
      available: CONTEXTS,
      databaseUrl: db.url,
      kafkaTopicPrefix: prefix,
      env: { MODULES: 'payments', PAYMENTS_DISPATCH_INTERVAL_MS: '200' },
    });
    owner.app.get(ConnectorRegistry).register(card);
    owner.app.get(ConnectorRegistry).register(sepa);
    other = await startTestApp({
      contexts: [ledgerContext, accountsContext, caller],
      available: [...CONTEXTS, caller],
      databaseUrl: db.url,
      kafkaTopicPrefix: prefix,
      env: { MODULES: 'ledger,accounts,payments_caller', ACCOUNTS_CURRENCIES: 'EUR,USD' },
    });
  }, 120_000);
  afterAll(async () => {
    card.open();
    sepa.open();
    await Promise.all([other?.close(), owner?.close()]);
    await db?.drop();
  });

  const balances = async (ledgerAccountId: string) =>
    (
      await other
        .http()
        .get(`/v1/ledger/accounts/${ledgerAccountId}`)
        .set(await ledgerClient(other))
    ).body.balances as { posted: string; pending: string };

  it('a pay-in over HTTP to the payments process is credited on the ledger in the other process', async () => {
    const alice = await customer(other);
    const account = await openCustomerAccount(other, alice);
    const onOwner = bearer((await loginAs(owner.app, alice.id)).token);
    const res = await owner
      .http()
      .post('/v1/payments')
      .set(onOwner)
      .set('idempotency-key', newUuid())
      .send({ accountId: account.id, amount: '1500', currency: 'EUR', method: 'card' });
    expect(res.status).toBe(201);
    await eventually(
      () => owner.http().get(`/v1/payments/${res.body.id}`).set(onOwner),
      (r) => r.body.state === 'succeeded',
      40_000,
    );
    expect(await balances(account.ledgerAccountId)).toMatchObject({ posted: '1500', pending: '0' });
  });

  it('a payout commanded from the other process over Kafka: held, settled, and refusals arrive by code', async () => {
    const bob = await customer(other);
    const account = await openCustomerAccount(other, bob);
    const auth = await ledgerClient(other);
    const bank = await openAccount(other, auth, { normalSide: 'debit' });
    expect((await transfer(other, auth, { debitAccountId: bank, creditAccountId: account.ledgerAccountId, amount: '5000' })).status).toBe(201);
    // Saved in the payments process, through its own beneficiaries part (account numbers are sealed there).
    const { id: beneficiary } = await owner.app
      .get(SavedBeneficiaries)
      .create(bob.id, { rail: 'sepa', name: 'B', currency: 'EUR', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    const bus = other.app.get(CommandBus);
    const payout = (id: string, amount: string) =>
      bus.execute(
        new CreatePaymentCommand({
          id,
          ownerId: bob.id,
          payment: { kind: 'payout', accountId: account.id, beneficiaryId: beneficiary, amount, currency: 'EUR', method: 'sepa' },
        }),
      );
    const id = newUuid();
    const created = await payout(id, '2000');
    expect(created).toMatchObject({ id, state: 'created', kind: 'payout' });
    await eventually(
      () => other.app.get(QueryBus).execute<GetPaymentQuery, PaymentView | null>(new GetPaymentQuery({ id })),
      (p) => p?.state === 'succeeded',
      40_000,
    );
    expect(await balances(account.ledgerAccountId)).toMatchObject({ posted: '3000', pending: '0' });
    await expect(payout(newUuid(), '999999')).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    await expect(payout(id, '2001')).rejects.toMatchObject({ code: 'PAYMENT_EXISTS_WITH_DIFFERENT_FIELDS' });
  });

  it('a transfer over HTTP to the payments process finds the payee by IBAN in accounts and settles on the ledger, both over Kafka', async () => {
    const carol = await customer(other);
    const dave = await customer(other);
    const from = await openCustomerAccount(other, carol);
    const to = await openCustomerAccount(other, dave);
    const auth = await ledgerClient(other);
    const bank = await openAccount(other, auth, { normalSide: 'debit' });
    expect((await transfer(other, auth, { debitAccountId: bank, creditAccountId: from.ledgerAccountId, amount: '1000' })).status).toBe(201);
    const onOwner = bearer((await loginAs(owner.app, carol.id)).token);
    const send = (body: Record<string, unknown>) => owner.http().post('/v1/transfers').set(onOwner).set('idempotency-key', newUuid()).send(body);
    const res = await send({ accountId: from.id, payeeAccount: to.iban, amount: '400', currency: 'EUR' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'transfer', state: 'succeeded', counterpartyAccountId: to.id });
    expect(await balances(from.ledgerAccountId)).toMatchObject({ posted: '600', pending: '0' });
    expect(await balances(to.ledgerAccountId)).toMatchObject({ posted: '400', pending: '0' });
    const payeeReads = await owner
      .http()
      .get(`/v1/transfers/${res.body.id}`)
      .set(bearer((await loginAs(owner.app, dave.id)).token));
    expect(payeeReads.status).toBe(200);
    // Refusals cross the process boundary by code.
    const unknown = await send({ accountId: from.id, payeeAccount: '0000000000', amount: '1', currency: 'EUR' });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 422, code: 'PAYEE_ACCOUNT_NOT_FOUND' });
    const broke = await send({ accountId: from.id, payeeAccount: to.accountNumber, amount: '601', currency: 'EUR' });
    expect({ status: broke.status, code: broke.body.code }).toEqual({ status: 422, code: 'INSUFFICIENT_FUNDS' });
  });
});
