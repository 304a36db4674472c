import { CommandBus } from '@nestjs/cqrs';
import { accountsContext } from '@modules/accounts/accounts.context';
import { openingIds } from '@modules/accounts/application/open-account/open-account';
import { ResumeWorkflowsJob } from '@modules/accounts/application/resume-workflows/resume-workflows.job';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { CreateLedgerAccountCommand } from '@modules/ledger/contract';
import { DomainError } from '@shared-kernel';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { ledgerClient, newUuid } from '../ledger/ledger-support';
import { accountEvents, accountsProbe, customer, installAccountsProbe, type Customer } from './accounts-support';

/*
 * Opening an account while the ledger is unreachable (as it may be once it runs in another
 * process: its commands then fail with a DomainError of kind 'unavailable'). A test double
 * stands in for the ledger's CreateLedgerAccountCommand on the in-process bus.
 */
describe('account opening when the ledger is unavailable', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let ledgerAuth: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installAccountsProbe(db.url);
    t = await startTestApp({ contexts: [ledgerContext, accountsContext, accountsProbe], databaseUrl: db.url });
    ledgerAuth = await ledgerClient(t);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  /** While it runs, the ledger refuses to create accounts with 503 CONTEXT_UNAVAILABLE. */
  async function withLedgerDown<T>(work: () => Promise<T>): Promise<T> {
    const commands = t.app.get(CommandBus);
    const execute = commands.execute.bind(commands);
    const down = jest.spyOn(commands, 'execute').mockImplementation((command) => {
      if (command instanceof CreateLedgerAccountCommand)
        return Promise.reject(new DomainError('unavailable', 'CONTEXT_UNAVAILABLE', 'The ledger is unreachable', { retryAfterSeconds: 1 }));
      return execute(command);
    });
    try {
      return await work();
    } finally {
      down.mockRestore();
    }
  }
  const open = (who: Customer, key?: string, body: object = { product: 'savings', currency: 'EUR' }) => {
    const req = t.http().post('/v1/accounts').set(who.auth);
    return (key === undefined ? req : req.set('idempotency-key', key)).send(body);
  };
  const rowsOf = (who: Customer) =>
    sql<{ id: string; status: string; ledger_account_id: string }>(db.url, 'select id, status, ledger_account_id from accounts.accounts where owner_id = $1', [
      who.id,
    ]);
  const mine = async (who: Customer) => (await t.http().get('/v1/accounts').set(who.auth)).body.items as { id: string; status: string }[];

  it('without an Idempotency-Key: answers 503 and leaves no account behind', async () => {
    const carol = await customer(t);
    const res = await withLedgerDown(() => open(carol));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.code).toBe('CONTEXT_UNAVAILABLE');
    expect(await rowsOf(carol)).toEqual([]);
    expect(await mine(carol)).toEqual([]);
    // The resume job has nothing to complete either.
    await t.app.get(ResumeWorkflowsJob).run(0);
    expect(await mine(carol)).toEqual([]);
    // Once the ledger is back, an opening works as ever.
    expect((await open(carol)).status).toBe(201);
    expect(await mine(carol)).toHaveLength(1);
  });

  it('with an Idempotency-Key: keeps the pending account, and the retry completes that same account', async () => {
    const dave = await customer(t);
    const key = newUuid();
    const ids = openingIds(dave.id, key);
    const failed = await withLedgerDown(() => open(dave, key));
    expect(failed.status).toBe(503);
    expect(await rowsOf(dave)).toEqual([{ id: ids.id, status: 'pending', ledger_account_id: ids.ledgerAccountId }]);

    const retried = await open(dave, key);
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: ids.id, ledgerAccountId: ids.ledgerAccountId, status: 'active', product: 'savings', currency: 'EUR' });
    expect((await t.http().get(`/v1/ledger/accounts/${ids.ledgerAccountId}`).set(ledgerAuth)).body).toMatchObject({
      normalSide: 'credit',
      reference: `accounts:${ids.id}`,
    });
    expect((await mine(dave)).map((a) => a.id)).toEqual([ids.id]);
    const replay = await open(dave, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(ids.id);
    await eventually(
      () => accountEvents(db.url, ids.id, 'accounts.account-opened.v1'),
      (e) => e.length === 1,
    );
  });

  it('with an Idempotency-Key never retried: the resume job completes the account', async () => {
    const erin = await customer(t);
    const key = 'open-savings-1';
    expect((await withLedgerDown(() => open(erin, key))).status).toBe(503);
    await t.app.get(ResumeWorkflowsJob).run(0);
    expect(await mine(erin)).toEqual([expect.objectContaining({ id: openingIds(erin.id, key).id, status: 'active' })]);
    // A late retry converges on it.
    const late = await open(erin, key);
    expect(late.status).toBe(201);
    expect(late.body.id).toBe(openingIds(erin.id, key).id);
    expect(await mine(erin)).toHaveLength(1);
  });

  it('refuses the key with another request after a failed attempt, and keeps keys per caller', async () => {
    const frank = await customer(t);
    const grace = await customer(t);
    const key = newUuid();
    expect((await withLedgerDown(() => open(frank, key))).status).toBe(503);
    const other = await open(frank, key, { product: 'checking', currency: 'EUR' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The same key from someone else is another account.
    const graces = await open(grace, key);
    expect(graces.status).toBe(201);
    expect(graces.body.id).toBe(openingIds(grace.id, key).id);
    expect(graces.body.id).not.toBe(openingIds(frank.id, key).id);
  });
});
