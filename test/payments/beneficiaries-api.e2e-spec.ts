import { randomUUID } from 'node:crypto';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { BeneficiaryDirectory } from '@modules/payments/beneficiaries/beneficiaries.providers';
import { paymentsContext } from '@modules/payments/payments.context';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { customer, type Customer } from '../accounts/accounts-support';

describe('beneficiaries API (/v1/beneficiaries)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ contexts: [ledgerContext, accountsContext, paymentsContext], databaseUrl: db.url });
    alice = await customer(t);
    bob = await customer(t);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const create = (who: Customer, body: Record<string, unknown>, key = randomUUID()) =>
    t.http().post('/v1/beneficiaries').set(who.auth).set('idempotency-key', key).send(body);
  const SEPA = { rail: 'sepa', name: 'Jean Dupont', currency: 'EUR', iban: 'FR14 2004 1010 0505 0001 3M02 606' };
  const ACH = { rail: 'ach', name: 'Jane Roe', currency: 'USD', routingNumber: '011000015', accountNumber: '123456789', accountType: 'savings' };

  it('saves a SEPA beneficiary with the IBAN sealed: the answer and the row never hold it', async () => {
    const res = await create(alice, SEPA);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      rail: 'sepa',
      name: 'Jean Dupont',
      currency: 'EUR',
      country: 'FR',
      account: { kind: 'iban', last4: '2606', masked: 'FR••••2606' },
    });
    expect(JSON.stringify(res.body)).not.toContain('20041010050500013');
    const [row] = await sql<Record<string, unknown>>(db.url, 'select * from payments.beneficiaries where id = $1', [res.body.id]);
    expect(row!.owner_id).toBe(alice.id);
    expect(JSON.stringify(row)).not.toContain('20041010050500013');
    expect(Buffer.from(row!.account_sealed as Buffer).toString('latin1')).not.toContain('FR14');
    expect(Object.keys(row!)).not.toContain('iban');
    const got = await t.http().get(`/v1/beneficiaries/${res.body.id}`).set(alice.auth);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    // The directory (for the rail writers) opens it, for its owner only.
    const opened = await t.app.get(BeneficiaryDirectory).findForOwner(alice.id, res.body.id);
    expect(opened).toMatchObject({ id: res.body.id, rail: 'sepa', currency: 'EUR', iban: 'FR1420041010050500013M02606', country: 'FR', name: 'Jean Dupont' });
    expect(await t.app.get(BeneficiaryDirectory).findForOwner(bob.id, res.body.id)).toBeNull();
  });

  it('needs an Idempotency-Key, and replays the first answer for a retry', async () => {
    const none = await t.http().post('/v1/beneficiaries').set(alice.auth).send(ACH);
    expect(none.status).toBe(400);
    const key = randomUUID();
    const first = await create(alice, ACH, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      rail: 'ach',
      country: 'US',
      routingNumber: '011000015',
      accountType: 'savings',
      account: { kind: 'account_number', masked: '••••6789' },
    });
    const again = await create(alice, ACH, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const rows = await sql(db.url, 'select id from payments.beneficiaries where owner_id = $1 and rail = $2', [alice.id, 'ach']);
    expect(rows).toHaveLength(1);
    // Another key, the same account: a conflict that names the saved one.
    const dup = await create(alice, ACH);
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'BENEFICIARY_EXISTS', beneficiaryId: first.body.id });
    const opened = await t.app.get(BeneficiaryDirectory).findForOwner(alice.id, first.body.id);
    expect(opened).toMatchObject({ rail: 'ach', routingNumber: '011000015', accountNumber: '123456789', accountType: 'savings', currency: 'USD' });
  });

  it.each([
    ['an invalid IBAN', { ...SEPA, iban: 'FR14 2004 1010 0505 0001 3M02 607' }, 'iban'],
    ['SEPA in USD', { ...SEPA, currency: 'USD' }, 'currency'],
    ['a bad ABA checksum', { ...ACH, routingNumber: '011000016' }, 'routingNumber'],
    ['a short account number', { ...ACH, accountNumber: '12' }, 'accountNumber'],
    ['a name outside the SEPA set', { ...SEPA, name: 'Jürgen Müller' }, 'name'],
    ['an ACH name over 22 characters', { ...ACH, name: 'A very long account holder' }, 'name'],
    ['a bad BIC', { rail: 'swift', name: 'Taro Yamada', currency: 'JPY', bic: 'BOTKJPJ', accountNumber: '1234567' }, 'bic'],
    ['an IBAN on ACH', { ...ACH, iban: SEPA.iban }, 'iban'],
    ['ACH without routing number', { rail: 'ach', name: 'Jane Roe', currency: 'USD', accountNumber: '123456789' }, 'routingNumber'],
    ['an unknown rail', { ...SEPA, rail: 'rtp' }, 'rail'],
    ['an unknown field', { ...SEPA, extra: 1 }, 'extra'],
  ])('refuses %s with a problem naming the field, writing nothing', async (_what, body, field) => {
    const before = await sql(db.url, 'select id from payments.beneficiaries');
    const res = await create(bob, body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    // Never the account number back.
    const text = JSON.stringify(res.body);
    for (const v of Object.values(body)) if (typeof v === 'string' && /[0-9]{5}/.test(v)) expect(text).not.toContain(v);
    expect(await sql(db.url, 'select id from payments.beneficiaries')).toHaveLength(before.length);
  });

  it("answers 404 for another user's beneficiary, on get and delete", async () => {
    const mine = (await create(alice, { ...SEPA, iban: 'DE89 3704 0044 0532 0130 00', name: 'Max Mustermann' })).body;
    expect((await t.http().get(`/v1/beneficiaries/${mine.id}`).set(bob.auth)).status).toBe(404);
    const del = await t.http().delete(`/v1/beneficiaries/${mine.id}`).set(bob.auth);
    expect(del.status).toBe(404);
    expect(del.body.code).toBe('BENEFICIARY_NOT_FOUND');
    expect((await t.http().get(`/v1/beneficiaries/${mine.id}`).set(alice.auth)).status).toBe(200);
    const bobs = (await t.http().get('/v1/beneficiaries').set(bob.auth)).body.items.map((b: { id: string }) => b.id);
    expect(bobs).not.toContain(mine.id);
  });

  it('deletes softly: gone from get, list and the directory, the row kept with deleted_at', async () => {
    const swift = { rail: 'swift', name: 'Taro Yamada', currency: 'JPY', bic: 'BOTKJPJT', accountNumber: '1234567' };
    const b = (await create(alice, { ...swift, address: { townName: 'Tokyo', country: 'JP' } })).body;
    expect(b).toMatchObject({ country: 'JP', account: { kind: 'account_number', last4: '4567' }, address: { townName: 'Tokyo', country: 'JP' } });
    expect((await t.http().delete(`/v1/beneficiaries/${b.id}`).set(alice.auth)).status).toBe(204);
    expect((await t.http().get(`/v1/beneficiaries/${b.id}`).set(alice.auth)).status).toBe(404);
    expect((await t.http().delete(`/v1/beneficiaries/${b.id}`).set(alice.auth)).status).toBe(404);
    expect(await t.app.get(BeneficiaryDirectory).findForOwner(alice.id, b.id)).toBeNull();
    const [row] = await sql<{ deleted_at: Date | null }>(db.url, 'select deleted_at from payments.beneficiaries where id = $1', [b.id]);
    expect(row!.deleted_at).toBeInstanceOf(Date);
    // The same account may be saved again once deleted.
    expect((await create(alice, swift)).status).toBe(201);
  });

  it("lists the caller's beneficiaries newest first, page by page with a cursor", async () => {
    const carol = await customer(t);
    const ibans = ['DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'BE68539007547034', 'AT611904300234573201'];
    const ids: string[] = [];
    for (const iban of ibans) ids.push((await create(carol, { ...SEPA, iban })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t
        .http()
        .get('/v1/beneficiaries')
        .query(cursor ? { limit: 2, cursor } : { limit: 2 })
        .set(carol.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((b: { id: string }) => b.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    expect((await t.http().get('/v1/beneficiaries').query({ cursor: 'abc' }).set(carol.auth)).status).toBe(400);
  });
});
