import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { BeneficiaryCipher } from '@modules/payments/beneficiaries/beneficiary-cipher';
import { ConnectorError, type ConnectorPaymentRequest } from '@modules/payments/connectors/connector';
import { paymentsContext } from '@modules/payments/payments.context';
import { BankRailConnector, type RailOriginators } from '@modules/payments/rails/bank-rail.connector';
import { RailPayoutRepository } from '@modules/payments/rails/rail-payout.repository';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { checkNacha } from './rails-support';

/* The rail connectors against real PostgreSQL: queue, file, what the bank answers. */

const ORIGINATORS: RailOriginators = {
  ach: {
    file: {
      immediateDestination: '011000015',
      immediateDestinationName: 'FED',
      immediateOrigin: '1234567890',
      immediateOriginName: 'SKYRO',
      originatingDfi: '021000021',
    },
    company: { name: 'SKYRO PAYOUTS', id: '1234567890', entryDescription: 'PAYOUT' },
    secCode: 'PPD',
    cutoffs: { timeZone: 'America/New_York', cutoff: '16:00' },
  },
  sepa: { initiatingParty: 'Skyro Bank', debtor: { name: 'Skyro Bank' }, debtorIban: 'DE89370400440532013000', debtorBic: 'COBADEFFXXX' },
  swift: {
    instructingAgentBic: 'COBADEFFXXX',
    debtor: { name: 'Skyro Bank', address: { townName: 'Berlin', country: 'DE' } },
    debtorAccount: { iban: 'DE89370400440532013000' },
    debtorAgentBic: 'COBADEFFXXX',
    chargeBearer: 'SHAR',
    settlementMethod: 'INDA',
  },
};

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => name === 'CdtTrfTxInf' });

