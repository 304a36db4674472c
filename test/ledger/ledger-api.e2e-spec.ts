import { ledgerContext } from '@modules/ledger/ledger.context';
import { Scheduler } from '@platform/jobs/scheduler';
import { createDataSource } from '@platform/database/data-source';
import { createTestDatabase, sql } from '../support/database';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { installLedgerProbe, ledgerClient, ledgerProbe, newUuid, openAccount } from './ledger-support';

describe('ledger API', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let auth: Record<string, string>;
  let bank: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await installLedgerProbe(db.url);
    t = await startTestApp({ contexts: [ledgerContext, ledgerProbe], databaseUrl: db.url });
    auth = await ledgerClient(t);
    bank = await openAccount(t, auth, { normalSide: 'debit' });
    alice = await openAccount(t, auth, { debitsMustNotExceedCredits: true });
    bob = await openAccount(t, auth, { debitsMustNotExceedCredits: true });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const transfer = (body: object) => t.http().post('/v1/ledger/transfers').set(auth).send(body);
  const balances = async (id: string) => (await t.http().get(`/v1/ledger/accounts/${id}`).set(auth)).body.balances as Record<string, string>;

  it('moves money with a transfer and answers with it', async () => {
    const id = newUuid();
    const res = await transfer({ id, debitAccountId: bank, creditAccountId: alice, amount: '10000', currency: 'EUR', code: 1 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id, kind: 'posted', amount: '10000', currency: 'EUR', debitAccountId: bank, creditAccountId: alice });
    expect(await balances(alice)).toEqual({ posted: '10000', pending: '0', available: '10000' });
    expect(await balances(bank)).toEqual({ posted: '10000', pending: '0', available: '10000' });
    expect((await t.http().get(`/v1/ledger/transfers/${id}`).set(auth)).body).toEqual(res.body);
  });

  it('replays a transfer id with the same body and refuses it with another', async () => {
    const body = { id: newUuid(), debitAccountId: bank, creditAccountId: alice, amount: '5', currency: 'EUR' };
    const first = await transfer(body);
    const replay = await transfer(body);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const conflict = await transfer({ ...body, amount: '6' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('ID_EXISTS_WITH_DIFFERENT_FIELDS');
    expect((await balances(alice)).posted).toBe('10005');
  });

  it('refuses what the balance rules forbid with 422 and the reason', async () => {
    const res = await transfer({ id: newUuid(), debitAccountId: alice, creditAccountId: bob, amount: '10006', currency: 'EUR' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe('EXCEEDS_CREDITS');
    const usd = await openAccount(t, auth, { currency: 'USD' });
    expect((await transfer({ id: newUuid(), debitAccountId: alice, creditAccountId: usd, amount: '1', currency: 'EUR' })).body.code).toBe('CURRENCY_MISMATCH');
    expect((await transfer({ id: newUuid(), debitAccountId: alice, creditAccountId: newUuid(), amount: '1', currency: 'EUR' })).body.code).toBe(
      'CREDIT_ACCOUNT_NOT_FOUND',
    );
  });

  it('validates input and names the field, before anything is written', async () => {
    const bad = await transfer({ id: newUuid(), debitAccountId: alice, creditAccountId: bob, amount: 12.5, currency: 'EUR' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'amount' })] });
    const unknown = await transfer({ id: newUuid(), debitAccountId: alice, creditAccountId: bob, amount: '1', currency: 'EUR', memo: 'x' });
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'memo', message: 'memo is not an accepted field' })]);
    const batch = await t
      .http()
      .post('/v1/ledger/transfers/batch')
      .set(auth)
      .send({ transfers: [{ id: newUuid(), debitAccountId: alice, creditAccountId: bob, currency: 'EUR', amount: '1' }, { id: 'nope' }] });
    expect(batch.status).toBe(400);
    expect(batch.body.errors[0].field).toBe('transfers.1.id');
    const missing = await t
      .http()
      .post('/v1/ledger/transfers/batch')
      .set(auth)
      .send({ transfers: [{ id: newUuid(), debitAccountId: alice, creditAccountId: bob, currency: 'EUR' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('transfers.0.amount');
    // The single-transfer route's body is the transfer: its errors name the transfer's fields.
    const single = await t.http().post('/v1/ledger/transfers').set(auth).send({ id: newUuid(), debitAccountId: alice, creditAccountId: bob, currency: 'EUR' });
    expect([single.status, single.body.errors?.[0]?.field]).toEqual([400, 'amount']);
  });

  it('commits a batch in order with linked chains all or nothing (cross-currency through FX accounts)', async () => {
    const fxEur = await openAccount(t, auth, { normalSide: 'debit' });
    const fxUsd = await openAccount(t, auth, { normalSide: 'debit', currency: 'USD' });
    const carol = await openAccount(t, auth, { currency: 'USD' });
    const [a, b, c, d] = [newUuid(), newUuid(), newUuid(), newUuid()];
    const res = await t
      .http()
      .post('/v1/ledger/transfers/batch')
      .set(auth)
      .send({
        transfers: [
          { id: a, debitAccountId: alice, creditAccountId: fxEur, amount: '1000', currency: 'EUR', linked: true },
          { id: b, debitAccountId: fxUsd, creditAccountId: carol, amount: '1080', currency: 'USD' },
          { id: c, debitAccountId: alice, creditAccountId: fxEur, amount: '999999', currency: 'EUR', linked: true },
          { id: d, debitAccountId: fxUsd, creditAccountId: carol, amount: '1', currency: 'USD' },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string; error?: string }) => r.error ?? r.status)).toEqual([
      'created',
      'created',
      'EXCEEDS_CREDITS',
      'LINKED_EVENT_FAILED',
    ]);
    expect((await balances(carol)).posted).toBe('1080');
    expect((await t.http().get(`/v1/ledger/transfers/${d}`).set(auth)).status).toBe(404);
  });

  it('holds, partly posts, voids and expires pending transfers, each at most once', async () => {
    const hold = newUuid();
    expect((await transfer({ id: hold, kind: 'pending', debitAccountId: alice, creditAccountId: bob, amount: '3000', currency: 'EUR' })).status).toBe(201);
    const before = await balances(alice);
    expect(before.pending).toBe('-3000');
    expect(BigInt(before.available!)).toBe(BigInt(before.posted!) - 3000n);
    const post = await transfer({ id: newUuid(), kind: 'post_pending', pendingId: hold, amount: '2000' });
    expect(post.body).toMatchObject({ kind: 'post_pending', amount: '2000', pendingId: hold, debitAccountId: alice, creditAccountId: bob });
    expect((await transfer({ id: newUuid(), kind: 'void_pending', pendingId: hold })).body.code).toBe('PENDING_TRANSFER_ALREADY_POSTED');
    expect((await balances(bob)).posted).toBe('2000');

    const voided = newUuid();
    await transfer({ id: voided, kind: 'pending', debitAccountId: alice, creditAccountId: bob, amount: '100', currency: 'EUR' });
    expect((await transfer({ id: newUuid(), kind: 'void_pending', pendingId: voided })).status).toBe(201);

    const expiring = newUuid();
    await transfer({ id: expiring, kind: 'pending', debitAccountId: alice, creditAccountId: bob, amount: '100', currency: 'EUR', timeoutSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    await t.app.get(Scheduler).runNow('ledger.expire-pending-transfers');
    expect((await transfer({ id: newUuid(), kind: 'post_pending', pendingId: expiring })).body.code).toBe('PENDING_TRANSFER_EXPIRED');
    expect((await balances(alice)).pending).toBe('0');
    const [state] = await sql<{ state: string }>(db.url, 'select state from ledger.pending_transfers where id = $1', [expiring]);
    expect(state!.state).toBe('expired');
  });

  it('lists postings with the balance after each, by cursor, and answers balances as of a past instant', async () => {
    const acct = await openAccount(t, auth, { debitsMustNotExceedCredits: true });
    for (const amount of ['100', '200', '300']) await transfer({ id: newUuid(), debitAccountId: bank, creditAccountId: acct, amount, currency: 'EUR' });
    const middle = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await transfer({ id: newUuid(), debitAccountId: acct, creditAccountId: bank, amount: '50', currency: 'EUR' });

    const page1 = await t.http().get(`/v1/ledger/accounts/${acct}/postings?limit=2`).set(auth);
    expect(page1.body.items.map((p: { amount: string; balanceAfter: string }) => [p.amount, p.balanceAfter])).toEqual([
      ['100', '100'],
      ['200', '300'],
    ]);
    const page2 = await t.http().get(`/v1/ledger/accounts/${acct}/postings?limit=2&cursor=${page1.body.nextCursor}`).set(auth);
    expect(page2.body.items.map((p: { side: string; balanceAfter: string }) => [p.side, p.balanceAfter])).toEqual([
      ['credit', '600'],
      ['debit', '550'],
    ]);
    expect(page2.body.nextCursor).toBeNull();

    const asOf = await t
      .http()
      .get(`/v1/ledger/accounts/${acct}/balance?asOf=${encodeURIComponent(middle)}`)
      .set(auth);
    expect(asOf.body).toMatchObject({ posted: '600', pending: '0' });
    const before = await t.http().get(`/v1/ledger/accounts/${acct}/balance?asOf=2000-01-01T00:00:00Z`).set(auth);
    expect(before.body).toMatchObject({ posted: '0' });
    expect((await t.http().get(`/v1/ledger/accounts/${acct}/postings?limit=0`).set(auth)).status).toBe(400);
  });

  it('freezes (no payments out) and closes (nothing at all) accounts', async () => {
    const acct = await openAccount(t, auth, { debitsMustNotExceedCredits: true });
    await transfer({ id: newUuid(), debitAccountId: bank, creditAccountId: acct, amount: '100', currency: 'EUR' });
    await t.http().patch(`/v1/ledger/accounts/${acct}`).set(auth).send({ status: 'frozen' });
    expect((await transfer({ id: newUuid(), debitAccountId: acct, creditAccountId: bank, amount: '1', currency: 'EUR' })).body.code).toBe('ACCOUNT_FROZEN');
    expect((await transfer({ id: newUuid(), debitAccountId: bank, creditAccountId: acct, amount: '1', currency: 'EUR' })).status).toBe(201);
    const hold = newUuid();
    await t.http().patch(`/v1/ledger/accounts/${acct}`).set(auth).send({ status: 'open' });
    await transfer({ id: hold, kind: 'pending', debitAccountId: acct, creditAccountId: bank, amount: '10', currency: 'EUR' });
    expect((await t.http().patch(`/v1/ledger/accounts/${acct}`).set(auth).send({ status: 'closed' })).body.code).toBe('LEDGER_ACCOUNT_HAS_PENDING_TRANSFERS');
    await transfer({ id: newUuid(), kind: 'void_pending', pendingId: hold });
    expect((await t.http().patch(`/v1/ledger/accounts/${acct}`).set(auth).send({ status: 'closed' })).body.status).toBe('closed');
    expect((await transfer({ id: newUuid(), debitAccountId: bank, creditAccountId: acct, amount: '1', currency: 'EUR' })).body.code).toBe('ACCOUNT_CLOSED');
    expect((await t.http().patch(`/v1/ledger/accounts/${acct}`).set(auth).send({ status: 'open' })).body.code).toBe('LEDGER_ACCOUNT_CLOSED');
  });

  it('publishes transactions.created and transactions.updated events through the outbox', async () => {
    const hold = newUuid();
    await transfer({ id: hold, kind: 'pending', debitAccountId: alice, creditAccountId: bob, amount: '7', currency: 'EUR' });
    const post = newUuid();
    await transfer({ id: post, kind: 'post_pending', pendingId: hold });
    const events = await eventually(
      () =>
        sql<{ type: string; subject: string; data: Record<string, unknown> }>(
          db.url,
          'select type, subject, data from ledger_probe.events where subject = any($1)',
          [[hold, post]],
        ),
      (rows) => rows.length === 3,
    );
    const created = events.find((e) => e.subject === post && e.type === 'ledger.transfer-created.v1')!;
    expect(created.data).toMatchObject({
      transfer: { id: post, kind: 'post_pending', amount: '7' },
      debitAccount: { id: alice, balances: expect.any(Object) },
    });
    expect(events.find((e) => e.type === 'ledger.pending-transfer-resolved.v1')!.data).toMatchObject({
      pendingId: hold,
      resolution: 'posted',
      transferId: post,
      postedAmount: '7',
    });
  });

  it('is reachable only with the ledger permissions', async () => {
    const customer = await loginAs(t.app, newUuid());
    expect((await t.http().get(`/v1/ledger/accounts/${alice}`).set(bearer(customer.token))).status).toBe(403);
    expect((await t.http().get(`/v1/ledger/accounts/${alice}`)).status).toBe(401);
    expect((await t.http().post('/v1/ledger/transfers').set(bearer(customer.token)).send({ id: newUuid() })).status).toBe(403);
  });

  it('reconciles balances against postings and alerts on tampering', async () => {
    const clean = await t.http().post('/v1/ledger/reconciliations').set(auth);
    expect(clean.body).toMatchObject({ mismatchedAccounts: [], unbalancedCurrencies: [] });
    expect(clean.body.accountsChecked).toBeGreaterThan(5);
    // Someone with owner rights edits a balance behind the ledger's back.
    await sql(db.url, 'update ledger.accounts set credits_posted = credits_posted + 1 where id = $1', [bob]);
    const report = await t.http().post('/v1/ledger/reconciliations').set(auth);
    expect(report.body.mismatchedAccounts).toEqual([bob]);
    expect(report.body.unbalancedCurrencies).toEqual(['EUR']);
    expect((await t.http().get('/metrics')).text).toMatch(/skyro_ledger_reconciliation_mismatches 2/);
    const alerts = await eventually(
      () =>
        sql<{ data: { recorded: Record<string, string>; recomputed: Record<string, string> } }>(
          db.url,
          "select data from ledger_probe.events where type = 'ledger.reconciliation-mismatch.v1' and subject = $1",
          [bob],
        ),
      (rows) => rows.length > 0,
    );
    expect(BigInt(alerts[0]!.data.recorded['credits_posted']!) - BigInt(alerts[0]!.data.recomputed['credits_posted']!)).toBe(1n);
    await sql(db.url, 'update ledger.accounts set credits_posted = credits_posted - 1 where id = $1', [bob]);
  });

  it('never lets the app role rewrite history', async () => {
    const app = createDataSource({ url: db.url, poolMax: 1, statementTimeoutMs: 5000, role: 'skyro_app' });
    await app.initialize();
    try {
      await expect(app.query('update ledger.postings set amount = amount + 1')).rejects.toThrow(/permission denied/);
      await expect(app.query('delete from ledger.transfers')).rejects.toThrow(/permission denied/);
      await expect(app.query('truncate ledger.postings')).rejects.toThrow(/permission denied/);
    } finally {
      await app.destroy();
    }
  });
});
