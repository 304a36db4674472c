import { Clock } from '@platform/clock';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { systemAccountId } from '@modules/payments/domain/ledger-ids';
import { ProviderEventRepository } from '@modules/payments/infrastructure/provider-event.repository';
import { BankRails } from '@modules/payments/rails/bank-rails';
import { customer, type Customer } from '../accounts/accounts-support';
import { eventually } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { ledgerTransfersOf, paymentEvents, paymentOf, startPaymentsApp, type PaymentBody, type PaymentsHarness } from './payments-support';
import { checkNacha } from './rails-support';

/*
 * The bank rails wired into the payments core, against real PostgreSQL, Redis and Kafka: a
 * payout over HTTP, the file built by the job and read by an independent reader, the bank's
 * reports uploaded by staff and applied once through the provider-events job, the ledger
 * checked after each step; incoming credits from statements; refusals.
 */

const RAILS_ENV = {
  PAYMENTS_ACH_ODFI_ROUTING: '021000021',
  PAYMENTS_ACH_COMPANY_ID: '1234567890',
  PAYMENTS_ACH_COMPANY_NAME: 'Skyro Payouts',
  PAYMENTS_ACH_DESTINATION_ROUTING: '011000015',
  PAYMENTS_SEPA_DEBTOR_IBAN: 'DE89 3704 0044 0532 0130 00',
  PAYMENTS_SEPA_DEBTOR_BIC: 'COBADEFFXXX',
  PAYMENTS_SEPA_DEBTOR_NAME: 'Skyro Bank',
  PAYMENTS_RAIL_FILES_INTERVAL_MS: '3600000',
  PAYMENTS_ACH_SETTLE_INTERVAL_MS: '3600000',
};