describe('bank rail connectors', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let now: Date;
  const rail = (name: 'ach' | 'sepa' | 'swift' | 'wire') =>
    new BankRailConnector(
      name,
      new RailPayoutRepository(t.app.get(UnitOfWork, { strict: false })),
      t.app.get(BeneficiaryCipher, { strict: false }),
      ORIGINATORS,
      () => now,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ contexts: [ledgerContext, accountsContext, paymentsContext], databaseUrl: db.url });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const request = (
    method: 'ach' | 'sepa' | 'swift',
    amount: bigint,
    beneficiary: ConnectorPaymentRequest['beneficiary'],
    description?: string,
  ): ConnectorPaymentRequest => ({
    paymentId: randomUUID(),
    idempotencyKey: randomUUID(),
    method,
    currency: method === 'ach' ? 'USD' : method === 'sepa' ? 'EUR' : 'JPY',
    amount,
    beneficiary,
    ...(description ? { description } : {}),
  });

  it('ACH: queues payouts (processing), files them in one NACHA file, then returns fail or return them and the rest settle', async () => {
    now = new Date('2026-12-01T15:00:00Z'); // Tuesday, before the 16:00 New York cut-off
    const ach = rail('ach');
    const payee = (accountNumber: string) => ({ name: 'Jane Roe', country: 'US', routingNumber: '026009593', accountNumber, accountType: 'checking' as const });
    const requests = [request('ach', 10_000n, payee('11112222')), request('ach', 2_550n, payee('33334444'), 'Refund 7'), request('ach', 1n, payee('55556666'))];
    for (const r of requests) expect(await ach.payout(r)).toEqual({ status: 'processing', providerReference: `ach:${r.paymentId}` });
    // A retry of the same payment queues nothing more.
    expect(await ach.payout(requests[0]!)).toEqual({ status: 'processing', providerReference: `ach:${requests[0]!.paymentId}` });
    expect(await sql(db.url, 'select payment_id from payments.rail_payouts')).toHaveLength(3);
    expect(JSON.stringify(await sql(db.url, 'select * from payments.rail_payouts'))).not.toContain('11112222');

    const files = await ach.buildNextFiles();
    expect(files).toHaveLength(1);
    const check = checkNacha(files[0]!.content);
    expect(check.problems).toEqual([]);
    expect(check.batches).toHaveLength(1);
    expect(check.batches[0]!.effectiveDate).toBe('261202');
    expect(check.batches[0]!.entries.map((e) => [e.account, e.amount, e.addenda])).toEqual([
      ['11112222', 10_000n, null],
      ['33334444', 2_550n, 'REFUND 7'],
      ['55556666', 1n, null],
    ]);
    expect(await ach.buildNextFiles()).toEqual([]);
    const [stored] = await sql<{ sealed: Buffer }>(db.url, 'select sealed from payments.rail_files where id = $1', [files[0]!.id]);
    expect(Buffer.from(stored!.sealed).toString('latin1')).not.toContain('11112222');
    const rows = await sql<{ payment_id: string; reference: string; status: string }>(
      db.url,
      "select payment_id, reference, status, to_char(effective_date, 'YYYY-MM-DD') d from payments.rail_payouts",
    );
    expect(rows.every((r) => r.status === 'submitted' && /^02100002\d{7}$/.test(r.reference))).toBe(true);
    const traceOf = (paymentId: string) => rows.find((r) => r.payment_id === paymentId)!.reference;

    // A return before settlement (R03) fails the first; the NOC for the third names it.
    const returns = [
      '5200SKYRO PAYOUTS                       1234567890PPDPAYOUT          261202   1026009590000001',
      `621026009593${'11112222'.padEnd(17)}0000010000P0001          JANE ROE                1026009590000001`,
      `799R03${traceOf(requests[0]!.paymentId)}      02600959${''.padEnd(44)}026009590000001`,
      `621026009593${'55556666'.padEnd(17)}0000000000P0003          JANE ROE                1026009590000002`,
      `798C01${traceOf(requests[2]!.paymentId)}      02600959${'55556667'.padEnd(29)}${''.padEnd(15)}026009590000002`,
    ].join('\n');
    const first = await ach.applyAchReturnFile(returns);
    expect(first.events).toEqual([
      expect.objectContaining({ paymentId: requests[0]!.paymentId, status: 'failed', failureCode: 'R03:no_account', amount: 10_000n, returned: false }),
    ]);
    expect(first.notificationsOfChange).toEqual([
      expect.objectContaining({ code: 'C01', paymentId: requests[2]!.paymentId, corrected: { accountNumber: '55556667' } }),
    ]);

    // The effective date passes without a return: the other two settle.
    const settled = await ach.settleDue('2026-12-03');
    expect(settled.map((e) => [e.paymentId, e.status]).sort()).toEqual(
      [
        [requests[1]!.paymentId, 'succeeded'],
        [requests[2]!.paymentId, 'succeeded'],
      ].sort(),
    );
    expect(await ach.settleDue('2026-12-04')).toEqual([]);
    expect(await ach.status(`ach:${requests[1]!.paymentId}`)).toEqual({ status: 'succeeded', providerReference: `ach:${requests[1]!.paymentId}` });

    // A return after settlement is a return.
    const late = await ach.applyAchReturnFile(
      [
        '5200SKYRO PAYOUTS                       1234567890PPDPAYOUT          261204   1026009590000001',
        `621026009593${'33334444'.padEnd(17)}0000002550P0002          JANE ROE                1026009590000003`,
        `799R02${traceOf(requests[1]!.paymentId)}      02600959${''.padEnd(44)}026009590000003`,
      ].join('\n'),
    );
    expect(late.events).toEqual([
      expect.objectContaining({ paymentId: requests[1]!.paymentId, status: 'failed', failureCode: 'R02:account_closed', returned: true }),
    ]);
    expect(await ach.status(`ach:${requests[1]!.paymentId}`)).toMatchObject({ status: 'failed', failureCode: 'R02:account_closed' });
  });

  it('SEPA: one pain.001 for the queue; a pain.002 settles one and rejects the other with its reason', async () => {
    now = new Date('2026-12-01T09:00:00Z');
    const sepa = rail('sepa');
    const a = request('sepa', 12_345n, { name: 'Jean Dupont', country: 'FR', iban: 'FR1420041010050500013M02606' }, 'Invoice 1');
    const b = request('sepa', 1n, { name: 'Max Mustermann', country: 'DE', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    await sepa.payout(a);
    await sepa.payout(b);
    const [file, ...more] = await sepa.buildNextFiles();
    expect(more).toEqual([]);
    const pmt = (
      parser.parse(file!.content) as {
        Document: { CstmrCdtTrfInitn: { GrpHdr: { CtrlSum: string; MsgId: string }; PmtInf: { CdtTrfTxInf: Array<{ PmtId: { EndToEndId: string } }> } } };
      }
    ).Document.CstmrCdtTrfInitn;
    expect(pmt.GrpHdr.CtrlSum).toBe('123.46');
    expect(pmt.GrpHdr.MsgId).toBe(file!.id.replace(/-/g, ''));
    const e2e = (id: string) => id.replace(/-/g, '');
    expect(pmt.PmtInf.CdtTrfTxInf.map((x) => x.PmtId.EndToEndId).sort()).toEqual([e2e(a.paymentId), e2e(b.paymentId)].sort());
    const report = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>R1</MsgId></GrpHdr>
      <OrgnlGrpInfAndSts><OrgnlMsgId>${pmt.GrpHdr.MsgId}</OrgnlMsgId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts>
      <TxInfAndSts><OrgnlEndToEndId>${e2e(a.paymentId)}</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
      <TxInfAndSts><OrgnlEndToEndId>${e2e(b.paymentId)}</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts>
      </OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
    const events = await sepa.applyStatusReport(report);
    expect(events).toEqual([
      expect.objectContaining({ eventId: `sepa:pain.002:R1:${e2e(a.paymentId)}`, paymentId: a.paymentId, status: 'succeeded', amount: 12_345n }),
      expect.objectContaining({ paymentId: b.paymentId, status: 'failed', failureCode: 'account_closed' }),
    ]);
    // The same report again: the same events (the core dedupes by id), no other change.
    expect((await sepa.applyStatusReport(report)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(await sepa.status(`sepa:${b.paymentId}`)).toEqual({ status: 'failed', providerReference: `sepa:${b.paymentId}`, failureCode: 'account_closed' });
  });

  it('SWIFT: one pacs.008 per payout with a UETR; a rejected message fails its payout', async () => {
    const swift = rail('swift');
    const p = request('swift', 500_000n, {
      name: 'Taro Yamada',
      country: 'JP',
      bic: 'BOTKJPJT',
      accountNumber: '1234567',
      address: { townName: 'Tokyo', country: 'JP' },
    } as ConnectorPaymentRequest['beneficiary']);
    await swift.payout(p);
    const [file] = await swift.buildNextFiles();
    type Tx = { PmtId: { UETR: string }; IntrBkSttlmAmt: unknown; Cdtr: unknown; InstdAgt: unknown };
    const tx = (parser.parse(file!.content) as { Document: { FIToFICstmrCdtTrf: { CdtTrfTxInf: Tx[] } } }).Document.FIToFICstmrCdtTrf.CdtTrfTxInf[0]!;
    expect(tx.PmtId.UETR).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tx.IntrBkSttlmAmt).toEqual({ '@Ccy': 'JPY', '#text': '500000' });
    expect(tx.Cdtr).toEqual({ Nm: 'Taro Yamada', PstlAdr: { TwnNm: 'Tokyo', Ctry: 'JP' } });
    expect(tx.InstdAgt).toEqual({ FinInstnId: { BICFI: 'BOTKJPJT' } });
    const events = await swift.applyStatusReport(
      `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>R9</MsgId></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>${file!.id.replace(/-/g, '')}</OrgnlMsgId><GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>RC01</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>`,
    );
    expect(events).toEqual([expect.objectContaining({ paymentId: p.paymentId, status: 'failed', failureCode: 'rc01' })]);
  });

  it('refuses what its rail cannot carry, as non-retryable connector errors; routes only its own method and currency', async () => {
    const sepa = rail('sepa');
    await expect(sepa.payout(request('sepa', 100n, { name: 'Someone', country: 'BR', iban: 'BR1800360305000010009795493C1' }))).rejects.toMatchObject({
      code: 'invalid_beneficiary',
      retryable: false,
      outcomeUnknown: false,
    });
    await expect(sepa.payout(request('sepa', 100n, undefined))).rejects.toBeInstanceOf(ConnectorError);
    const error = await sepa.payout(request('sepa', 100n, { name: 'Someone', country: 'FR', iban: 'FR1420041010050500013M02607' })).catch((e: Error) => e);
    expect((error as Error).message).not.toContain('20041010050500013');
    expect(sepa.accepts({ method: 'sepa', currency: 'EUR', amount: 1n })).toBe(true);
    expect(sepa.accepts({ method: 'sepa', currency: 'USD', amount: 1n })).toBe(false);
    expect(sepa.accepts({ method: 'ach', currency: 'EUR', amount: 1n })).toBe(false);
    // No originator configured for wires: not offered.
    expect(rail('wire').accepts({ method: 'wire', currency: 'USD', amount: 1n })).toBe(false);
  });
});
