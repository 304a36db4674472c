import { ledgerContext } from '@modules/ledger/ledger.context';
import { createTestDatabase, sql } from '../support/database';
import { startTestApp, type TestApp } from '../support/app';
import { ledgerClient, newUuid, openAccount } from './ledger-support';

describe('ledger under concurrency', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pods: TestApp[];
  let auth: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two "pods" on one database: each has its own group committer.
    pods = [
      await startTestApp({ contexts: [ledgerContext], databaseUrl: db.url, listen: true }),
      await startTestApp({ contexts: [ledgerContext], databaseUrl: db.url, listen: true }),
    ];
    auth = await ledgerClient(pods[0]!);
  });
  afterAll(async () => {
    await Promise.all((pods ?? []).map((p) => p.close()));
    await db?.drop();
  });

  const post = (pod: TestApp, body: object) => pod.http().post('/v1/ledger/transfers').set(auth).send(body);

  it('1,000 concurrent debits against an account covering exactly 500: exactly 500 succeed, balance 0, no 5xx', async () => {
    const [pod] = pods;
    const bank = await openAccount(pod!, auth, { normalSide: 'debit' });
    const wallet = await openAccount(pod!, auth, { debitsMustNotExceedCredits: true });
    const shop = await openAccount(pod!, auth);
    expect((await post(pod!, { id: newUuid(), debitAccountId: bank, creditAccountId: wallet, amount: '500', currency: 'EUR' })).status).toBe(201);

    const responses = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        post(pods[i % 2]!, { id: newUuid(), debitAccountId: wallet, creditAccountId: shop, amount: '1', currency: 'EUR' }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(500);
    expect(statuses.filter((s) => s === 422)).toHaveLength(500);
    expect(responses.filter((r) => r.status === 422).every((r) => r.body.code === 'EXCEEDS_CREDITS')).toBe(true);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);

    const account = await pod!.http().get(`/v1/ledger/accounts/${wallet}`).set(auth);
    expect(account.body.balances).toEqual({ posted: '0', pending: '0', available: '0' });
    const [{ n }] = (await sql<{ n: string }>(db.url, 'select count(*) as n from ledger.transfers where debit_account_id = $1', [wallet])) as [{ n: string }];
    expect(n).toBe('500');
  });

  it('transfers crossing in both directions on two pods never deadlock and keep the books balanced', async () => {
    const [pod] = pods;
    const bank = await openAccount(pod!, auth, { normalSide: 'debit' });
    const a = await openAccount(pod!, auth, { debitsMustNotExceedCredits: true });
    const b = await openAccount(pod!, auth, { debitsMustNotExceedCredits: true });
    for (const acct of [a, b]) await post(pod!, { id: newUuid(), debitAccountId: bank, creditAccountId: acct, amount: '1000', currency: 'EUR' });

    const responses = await Promise.all(
      Array.from({ length: 600 }, (_, i) => {
        const [from, to] = i % 2 ? [a, b] : [b, a];
        return post(pods[(i >> 1) % 2]!, { id: newUuid(), debitAccountId: from, creditAccountId: to, amount: String(1 + (i % 7)), currency: 'EUR' });
      }),
    );
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    expect(responses.every((r) => r.status === 201 || (r.status === 422 && r.body.code === 'EXCEEDS_CREDITS'))).toBe(true);

    const report = await pod!.http().post('/v1/ledger/reconciliations').set(auth);
    expect(report.body).toMatchObject({ mismatchedAccounts: [], unbalancedCurrencies: [] });
    const total = await sql<{ sum: string }>(db.url, 'select sum(credits_posted - debits_posted)::text as sum from ledger.accounts where id = any($1)', [
      [a, b],
    ]);
    expect(total[0]!.sum).toBe('2000');
  });
});
