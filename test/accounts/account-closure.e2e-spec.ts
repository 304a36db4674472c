import { CommandBus } from '@nestjs/cqrs';
import { accountsContext } from '@modules/accounts/accounts.context';
import { sweepTransferId } from '@modules/accounts/application/close-account/close-account.workflow';
import { InterestSettlement } from '@modules/accounts/application/close-account/interest-settlement';
import type { AccountRecord } from '@modules/accounts/infrastructure/account.repository';
import { Scheduler } from '@platform/jobs/scheduler';
import { ResumeWorkflowsJob } from '@modules/accounts/application/resume-workflows/resume-workflows.job';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { ChangeLedgerAccountCommand, SubmitTransfersCommand } from '@modules/ledger/contract';
import { DomainError } from '@shared-kernel';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { ledgerClient, newUuid, openAccount } from '../ledger/ledger-support';
import {
  accountEvents,
  accountsProbe,
  customer,
  installAccountsProbe,
  openCustomerAccount,
  transfer,
  type AccountBody,
  type Customer,
} from './accounts-support';

describe('account closure', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let ledgerAuth: Record<string, string>;
  let bank: string;
  let alice: Customer;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installAccountsProbe(db.url);
    t = await startTestApp({
      contexts: [ledgerContext, accountsContext, accountsProbe],
      databaseUrl: db.url,
      env: { ACCOUNTS_CHECKING_OVERDRAFT_LIMIT: '1000' },
    });
    ledgerAuth = await ledgerClient(t);
    bank = await openAccount(t, ledgerAuth, { normalSide: 'debit' });
    alice = await customer(t);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const fund = async (account: AccountBody, amount: string) =>
    expect((await transfer(t, ledgerAuth, { debitAccountId: bank, creditAccountId: account.ledgerAccountId, amount })).status).toBe(201);
  const get = async (account: AccountBody) => (await t.http().get(`/v1/accounts/${account.id}`).set(alice.auth)).body as AccountBody;
  const close = (account: AccountBody, body: object = {}, who: Customer = alice) => t.http().post(`/v1/accounts/${account.id}/close`).set(who.auth).send(body);

  it('sweeps the balance to another account of the owner, closes the ledger account, and then refuses postings', async () => {
    const account = await openCustomerAccount(t, alice);
    const target = await openCustomerAccount(t, alice);
    await fund(account, '12345');
    const res = await close(account, { sweepToAccountId: target.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', closedAt: expect.any(String), balances: { posted: '0', pending: '0' } });
    expect((await get(target)).balances.posted).toBe('12345');
    const ledger = (await t.http().get(`/v1/ledger/accounts/${account.ledgerAccountId}`).set(ledgerAuth)).body;
    expect(ledger).toMatchObject({ status: 'closed', overdraftLimit: '0', balances: { posted: '0' } });

    const history = (await t.http().get(`/v1/accounts/${account.id}/postings`).set(alice.auth)).body.items;
    expect(history.map((p: { side: string; amount: string; transferId: string }) => [p.side, p.amount])).toEqual([
      ['credit', '12345'],
      ['debit', '12345'],
    ]);
    expect(history[1].transferId).toBe(sweepTransferId(account.id, 0));

    for (const body of [
      { debitAccountId: bank, creditAccountId: account.ledgerAccountId, amount: '1' },
      { debitAccountId: account.ledgerAccountId, creditAccountId: bank, amount: '1' },
    ]) {
      const refused = await transfer(t, ledgerAuth, body);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('ACCOUNT_CLOSED');
    }
    const again = await close(account);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('ACCOUNT_STATUS_TRANSITION_NOT_ALLOWED');

    const [closed] = await eventually(
      () => accountEvents(db.url, account.id, 'accounts.account-closed.v1'),
      (e) => e.length > 0,
    );
    expect(closed!.data).toMatchObject({ accountId: account.id, sweptToAccountId: target.id, sweptAmount: '12345', currency: 'EUR' });
  });

  it('refuses to close while a hold is pending, with a clear problem, and closes once it is released', async () => {
    const account = await openCustomerAccount(t, alice);
    await fund(account, '500');
    const hold = newUuid();
    expect(
      (await transfer(t, ledgerAuth, { id: hold, kind: 'pending', debitAccountId: account.ledgerAccountId, creditAccountId: bank, amount: '500' })).status,
    ).toBe(201);
    const refused = await close(account);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ACCOUNT_HAS_PENDING_HOLDS', pending: '-500' });
    expect((await get(account)).status).toBe('active');

    expect((await t.http().post('/v1/ledger/transfers').set(ledgerAuth).send({ id: newUuid(), kind: 'post_pending', pendingId: hold })).status).toBe(201);
    const closed = await close(account);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
  });

  it('needs a valid account of the same owner and currency for a non-zero balance, and refuses an overdrawn account', async () => {
    const account = await openCustomerAccount(t, alice);
    await fund(account, '10');
    const bob = await customer(t);
    const bobs = await openCustomerAccount(t, bob);
    const dollars = await openCustomerAccount(t, alice, { product: 'savings', currency: 'USD' });
    expect((await close(account)).body.code).toBe('SWEEP_TARGET_REQUIRED');
    expect((await close(account, { sweepToAccountId: bobs.id })).body.code).toBe('SWEEP_TARGET_INVALID');
    expect((await close(account, { sweepToAccountId: dollars.id })).body.code).toBe('SWEEP_TARGET_INVALID');
    expect((await close(account, { sweepToAccountId: account.id })).body.code).toBe('SWEEP_TARGET_INVALID');
    expect((await close(account, { sweepToAccountId: 'nope' })).status).toBe(400);
    expect((await get(account)).status).toBe('active');

    const overdrawn = await openCustomerAccount(t, alice);
    expect((await transfer(t, ledgerAuth, { debitAccountId: overdrawn.ledgerAccountId, creditAccountId: bank, amount: '300' })).status).toBe(201);
    const refused = await close(overdrawn, { sweepToAccountId: account.id });
    expect(refused.body).toMatchObject({ code: 'ACCOUNT_OVERDRAWN', posted: '-300' });
  });

  it('resumes a closure that crashed after its sweep without sweeping twice', async () => {
    const account = await openCustomerAccount(t, alice);
    const target = await openCustomerAccount(t, alice);
    await fund(account, '900');
    // What a run leaves behind when it dies right after the ledger committed its sweep.
    await sql(db.url, `update accounts.accounts set status = 'closing', updated_at = now() - interval '1 hour' where id = $1`, [account.id]);
    await sql(db.url, `insert into accounts.closures (account_id, sweep_to_account_id, requested_by) values ($1, $2, 'test')`, [account.id, target.id]);
    const [swept] = await t.app.get(CommandBus).execute(
      new SubmitTransfersCommand({
        transfers: [
          {
            id: sweepTransferId(account.id, 0),
            debitAccountId: account.ledgerAccountId,
            creditAccountId: target.ledgerAccountId,
            amount: '900',
            currency: 'EUR',
            code: 9100,
          },
        ],
      }),
    );
    expect(swept!.status).toBe('created');

    // Through the scheduler: waits for a run the timer may have started meanwhile.
    await t.app.get(Scheduler).runNow('accounts.resume-workflows');
    expect(await get(account)).toMatchObject({ status: 'closed', balances: { posted: '0' } });
    expect((await get(target)).balances.posted).toBe('900');
    const [closure] = await sql<{ swept_amount: string }>(db.url, 'select swept_amount from accounts.closures where account_id = $1', [account.id]);
    expect(closure!.swept_amount).toBe('900');
    expect(await t.app.get(ResumeWorkflowsJob).run(0)).toEqual({ resumed: 0, failed: 0 });
  });

  it('stays closing with a clear problem when money arrives mid-way and no account was named, and finishes once it is gone', async () => {
    const account = await openCustomerAccount(t, alice);
    // A zero-balance closure (no sweep account) that a crash interrupted; then money arrived.
    await sql(db.url, `update accounts.accounts set status = 'closing' where id = $1`, [account.id]);
    await sql(db.url, `insert into accounts.closures (account_id, sweep_to_account_id, requested_by) values ($1, null, 'test')`, [account.id]);
    await fund(account, '30');
    const stuck = await close(account);
    expect(stuck.status).toBe(409);
    expect(stuck.body.code).toBe('ACCOUNT_CLOSURE_INCOMPLETE');
    expect((await get(account)).status).toBe('closing');
    expect((await transfer(t, ledgerAuth, { debitAccountId: account.ledgerAccountId, creditAccountId: bank, amount: '30' })).status).toBe(201);
    const done = await close(account);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('closed');
  });

  it('settles interest through the InterestSettlement port before sweeping, so the interest is swept too', async () => {
    const account = await openCustomerAccount(t, alice);
    const target = await openCustomerAccount(t, alice);
    await fund(account, '1000');
    const settlement = t.app.get(InterestSettlement);
    // Stands in for the interest feature: pays 7 of interest, idempotently (id per account).
    const interestIds = new Map<string, string>();
    const spy = jest.spyOn(settlement, 'settleBeforeClosure').mockImplementation(async (closing: AccountRecord) => {
      if (!interestIds.has(closing.id)) interestIds.set(closing.id, newUuid());
      await t.app.get(CommandBus).execute(
        new SubmitTransfersCommand({
          transfers: [{ id: interestIds.get(closing.id)!, debitAccountId: bank, creditAccountId: closing.ledgerAccountId, amount: '7', currency: 'EUR' }],
        }),
      );
    });
    try {
      const res = await close(account, { sweepToAccountId: target.id });
      expect(res.status).toBe(200);
      expect(spy).toHaveBeenCalledWith(expect.objectContaining({ id: account.id, status: 'closing' }));
    } finally {
      spy.mockRestore();
    }
    expect((await get(target)).balances.posted).toBe('1007');
    const [closure] = await sql<{ swept_amount: string }>(db.url, 'select swept_amount from accounts.closures where account_id = $1', [account.id]);
    expect(closure!.swept_amount).toBe('1007');
  });

  it('answers 503 when the ledger becomes unreachable mid-closure, stays closing, and the repeated request finishes it without sweeping twice', async () => {
    const account = await openCustomerAccount(t, alice);
    const target = await openCustomerAccount(t, alice);
    await fund(account, '640');
    const commands = t.app.get(CommandBus);
    const execute = commands.execute.bind(commands);
    // The sweep goes through; then the ledger is unreachable for the step that closes its account.
    const down = jest.spyOn(commands, 'execute').mockImplementation((command) => {
      if (command instanceof ChangeLedgerAccountCommand && command.change.status === 'closed') {
        return Promise.reject(new DomainError('unavailable', 'CONTEXT_UNAVAILABLE', 'The ledger is unreachable', { retryAfterSeconds: 1 }));
      }
      return execute(command);
    });
    try {
      const unavailable = await close(account, { sweepToAccountId: target.id });
      expect(unavailable.status).toBe(503);
      expect(unavailable.body.code).toBe('CONTEXT_UNAVAILABLE');
    } finally {
      down.mockRestore();
    }
    expect(await get(account)).toMatchObject({ status: 'closing', balances: { posted: '0' } });
    expect((await get(target)).balances.posted).toBe('640');

    const done = await close(account, { sweepToAccountId: target.id });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('closed');
    expect((await get(target)).balances.posted).toBe('640');
    expect(
      (
        await t
          .http()
          .get(`/v1/ledger/transfers/${sweepTransferId(account.id, 1)}`)
          .set(ledgerAuth)
      ).status,
    ).toBe(404);
    const [closure] = await sql<{ swept_amount: string }>(db.url, 'select swept_amount from accounts.closures where account_id = $1', [account.id]);
    expect(closure!.swept_amount).toBe('640');
  });

  it('finishes an opening that crashed before its ledger account existed', async () => {
    const id = newUuid();
    const ledgerAccountId = newUuid();
    await sql(
      db.url,
      `insert into accounts.accounts (id, owner_id, product, currency, ledger_account_id, account_number, iban, status, overdraft_limit, created_at, updated_at)
       values ($1, $2, 'savings', 'EUR', $3, '1234567897', null, 'pending', 0, now() - interval '1 hour', now() - interval '1 hour')`,
      [id, alice.id, ledgerAccountId],
    );
    expect((await t.http().get(`/v1/accounts/${id}`).set(alice.auth)).body.balances).toEqual({ posted: '0', pending: '0', available: '0' });
    await t.app.get(Scheduler).runNow('accounts.resume-workflows');
    const opened = (await t.http().get(`/v1/accounts/${id}`).set(alice.auth)).body;
    expect(opened).toMatchObject({ status: 'active', openedAt: expect.any(String) });
    expect((await t.http().get(`/v1/ledger/accounts/${ledgerAccountId}`).set(ledgerAuth)).body).toMatchObject({
      normalSide: 'credit',
      debitsMustNotExceedCredits: true,
      code: 2200,
    });
    await eventually(
      () => accountEvents(db.url, id, 'accounts.account-opened.v1'),
      (e) => e.length === 1,
    );
    expect(await accountEvents(db.url, id, 'accounts.account-opened.v1')).toHaveLength(1);
  });

  it('survives two closure requests at once: the balance moves exactly once', async () => {
    const account = await openCustomerAccount(t, alice);
    const target = await openCustomerAccount(t, alice);
    await fund(account, '4242');
    const answers = await Promise.all([close(account, { sweepToAccountId: target.id }), close(account, { sweepToAccountId: target.id })]);
    expect(answers.map((a) => a.status)).toContain(200);
    for (const a of answers) expect([200, 409, 422]).toContain(a.status);
    expect((await get(account)).status).toBe('closed');
    expect((await get(target)).balances.posted).toBe('4242');
  });

  it('lets the ledger refuse to close an account with a balance when asked (requireZeroBalance)', async () => {
    const ledgerId = await openAccount(t, ledgerAuth, { debitsMustNotExceedCredits: true });
    expect((await transfer(t, ledgerAuth, { debitAccountId: bank, creditAccountId: ledgerId, amount: '5' })).status).toBe(201);
    const refused = await t.http().patch(`/v1/ledger/accounts/${ledgerId}`).set(ledgerAuth).send({ status: 'closed', requireZeroBalance: true });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('LEDGER_ACCOUNT_HAS_BALANCE');
    await expect(
      t.app.get(CommandBus).execute(new ChangeLedgerAccountCommand({ accountId: ledgerId, change: { status: 'closed', requireZeroBalance: true } })),
    ).rejects.toMatchObject({ code: 'LEDGER_ACCOUNT_HAS_BALANCE' });
    expect((await transfer(t, ledgerAuth, { debitAccountId: ledgerId, creditAccountId: bank, amount: '5' })).status).toBe(201);
    const closed = await t.http().patch(`/v1/ledger/accounts/${ledgerId}`).set(ledgerAuth).send({ status: 'closed', requireZeroBalance: true });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
  });
});
