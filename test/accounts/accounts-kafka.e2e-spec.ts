import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { readTopic } from '../support/kafka';
import { ledgerClient, openAccount } from '../ledger/ledger-support';
import { customer, openCustomerAccount, transfer } from './accounts-support';

describe('accounts: events through Kafka', () => {
  const prefix = kafkaPrefix('accounts');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ contexts: [ledgerContext, accountsContext], databaseUrl: db.url, kafkaTopicPrefix: prefix });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('consumes the ledger topic and publishes accounts.events keyed by account id, without numbers or IBANs', async () => {
    const ledgerAuth = await ledgerClient(t);
    const bank = await openAccount(t, ledgerAuth, { normalSide: 'debit' });
    const alice = await customer(t);
    const account = await openCustomerAccount(t, alice);
    const paid = await transfer(t, ledgerAuth, { debitAccountId: bank, creditAccountId: account.ledgerAccountId, amount: '250' });
    expect(paid.status).toBe(201);

    const messages = (await readTopic(`${prefix}accounts.events`, { count: 2 })).filter((m) => m.key === account.id);
    expect(messages.map((m) => JSON.parse(m.value).type)).toEqual(['accounts.account-opened.v1', 'accounts.balance-changed.v1']);
    expect(JSON.parse(messages[1]!.value).data).toMatchObject({ accountId: account.id, transferId: paid.body.id, balances: { posted: '250' } });
    const everything = messages.map((m) => m.value).join('\n');
    expect(everything).not.toContain(account.accountNumber);
    expect(everything).not.toContain(account.iban!);
  });
});