describe('bank rails in the payments core', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let h: PaymentsHarness;
  let admin: Customer;
  let support: Customer;

  beforeAll(async () => {
    db = await createTestDatabase();
    h = await startPaymentsApp(db.url, RAILS_ENV);
    // The harness registers a SEPA double; the configured rail connectors take their names back.
    for (const rail of h.t.app.get(BankRails).all()) h.t.app.get(ConnectorRegistry).register(rail);
    admin = await customer(h.t, ['admin']);
    support = await customer(h.t, ['support']);
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const stateOf = (who: Customer, id: string, state: string) =>
    eventually(
      () => paymentOf(h.t, who, id),
      (p: PaymentBody) => p.state === state,
    );
  const upload = (body: Record<string, unknown>, key: string, who: Customer = admin) =>
    h.t.http().post('/v1/admin/rails/reports').set(who.auth).set('idempotency-key', key).send(body);
  const counts = async () =>
    (
      await sql<{ events: string; credits: string; nocs: string }>(
        db.url,
        `select (select count(*) from payments.provider_events)::text events, (select count(*) from payments.rail_credits)::text credits,
                (select count(*) from payments.rail_nocs)::text nocs`,
      )
    )[0]!;

  it('ACH: payout → NACHA file by the job (independent reader) → settled after the effective date → return file → returned, ledger reversed, once', async () => {
    const bob = await h.customer();
    const account = await h.funded(bob, '10000', 'USD');
    const beneficiary = await h.beneficiary(bob.id, 'ach', 'USD');
    const res = await h.t
      .http()
      .post('/v1/payouts')
      .set(bob.auth)
      .set('idempotency-key', 'ach-payout-1')
      .send({ accountId: account.id, beneficiaryId: beneficiary, amount: '4000', currency: 'USD', method: 'ach', reference: 'Rent' });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(await stateOf(bob, id, 'processing')).toMatchObject({ connector: 'ach', providerReference: `ach:${id}` });
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '10000', pending: '-4000', available: '6000' });

    await h.runJob('payments.rail-files');
    const list = await h.t.http().get('/v1/admin/rails/files?rail=ach').set(support.auth);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ rail: 'ach', format: 'nacha', entryCount: 1 });
    expect(JSON.stringify(list.body)).not.toContain('123456789');
    const fileId = list.body.items[0].id as string;
    // The content holds account numbers: not for support, nor for a customer.
    expect((await h.t.http().get(`/v1/admin/rails/files/${fileId}/content`).set(support.auth)).status).toBe(403);
    expect((await h.t.http().get(`/v1/admin/rails/files/${fileId}/content`).set(bob.auth)).status).toBe(403);
    const download = await h.t.http().get(`/v1/admin/rails/files/${fileId}/content`).set(admin.auth);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^text\/plain/);
    const check = checkNacha(download.text);
    expect(check.problems).toEqual([]);
    expect(check.batches[0]!.entries.map((e) => [e.account, e.amount])).toEqual([['123456789', 4000n]]);
    const effective = check.batches[0]!.effectiveDate; // YYMMDD
    // A second round has nothing left to file.
    await h.runJob('payments.rail-files');
    expect((await h.t.http().get('/v1/admin/rails/files?rail=ach').set(support.auth)).body.items).toHaveLength(1);

    // The day after the effective date, no return came: settled, the hold posted.
    const clock = h.t.app.get(Clock);
    const dayAfter = Date.parse(`20${effective.slice(0, 2)}-${effective.slice(2, 4)}-${effective.slice(4, 6)}T18:00:00Z`) + 86_400_000;
    clock.now = () => dayAfter;
    try {
      await h.runJob('payments.ach-settle');
    } finally {
      clock.now = () => Date.now();
    }
    expect(await stateOf(bob, id, 'succeeded')).toMatchObject({ state: 'succeeded' });
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '6000', pending: '0', available: '6000' });

    // The RDFI returns it (R01) and sends a NOC for the account: returned, the amount back.
    const [{ reference: trace }] = (await sql<{ reference: string }>(db.url, 'select reference from payments.rail_payouts where payment_id = $1', [id])) as [
      { reference: string },
    ];
    const returnFile = [
      '5200SKYRO PAYOUTS                       1234567890PPDPAYOUT          261202   1011000010000001',
      `621011000015${'123456789'.padEnd(17)}0000004000${'X'.padEnd(15)}${'ERIKA MUSTERMANN'.padEnd(24)}1011000010000001`,
      `799R01${trace}      01100001${''.padEnd(44)}011000010000001`,
      `621011000015${'123456789'.padEnd(17)}0000000000${'X'.padEnd(15)}${'ERIKA MUSTERMANN'.padEnd(24)}1011000010000002`,
      `798C01${trace}      01100001${'987654321'.padEnd(29)}${''.padEnd(15)}011000010000002`,
    ].join('\n');
    const uploaded = await upload({ format: 'ach_returns', content: returnFile }, 'ach-returns-1');
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({ format: 'ach_returns', events: 1, stored: 1, notificationsOfChange: 1 });
    expect(await stateOf(bob, id, 'returned')).toMatchObject({ failureCode: 'R01:insufficient_funds' });
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '10000', pending: '0', available: '10000' });
    expect((await h.balances(systemAccountId({ kind: 'payout_clearing', currency: 'USD' }))).posted).toBe('0');
    expect(await ledgerTransfersOf(db.url, id)).toEqual([
      { step: 'hold', kind: 'pending', amount: '4000' },
      { step: 'post', kind: 'post_pending', amount: '4000' },
      { step: 'return', kind: 'posted', amount: '4000' },
    ]);
    expect((await paymentEvents(db.url, id)).map((e) => e.type)).toContain('payments.payment-returned.v1');

    // The same file again (another key): nothing stored, nothing moved.
    const before = await counts();
    const again = await upload({ format: 'ach_returns', content: returnFile }, 'ach-returns-2');
    expect(again.body).toMatchObject({ events: 1, stored: 0, notificationsOfChange: 1 });
    await h.runJob('payments.provider-events');
    expect(await counts()).toEqual(before);
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '10000', pending: '0', available: '10000' });
    expect(await ledgerTransfersOf(db.url, id)).toHaveLength(3);
    expect((await paymentEvents(db.url, id)).filter((e) => e.type === 'payments.payment-returned.v1')).toHaveLength(1);

    // The NOC is there for staff, naming the beneficiary and the field, never the value.
    const nocs = await h.t.http().get('/v1/admin/rails/nocs').set(support.auth);
    expect(nocs.status).toBe(200);
    expect(nocs.body.items).toEqual([expect.objectContaining({ paymentId: id, beneficiaryId: beneficiary, code: 'C01', correctedFields: ['accountNumber'] })]);
    expect(JSON.stringify(nocs.body)).not.toContain('987654321');
  });

  it('a return read before the settlement it undoes waits for it instead of being refused', async () => {
    const fay = await h.customer();
    const account = await h.funded(fay, '5000', 'USD');
    const beneficiary = await h.beneficiary(fay.id, 'ach', 'USD');
    const res = await h.t
      .http()
      .post('/v1/payouts')
      .set(fay.auth)
      .set('idempotency-key', 'ach-early-return')
      .send({ accountId: account.id, beneficiaryId: beneficiary, amount: '1000', currency: 'USD', method: 'ach' });
    const id = res.body.id as string;
    await stateOf(fay, id, 'processing');
    const events = h.t.app.get(ProviderEventRepository);
    const early = { eventId: `early:${id}`, providerReference: `ach:${id}`, paymentId: id, subject: 'payment' as const, occurredAt: new Date() };
    await events.store('ach', [{ ...early, status: 'returned', failureCode: 'R01:insufficient_funds' }]);
    await h.runJob('payments.provider-events');
    expect(await paymentOf(h.t, fay, id)).toMatchObject({ state: 'processing' });
    const [row] = await sql<{ processed_at: Date | null; attempts: number }>(
      db.url,
      'select processed_at, attempts from payments.provider_events where event_id = $1',
      [early.eventId],
    );
    expect(row).toMatchObject({ processed_at: null, attempts: 1 });
    const refused = await sql(db.url, "select 1 from payments.payment_transitions where payment_id = $1 and to_state = 'returned'", [id]);
    expect(refused).toEqual([]);

    // The next ACH file continues the trace numbers and takes the next file id modifier.
    await h.runJob('payments.rail-files');
    const achFiles = (await h.t.http().get('/v1/admin/rails/files?rail=ach').set(support.auth)).body.items as Array<{ id: string }>;
    expect(achFiles).toHaveLength(2);
    const [newer, older] = await Promise.all(achFiles.map(async (f) => (await h.t.http().get(`/v1/admin/rails/files/${f.id}/content`).set(admin.auth)).text));
    const [checkNewer, checkOlder] = [checkNacha(newer!), checkNacha(older!)];
    expect(checkNewer.problems).toEqual([]);
    expect(checkNewer.batches[0]!.entries.map((e) => e.trace)).toEqual(['021000020000002']);
    expect(checkOlder.batches[0]!.entries.map((e) => e.trace)).toEqual(['021000020000001']);
    expect([older!.slice(33, 34), newer!.slice(33, 34)]).toEqual(['A', 'B']);
  });

  it('SEPA: payouts → one pain.001 → pain.002 ACSC settles one, RJCT fails the other and voids its hold; a later RJCT of the settled one returns it', async () => {
    const carol = await h.customer();
    const account = await h.funded(carol, '10000');
    const beneficiary = await h.beneficiary(carol.id, 'sepa', 'EUR');
    const pay = async (key: string, amount: string) => {
      const res = await h.t
        .http()
        .post('/v1/payouts')
        .set(carol.auth)
        .set('idempotency-key', key)
        .send({ accountId: account.id, beneficiaryId: beneficiary, amount, currency: 'EUR', method: 'sepa' });
      expect(res.status).toBe(201);
      await stateOf(carol, res.body.id, 'processing');
      return res.body.id as string;
    };
    const a = await pay('sepa-a', '3000');
    const b = await pay('sepa-b', '2000');
    await h.runJob('payments.rail-files');
    const files = (await h.t.http().get('/v1/admin/rails/files?rail=sepa').set(support.auth)).body.items as Array<{ id: string; format: string }>;
    expect(files).toEqual([expect.objectContaining({ format: 'pain.001.001.09', entryCount: 2 })]);
    const xml = (await h.t.http().get(`/v1/admin/rails/files/${files[0]!.id}/content`).set(admin.auth)).text;
    const hex = (uuid: string) => uuid.replace(/-/g, '');
    expect(xml).toContain(`<EndToEndId>${hex(a)}</EndToEndId>`);
    expect(xml).toContain(`<EndToEndId>${hex(b)}</EndToEndId>`);

    const report = (msgId: string, txs: string) =>
      `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>${msgId}</MsgId></GrpHdr>
      <OrgnlGrpInfAndSts><OrgnlMsgId>${hex(files[0]!.id)}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts>${txs}</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
    const tx = (id: string, status: string, reason?: string) =>
      `<TxInfAndSts><OrgnlEndToEndId>${hex(id)}</OrgnlEndToEndId><TxSts>${status}</TxSts>${reason ? `<StsRsnInf><Rsn><Cd>${reason}</Cd></Rsn></StsRsnInf>` : ''}</TxInfAndSts>`;
    const first = await upload({ format: 'pain.002', rail: 'sepa', content: report('STS-1', tx(a, 'ACSC') + tx(b, 'RJCT', 'AC04')) }, 'pain002-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ events: 2, stored: 2 });
    expect(await stateOf(carol, a, 'succeeded')).toMatchObject({ connector: 'sepa' });
    expect(await stateOf(carol, b, 'failed')).toMatchObject({ failureCode: 'account_closed' });
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '7000', pending: '0', available: '7000' });
    expect((await ledgerTransfersOf(db.url, b)).map((t) => t.step)).toEqual(['hold', 'void']);

    // The bank later rejects the settled one (a recall): returned, its amount back.
    const late = await upload({ format: 'pain.002', rail: 'sepa', content: report('STS-2', tx(a, 'RJCT', 'MS03')) }, 'pain002-2');
    expect(late.body).toMatchObject({ events: 1, stored: 1 });
    expect(await stateOf(carol, a, 'returned')).toMatchObject({ state: 'returned' });
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '10000', pending: '0', available: '10000' });
  });

  it('camt.054: a booked credit to a customer IBAN becomes a bank_credit pay-in, credited once (read twice, and in the camt.053); an unknown IBAN is kept for staff', async () => {
    const dora = await h.customer();
    const account = await h.funded(dora, '0');
    expect(account.iban).toMatch(/^DE/);
    const entry = (amount: string, ref: string, iban: string) =>
      `<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-02</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef>
       <NtryDtls><TxDtls><Refs><EndToEndId>E2E-${ref}</EndToEndId></Refs><Amt Ccy="EUR">${amount}</Amt><RltdPties><Dbtr><Pty><Nm>Max Mustermann</Nm></Pty></Dbtr>
       <CdtrAcct><Id><IBAN>${iban}</IBAN></Id></CdtrAcct></RltdPties><RmtInf><Ustrd>Top-up</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
    const entries = entry('12.34', 'BANK-1', account.iban!) + entry('5.00', 'BANK-2', 'FR1420041010050500013M02606');
    const camt054 = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>N1</MsgId></GrpHdr><Ntfctn><Id>N1-1</Id>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>${entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
    const res = await upload({ format: 'camt.054', content: camt054 }, 'camt-1');
    expect(res.status).toBe(200);
    expect(res.body.credits).toEqual({ credited: 1, unmatched: 1, repeated: 0 });
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '1234', pending: '0', available: '1234' });
    const payments = (await h.t.http().get('/v1/payments').set(dora.auth)).body.items as PaymentBody[];
    expect(payments).toEqual([
      expect.objectContaining({ kind: 'pay_in', method: 'bank_credit', state: 'succeeded', amount: '1234', currency: 'EUR', accountId: account.id }),
    ]);
    expect((await h.balances(systemAccountId({ kind: 'payin_clearing', connector: 'sepa', currency: 'EUR' }))).posted).toBe('1234');

    // Read again, and the same credits in the day's statement: credited once.
    expect((await upload({ format: 'camt.054', content: camt054 }, 'camt-2')).body.credits).toEqual({ credited: 0, unmatched: 0, repeated: 2 });
    const camt053 = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>S1</MsgId></GrpHdr><Stmt><Id>S1-1</Id>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>${entries}</Stmt></BkToCstmrStmt></Document>`;
    expect((await upload({ format: 'camt.053', content: camt053 }, 'camt-3')).body.credits).toEqual({ credited: 0, unmatched: 0, repeated: 2 });
    expect(await h.balances(account.ledgerAccountId)).toEqual({ posted: '1234', pending: '0', available: '1234' });
    expect((await h.t.http().get('/v1/payments').set(dora.auth)).body.items).toHaveLength(1);

    const unmatched = await h.t.http().get('/v1/admin/rails/credits?status=unmatched').set(support.auth);
    expect(unmatched.body.items).toEqual([
      expect.objectContaining({
        status: 'unmatched',
        amount: '500',
        currency: 'EUR',
        unmatchedReason: 'no_account',
        creditorIbanLast4: '2606',
        paymentId: null,
      }),
    ]);
    expect(JSON.stringify(unmatched.body)).not.toContain('20041010050500013');
  });

  it('refuses malformed reports (400 naming the part, nothing written) and callers without the permission (403)', async () => {
    const before = await counts();
    const badXml = await upload({ format: 'pain.002', rail: 'sepa', content: '<Document><CstmrPmtStsRpt>' }, 'bad-1');
    expect(badXml.status).toBe(400);
    expect(badXml.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(badXml.body).toMatchObject({ code: 'REPORT_MALFORMED', errors: [expect.objectContaining({ field: 'content' })] });
    const badCamt = await upload(
      {
        format: 'camt.054',
        content:
          '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry><Amt Ccy="QQQ">1</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>',
      },
      'bad-2',
    );
    expect(badCamt.status).toBe(400);
    expect(badCamt.body.errors[0].message).toContain('Ntry.0.0.Amt');
    const badNacha = await upload({ format: 'ach_returns', content: `621011000015${'1'.padEnd(17)}0000004000\n799R01` }, 'bad-3');
    expect(badNacha.status).toBe(400);
    expect(badNacha.body.errors[0]).toMatchObject({ field: 'content', code: 'REPORT_MALFORMED' });
    expect(badNacha.body.errors[0].message).toMatch(/line 1/);
    const unknownField = await upload({ format: 'ach_returns', content: 'x', rail: 'ach' }, 'bad-4');
    expect(unknownField.status).toBe(400);
    const notConfigured = await upload({ format: 'pain.002', rail: 'wire', content: '<x/>' }, 'bad-5');
    expect(notConfigured.status).toBe(422);
    expect(notConfigured.body).toMatchObject({ code: 'RAIL_NOT_CONFIGURED' });
    expect(await counts()).toEqual(before);

    const eve = await h.customer();
    expect((await upload({ format: 'ach_returns', content: 'x' }, 'eve-1', eve)).status).toBe(403);
    expect((await upload({ format: 'ach_returns', content: 'x' }, 'support-1', support)).status).toBe(403);
    expect((await h.t.http().get('/v1/admin/rails/files').set(eve.auth)).status).toBe(403);
    expect((await h.t.http().get('/v1/admin/rails/credits').set(eve.auth)).status).toBe(403);
    expect((await h.t.http().get('/v1/admin/rails/nocs').set(eve.auth)).status).toBe(403);
  });
});
