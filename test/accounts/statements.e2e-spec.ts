import { createHash } from 'node:crypto';
import { addDays, dayOf, firstDayAfter, monthOf } from '@modules/accounts/interest/domain/calendar';
import { MonthlyStatementsJob } from '@modules/accounts/statements/application/monthly-statements/monthly-statements.job';
import { eventually, type TestApp } from '../support/app';
import { newUuid } from '../ledger/ledger-support';
import { accountEvents, customer, openCustomerAccount, transfer, type AccountBody, type Customer } from './accounts-support';
import { clockAt, rawBody, startFixture, type Fixture } from './statements-interest-support';

interface StatementBody {
  openingBalance: string;
  closingBalance: string;
  totalCredits: string;
  totalDebits: string;
  periodFrom: string;
  periodTo: string;
  postings: { transferId: string; side: string; amount: string; balanceAfter: string; postedAt: string }[];
}

const tick = () => new Promise((r) => setTimeout(r, 5)); // separates posting times (ms resolution), not an assertion

describe('statements', () => {
  let fx: Fixture;
  let db: Fixture['db'];
  let t: TestApp;
  let ledgerAuth: Record<string, string>;
  let bank: string;
  let alice: Customer;
  let bob: Customer;
  let account: AccountBody;
  /** The period: from the 2nd posting (inclusive) to the 4th (exclusive). */
  let period: { from: string; to: string };
  const ids = { before: newUuid(), in1: newUuid(), in2: newUuid(), after: newUuid() };

  beforeAll(async () => {
    fx = await startFixture();
    ({ db, t, ledgerAuth, bank, alice } = fx);
    bob = await customer(t);
    account = await openCustomerAccount(t, alice);
    const post = async (id: string, debit: string, credit: string, amount: string) => {
      expect((await transfer(t, ledgerAuth, { id, debitAccountId: debit, creditAccountId: credit, amount })).status).toBe(201);
      await tick();
    };
    await post(ids.before, bank, account.ledgerAccountId, '50000');
    await post(ids.in1, bank, account.ledgerAccountId, '12345');
    await post(ids.in2, account.ledgerAccountId, bank, '2000');
    await post(ids.after, bank, account.ledgerAccountId, '777');
    const history = (await t.http().get(`/v1/accounts/${account.id}/postings`).set(alice.auth)).body.items as { transferId: string; createdAt: string }[];
    const at = (id: string) => history.find((p) => p.transferId === id)!.createdAt;
    period = { from: at(ids.in1), to: at(ids.after) };
  });
  afterAll(() => fx?.close());

  const statementUrl = (id = account.id) => `/v1/accounts/${id}/statements`;

  it('has the opening balance, every posting of the period with the balance after it, and a closing balance that adds up', async () => {
    const res = await t.http().get(statementUrl()).query(period).set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const s = res.body as StatementBody;
    expect(s).toMatchObject({
      openingBalance: '50000',
      closingBalance: '60345',
      totalCredits: '12345',
      totalDebits: '2000',
      periodFrom: period.from,
      periodTo: period.to,
    });
    expect(s.postings.map((p) => [p.transferId, p.side, p.amount, p.balanceAfter])).toEqual([
      [ids.in1, 'credit', '12345', '62345'],
      [ids.in2, 'debit', '-2000', '60345'],
    ]);
    expect(BigInt(s.openingBalance) + s.postings.reduce((sum, p) => sum + BigInt(p.amount), 0n)).toBe(BigInt(s.closingBalance));

    // The period right after: opens where this one closed.
    const next = (
      await t
        .http()
        .get(statementUrl())
        .query({ from: period.to, to: new Date(Date.parse(period.to) + 60_000).toISOString() })
        .set(alice.auth)
    ).body as StatementBody;
    expect(next.openingBalance).toBe(s.closingBalance);
    expect(next.postings.map((p) => p.transferId)).toEqual([ids.after]);
    expect(next.closingBalance).toBe('61122');

    const bad = await t.http().get(statementUrl()).query({ from: period.to, to: period.from }).set(alice.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('STATEMENT_PERIOD_INVALID');
    expect((await t.http().get(statementUrl()).query({ from: '2026-01-01', to: '2027-06-01' }).set(alice.auth)).body.code).toBe('STATEMENT_PERIOD_INVALID');
    expect(
      (
        await t
          .http()
          .get(statementUrl())
          .query({ ...period, format: 'xml' })
          .set(alice.auth)
      ).status,
    ).toBe(400);
  });

  it('downloads as CSV (by Accept) with one row per posting, and as PDF (by format)', async () => {
    const csv = await t.http().get(statementUrl()).query(period).set(alice.auth).set('accept', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="statement-\d{10}\.csv"$/);
    const rows = csv.text
      .trimEnd()
      .split('\r\n')
      .map((r) => r.split(','));
    expect(rows[0]![0]).toBe('type');
    expect(rows.filter((r) => r[0] === 'posting').map((r) => [r[3], r[5], r[6], r[7], r[8]])).toEqual([
      [ids.in1, '12345', '123.45', '62345', '623.45'],
      [ids.in2, '-2000', '-20.00', '60345', '603.45'],
    ]);
    expect(rows[1]).toEqual(['opening', period.from, '', '', '', '', '', '50000', '500.00', 'EUR']);
    expect(rows.at(-1)).toEqual(['closing', period.to, '', '', '', '', '', '60345', '603.45', 'EUR']);

    const pdf = await t
      .http()
      .get(statementUrl())
      .query({ ...period, format: 'pdf' })
      .set(alice.auth)
      .buffer(true)
      .parse(rawBody);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('stores a statement and gives back the same bytes on every download, later postings notwithstanding', async () => {
    const issued = await t.http().post(statementUrl()).set(alice.auth).set('idempotency-key', 'stmt-1').send(period);
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      accountId: account.id,
      kind: 'on_demand',
      periodFrom: period.from,
      periodTo: period.to,
      openingBalance: '50000',
      closingBalance: '60345',
      postingCount: 2,
    });
    expect(issued.body.documents.map((d: { format: string }) => d.format)).toEqual(['csv', 'json', 'pdf']);
    const replay = await t.http().post(statementUrl()).set(alice.auth).set('idempotency-key', 'stmt-1').send(period);
    expect(replay.body.id).toBe(issued.body.id);

    const download = async (format: string) => {
      const res = await t.http().get(`${statementUrl()}/stored/${issued.body.id}`).query({ format }).set(alice.auth).buffer(true).parse(rawBody);
      expect(res.status).toBe(200);
      return res.body as Buffer;
    };
    const first = { json: await download('json'), csv: await download('csv'), pdf: await download('pdf') };
    // Money moves after issue: a stored statement does not change.
    expect((await transfer(t, ledgerAuth, { debitAccountId: bank, creditAccountId: account.ledgerAccountId, amount: '1' })).status).toBe(201);
    for (const format of ['json', 'csv', 'pdf'] as const) {
      const again = await download(format);
      expect(again.equals(first[format])).toBe(true);
      const sha = issued.body.documents.find((d: { format: string }) => d.format === format).sha256;
      expect(createHash('sha256').update(again).digest('hex')).toBe(sha);
    }
    expect(JSON.parse(first.json.toString('utf8'))).toMatchObject({ statementId: issued.body.id, kind: 'on_demand', closingBalance: '60345' });
    expect(first.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const list = await t.http().get(`${statementUrl()}/stored`).set(alice.auth);
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(issued.body.id);
    expect((await t.http().get(`${statementUrl()}/stored/${newUuid()}`).set(alice.auth)).body.code).toBe('STATEMENT_NOT_FOUND');
    const future = await t
      .http()
      .post(statementUrl())
      .set(alice.auth)
      .send({ from: period.from, to: new Date(Date.now() + 86_400_000).toISOString() });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('STATEMENT_PERIOD_NOT_ENDED');

    const [event] = await eventually(
      () => accountEvents(db.url, account.id, 'accounts.statement-issued.v1'),
      (e) => e.length > 0,
    );
    expect(event!.data).toEqual({
      statementId: issued.body.id,
      accountId: account.id,
      ownerId: alice.id,
      kind: 'on_demand',
      periodFrom: period.from,
      periodTo: period.to,
      issuedAt: expect.any(String),
    });
  });

  it("answers 404 for another customer's account or statement on every route; support reads them", async () => {
    const issued = (await t.http().post(statementUrl()).set(alice.auth).send(period)).body;
    const bobs = await openCustomerAccount(t, bob);
    for (const req of [
      t.http().get(statementUrl()).query(period).set(bob.auth),
      t.http().post(statementUrl()).set(bob.auth).send(period),
      t.http().get(`${statementUrl()}/stored`).set(bob.auth),
      t.http().get(`${statementUrl()}/stored/${issued.id}`).set(bob.auth),
    ]) {
      const res = await req;
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ACCOUNT_NOT_FOUND');
    }
    // Alice's statement id under Bob's own account: not found either.
    const crossed = await t
      .http()
      .get(`${statementUrl(bobs.id)}/stored/${issued.id}`)
      .set(bob.auth);
    expect(crossed.status).toBe(404);
    expect(crossed.body.code).toBe('STATEMENT_NOT_FOUND');

    const support = await customer(t, ['support']);
    expect((await t.http().get(`${statementUrl()}/stored/${issued.id}`).set(support.auth)).status).toBe(200);
    expect((await t.http().get(statementUrl()).query(period).set(support.auth)).status).toBe(200);
  });

  it("the monthly job issues last month's statement once per account, however often it runs", async () => {
    const job = t.app.get(MonthlyStatementsJob);
    const month = monthOf(dayOf(Date.now()));
    clockAt(t, firstDayAfter(month));
    const first = await job.run();
    expect(first).toMatchObject({ month, failed: 0 });
    await job.run();
    await job.run(addDays(firstDayAfter(month), 1));

    const monthly = (await t.http().get(`${statementUrl()}/stored`).set(alice.auth)).body.items.filter((s: { kind: string }) => s.kind === 'monthly');
    expect(monthly).toHaveLength(1);
    expect(monthly[0]).toMatchObject({
      periodFrom: `${month}-01T00:00:00.000Z`,
      periodTo: `${firstDayAfter(month)}T00:00:00.000Z`,
      openingBalance: '0',
      closingBalance: '61123',
      postingCount: 5,
    });
    const events = await eventually(
      () => accountEvents(db.url, account.id, 'accounts.statement-issued.v1'),
      (e) => e.some((x) => x.data['kind'] === 'monthly'),
    );
    expect(events.filter((e) => e.data['kind'] === 'monthly')).toHaveLength(1);
  });

  it('a closure long after the last statement still closes, with a final statement of the last 366 days at most', async () => {
    const closing = await openCustomerAccount(t, alice);
    const target = await openCustomerAccount(t, alice);
    expect((await transfer(t, ledgerAuth, { debitAccountId: bank, creditAccountId: closing.ledgerAccountId, amount: '4200' })).status).toBe(201);
    clockAt(t, addDays(dayOf(Date.now()), 500));
    const closed = await t.http().post(`/v1/accounts/${closing.id}/close`).set(alice.auth).send({ sweepToAccountId: target.id });
    expect(closed.status).toBe(200);
    const [final] = (
      await t
        .http()
        .get(`${statementUrl(closing.id)}/stored`)
        .set(alice.auth)
    ).body.items;
    // (The ledger posts at the real time, 500 days before this clock: the period holds no postings here.)
    expect(final).toMatchObject({ kind: 'final', closingBalance: '0' });
    expect(Date.parse(final.periodTo) - Date.parse(final.periodFrom)).toBeLessThanOrEqual(366 * 86_400_000);
  });
});
