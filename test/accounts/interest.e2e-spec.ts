import { DomainError } from '@shared-kernel';
import { GetTransferQuery, SubmitTransfersCommand } from '@modules/ledger/contract';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { interestExpenseAccountId, interestTransferId } from '@modules/accounts/interest/application/capitalise-interest/capitalise-interest';
import { IssueStatement } from '@modules/accounts/statements/application/issue-statement/issue-statement';
import { InterestJob } from '@modules/accounts/interest/application/interest-job/interest.job';
import { addDays, dayOf, daysBetween, firstDayAfter, monthOf } from '@modules/accounts/interest/domain/calendar';
import { sweepTransferId } from '@modules/accounts/application/close-account/close-account.workflow';
import { eventually, type TestApp } from '../support/app';
import { sql } from '../support/database';
import { openAccount } from '../ledger/ledger-support';
import { accountEvents, customer, openCustomerAccount, transfer, type AccountBody, type Customer } from './accounts-support';
import { clockAt, startFixture, type Fixture } from './statements-interest-support';

/*
 * Savings EUR earns 3.65 % p.a. from today: 1,000,000 minor units earn exactly 100 a day
 * (ACT/365). Ledger postings happen at the real time; the platform clock is moved forward
 * to let days pass.
 */
describe('interest', () => {
  let fx: Fixture;
  let db: Fixture['db'];
  let t: TestApp;
  let ledgerAuth: Record<string, string>;
  let bank: string;
  let alice: Customer;
  let admin: Customer;
  let job: InterestJob;
  const today = dayOf(Date.now());

  beforeAll(async () => {
    fx = await startFixture();
    ({ db, t, ledgerAuth, bank, alice } = fx);
    admin = await customer(t, ['admin']);
    job = t.app.get(InterestJob);
    const rate = await t
      .http()
      .post('/v1/admin/interest-rates')
      .set(admin.auth)
      .send({ product: 'savings', currency: 'EUR', effectiveFrom: today, annualRatePercent: '3.65' });
    expect(rate.status).toBe(201);
  });
  afterAll(() => fx?.close());

  const fundedSavings = async (amount = '1000000') => {
    const account = await openCustomerAccount(t, alice, { product: 'savings', currency: 'EUR' });
    expect((await transfer(t, ledgerAuth, { debitAccountId: bank, creditAccountId: account.ledgerAccountId, amount })).status).toBe(201);
    return account;
  };
  const accruals = (account: AccountBody) =>
    sql<{ day: string; amount: string; capitalisation_period: string | null }>(
      db.url,
      `select to_char(day, 'YYYY-MM-DD') as day, amount::text, capitalisation_period from accounts.interest_accruals where account_id = $1 order by day`,
      [account.id],
    );
  const balance = async (account: AccountBody) => (await t.http().get(`/v1/accounts/${account.id}`).set(alice.auth)).body.balances.posted as string;
  const interest = async (account: AccountBody) => (await t.http().get(`/v1/accounts/${account.id}/interest`).set(alice.auth)).body;
  const transferOf = (id: string) => t.app.get(QueryBus).execute(new GetTransferQuery({ id }));

  it("creates the bank's interest-expense ledger accounts at start-up, one per offered currency, debit-normal", async () => {
    for (const currency of ['EUR', 'USD', 'GBP']) {
      const res = await t
        .http()
        .get(`/v1/ledger/accounts/${interestExpenseAccountId(currency)}`)
        .set(ledgerAuth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ currency, normalSide: 'debit', code: 6100, reference: `accounts:interest-expense:${currency}` });
    }
  });

  it('rates: admins add them for today or later, never twice for a day nor retroactively; anyone signed in reads them', async () => {
    const body = { product: 'savings', currency: 'EUR', effectiveFrom: addDays(today, 40), annualRatePercent: '4.1' };
    const support = await customer(t, ['support']);
    expect((await t.http().post('/v1/admin/interest-rates').set(support.auth).send(body)).status).toBe(403);
    expect((await t.http().post('/v1/admin/interest-rates').set(alice.auth).send(body)).status).toBe(403);
    const retro = await t
      .http()
      .post('/v1/admin/interest-rates')
      .set(admin.auth)
      .send({ ...body, effectiveFrom: addDays(today, -1) });
    expect(retro.status).toBe(422);
    expect(retro.body.code).toBe('INTEREST_RATE_RETROACTIVE');
    const invalid = await t
      .http()
      .post('/v1/admin/interest-rates')
      .set(admin.auth)
      .send({ ...body, annualRatePercent: '0.1234567' });
    expect(invalid.status).toBe(400);
    expect(
      (
        await t
          .http()
          .post('/v1/admin/interest-rates')
          .set(admin.auth)
          .send({ ...body, currency: 'JPY' })
      ).body.code,
    ).toBe('CURRENCY_NOT_OFFERED');
    const added = await t.http().post('/v1/admin/interest-rates').set(admin.auth).send(body);
    expect(added.status).toBe(201);
    expect(added.body).toEqual(body);
    const twice = await t.http().post('/v1/admin/interest-rates').set(admin.auth).send(body);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('INTEREST_RATE_EXISTS');

    const list = await t.http().get('/v1/interest-rates?product=savings&currency=EUR').set(alice.auth);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      { product: 'savings', currency: 'EUR', effectiveFrom: today, annualRatePercent: '3.65' },
      { product: 'savings', currency: 'EUR', effectiveFrom: addDays(today, 40), annualRatePercent: '4.1' },
    ]);
    expect((await t.http().get('/v1/interest-rates?product=checking').set(alice.auth)).body.items).toEqual([]);
  });

  it('accrues each finished day once, from the end-of-day balance, and catches up missed days', async () => {
    const account = await fundedSavings();
    clockAt(t, addDays(today, 3));
    await job.run();
    await job.run();
    expect((await accruals(account)).map((a) => [a.day, a.amount])).toEqual(daysBetween(today, addDays(today, 2)).map((d) => [d, '100']));
    const summary = await interest(account);
    expect(summary).toMatchObject({ accountId: account.id, currency: 'EUR', currentRatePercent: '3.65', accruedThrough: addDays(today, 2) });
    const paid = summary.capitalisations.reduce((s: bigint, c: { amount: string }) => s + BigInt(c.amount), 0n);
    expect(BigInt(summary.accruedUnpaid) + paid).toBe(300n);

    // Three days without a run: the next one catches up, each day once.
    await job.run(addDays(today, 7));
    await job.run(addDays(today, 7));
    const days = await accruals(account);
    expect(days.map((a) => a.day)).toEqual(daysBetween(today, addDays(today, 6)));
    expect(days.every((a) => a.amount === '100')).toBe(true);
  });

  it('applies the rate in force on each day: a change takes effect on its day, mid-month or not', async () => {
    clockAt(t, today);
    const usdBank = await openAccount(t, ledgerAuth, { normalSide: 'debit', currency: 'USD' });
    for (const [effectiveFrom, annualRatePercent] of [
      [today, '3.65'],
      [addDays(today, 2), '7.3'],
    ] as const) {
      expect(
        (await t.http().post('/v1/admin/interest-rates').set(admin.auth).send({ product: 'checking', currency: 'USD', effectiveFrom, annualRatePercent }))
          .status,
      ).toBe(201);
    }
    const account = await openCustomerAccount(t, alice, { product: 'checking', currency: 'USD' });
    expect(
      (await transfer(t, ledgerAuth, { debitAccountId: usdBank, creditAccountId: account.ledgerAccountId, amount: '1000000', currency: 'USD' })).status,
    ).toBe(201);
    await job.run(addDays(today, 4));
    expect((await accruals(account)).map((a) => a.amount)).toEqual(['100', '100', '200', '200']);
  });

  it('capitalises a month once per account: one ledger transfer from interest expense, even when the job runs again', async () => {
    const account = await fundedSavings();
    const month = monthOf(today);
    const daysLeft = BigInt(daysBetween(today, addDays(firstDayAfter(month), -1)).length);
    clockAt(t, firstDayAfter(month));
    const first = await job.run();
    expect(first.failed).toBe(0);
    await job.run();
    await job.run(firstDayAfter(month));

    const id = interestTransferId(account.id, month);
    const paid = await transferOf(id);
    expect(paid).toMatchObject({
      debitAccountId: interestExpenseAccountId('EUR'),
      creditAccountId: account.ledgerAccountId,
      amount: (daysLeft * 100n).toString(),
      currency: 'EUR',
    });
    expect(await balance(account)).toBe((1_000_000n + daysLeft * 100n).toString());
    expect((await interest(account)).capitalisations).toEqual([
      { period: month, amount: (daysLeft * 100n).toString(), transferId: id, postedAt: expect.any(String) },
    ]);
    const history = (await t.http().get(`/v1/accounts/${account.id}/postings`).set(alice.auth)).body.items as { transferId: string }[];
    expect(history.filter((p) => p.transferId === id)).toHaveLength(1);
    expect((await accruals(account)).every((a) => a.capitalisation_period === month)).toBe(true);

    const events = await eventually(
      () => accountEvents(db.url, account.id, 'accounts.interest-capitalised.v1'),
      (e) => e.length > 0,
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({
      accountId: account.id,
      ownerId: alice.id,
      currency: 'EUR',
      period: month,
      amount: (daysLeft * 100n).toString(),
      transferId: id,
      capitalisedAt: expect.any(String),
    });
  });

  it('a payment stopped after it was recorded (the ledger unreachable) is finished by the next run, still once', async () => {
    clockAt(t, today);
    const account = await fundedSavings();
    const month = monthOf(today);
    const commands = t.app.get(CommandBus);
    const execute = commands.execute.bind(commands);
    const down = jest.spyOn(commands, 'execute').mockImplementation((command) => {
      if (command instanceof SubmitTransfersCommand && command.transfers.some((x) => x.id === interestTransferId(account.id, month))) {
        return Promise.reject(new DomainError('unavailable', 'CONTEXT_UNAVAILABLE', 'The ledger is unreachable', { retryAfterSeconds: 1 }));
      }
      return execute(command);
    });
    clockAt(t, firstDayAfter(month));
    expect((await job.run()).failed).toBe(1);
    down.mockRestore();
    expect(await transferOf(interestTransferId(account.id, month))).toBeNull();
    expect((await interest(account)).capitalisations).toEqual([expect.objectContaining({ period: month, postedAt: null })]);
    expect(await balance(account)).toBe('1000000');

    expect((await job.run()).failed).toBe(0);
    await job.run();
    const paid = (await interest(account)).capitalisations;
    expect(paid).toEqual([expect.objectContaining({ period: month, postedAt: expect.any(String) })]);
    expect(await balance(account)).toBe((1_000_000n + BigInt(paid[0].amount)).toString());
    const events = await eventually(
      () => accountEvents(db.url, account.id, 'accounts.interest-capitalised.v1'),
      (e) => e.length > 0,
    );
    expect(events).toHaveLength(1);
  });

  it("answers 404 for another customer's interest, and support reads it", async () => {
    const account = await fundedSavings();
    const bob = await customer(t);
    const res = await t.http().get(`/v1/accounts/${account.id}/interest`).set(bob.auth);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ACCOUNT_NOT_FOUND');
    expect(
      (
        await t
          .http()
          .get(`/v1/accounts/${account.id}/interest`)
          .set((await customer(t, ['support'])).auth)
      ).status,
    ).toBe(200);
  });

  it('closure accrues and pays interest up to the day before, sweeps it along, and issues the final statement before closing', async () => {
    clockAt(t, today);
    const account = await fundedSavings();
    const target = await openCustomerAccount(t, alice);
    clockAt(t, addDays(today, 3));
    // If the final statement cannot be issued, the account does not become closed...
    const statements = t.app.get(IssueStatement);
    const failOnce = jest.spyOn(statements, 'issueFinal').mockRejectedValueOnce(new Error('statement store down'));
    expect((await t.http().post(`/v1/accounts/${account.id}/close`).set(alice.auth).send({ sweepToAccountId: target.id })).status).toBe(500);
    expect((await t.http().get(`/v1/accounts/${account.id}`).set(alice.auth)).body.status).toBe('closing');
    expect(failOnce).toHaveBeenCalledTimes(1);
    failOnce.mockRestore();
    // ...and repeating the request finishes it, without paying interest or sweeping twice.
    const closed = await t.http().post(`/v1/accounts/${account.id}/close`).set(alice.auth).send({ sweepToAccountId: target.id });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');

    const final = await transferOf(interestTransferId(account.id, 'final'));
    expect(final).toMatchObject({ debitAccountId: interestExpenseAccountId('EUR'), creditAccountId: account.ledgerAccountId, amount: '300' });
    expect(await balance(target)).toBe('1000300');
    expect((await transferOf(sweepTransferId(account.id, 0)))!.amount).toBe('1000300');
    expect(await transferOf(sweepTransferId(account.id, 1))).toBeNull();

    const stored = (await t.http().get(`/v1/accounts/${account.id}/statements/stored`).set(alice.auth)).body.items;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'final', openingBalance: '0', closingBalance: '0', postingCount: 3 });
    const statement = (await t.http().get(`/v1/accounts/${account.id}/statements/stored/${stored[0].id}`).set(alice.auth)).body;
    expect(statement.postings.map((p: { amount: string }) => p.amount)).toEqual(['1000000', '300', '-1000300']);
    expect(statement.postings.map((p: { balanceAfter: string }) => p.balanceAfter)).toEqual(['1000000', '1000300', '0']);

    // Nothing more accrues, and a repeated close changes nothing.
    await job.run(addDays(today, 9));
    expect(await accruals(account)).toHaveLength(3);
    expect((await t.http().post(`/v1/accounts/${account.id}/close`).set(alice.auth).send({})).body.code).toBe('ACCOUNT_STATUS_TRANSITION_NOT_ALLOWED');
    expect((await t.http().get(`/v1/accounts/${account.id}/statements/stored`).set(alice.auth)).body.items).toHaveLength(1);
  });
});
