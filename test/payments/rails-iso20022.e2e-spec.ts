import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { decimalAmount, Iso20022Error, minorUnitsOf } from '@modules/payments/rails/iso20022/amounts';
import { parseIncomingCredits, parsePain002 } from '@modules/payments/rails/iso20022/iso20022-readers';
import {
  writePacs008,
  writeSepaPain001,
  writeWirePain001,
  type Pacs008,
  type SepaPain001,
  type WirePain001,
} from '@modules/payments/rails/iso20022/iso20022-writers';

/*
 * No npm package here ships the ISO 20022 XSDs with a validator that runs on Node 20
 * (libxmljs2 needs Node 22), so every generated message is parsed back with fast-xml-parser,
 * which shares nothing with the builder (xmlbuilder2), and every field is checked.
 */

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => ['CdtTrfTxInf'].includes(name) });
type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const uetr = randomUUID();
const PACS: Pacs008 = {
  messageId: 'SKY20261201-0001',
  createdAt: new Date('2026-12-01T10:15:30.123Z'),
  settlementMethod: 'INDA',
  instructingAgentBic: 'SKYRDEFFXXX',
  instructedAgentBic: 'CHASUS33',
  transaction: {
    instructionId: 'I-0001',
    endToEndId: 'E2E-0001',
    uetr,
    amount: 1_234_567n,
    currency: 'JPY',
    settlementDate: '2026-12-02',
    chargeBearer: 'SHAR',
    debtor: { name: 'Skyro Customer One', address: { streetName: 'Hauptstrasse', buildingNumber: '5', postCode: '10115', townName: 'Berlin', country: 'DE' } },
    debtorAccount: { iban: 'DE89 3704 0044 0532 0130 00' },
    debtorAgentBic: 'SKYRDEFF',
    creditorAgentBic: 'BOTKJPJT',
    creditor: { name: 'Taro Yamada', address: { townName: 'Tokyo', country: 'JP' } },
    creditorAccount: { other: '1234567' },
    remittance: 'Invoice 77, thanks',
  },
};

describe('ISO 20022 messages', () => {
  it('pacs.008.001.08 (CBPR+): every field as written, amounts by the currency exponent', () => {
    const xml = writePacs008(PACS);
    const doc = parser.parse(xml) as Node;
    expect(doc.Document['@xmlns']).toBe('urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08');
    const root = doc.Document.FIToFICstmrCdtTrf;
    expect(root.GrpHdr).toEqual({ MsgId: 'SKY20261201-0001', CreDtTm: '2026-12-01T10:15:30Z', NbOfTxs: '1', SttlmInf: { SttlmMtd: 'INDA' } });
    const [tx] = root.CdtTrfTxInf as Node[];
    expect(tx).toEqual({
      PmtId: { InstrId: 'I-0001', EndToEndId: 'E2E-0001', UETR: uetr },
      IntrBkSttlmAmt: { '@Ccy': 'JPY', '#text': '1234567' },
      IntrBkSttlmDt: '2026-12-02',
      ChrgBr: 'SHAR',
      InstgAgt: { FinInstnId: { BICFI: 'SKYRDEFFXXX' } },
      InstdAgt: { FinInstnId: { BICFI: 'CHASUS33' } },
      Dbtr: { Nm: 'Skyro Customer One', PstlAdr: { StrtNm: 'Hauptstrasse', BldgNb: '5', PstCd: '10115', TwnNm: 'Berlin', Ctry: 'DE' } },
      DbtrAcct: { Id: { IBAN: 'DE89370400440532013000' } },
      DbtrAgt: { FinInstnId: { BICFI: 'SKYRDEFF' } },
      CdtrAgt: { FinInstnId: { BICFI: 'BOTKJPJT' } },
      Cdtr: { Nm: 'Taro Yamada', PstlAdr: { TwnNm: 'Tokyo', Ctry: 'JP' } },
      CdtrAcct: { Id: { Othr: { Id: '1234567' } } },
      RmtInf: { Ustrd: 'Invoice 77, thanks' },
    });
    // Element order is the schema's (a sequence): checked on the raw text.
    const order = [
      '<PmtId>',
      '<IntrBkSttlmAmt',
      '<IntrBkSttlmDt>',
      '<ChrgBr>',
      '<InstgAgt>',
      '<InstdAgt>',
      '<Dbtr>',
      '<DbtrAcct>',
      '<DbtrAgt>',
      '<CdtrAgt>',
      '<Cdtr>',
      '<CdtrAcct>',
      '<RmtInf>',
    ];
    const positions = order.map((tag) => xml.indexOf(tag));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(
      parser.parse(writePacs008({ ...PACS, transaction: { ...PACS.transaction, amount: 5n, currency: 'BHD' } })).Document.FIToFICstmrCdtTrf.CdtTrfTxInf[0]
        .IntrBkSttlmAmt['#text'],
    ).toBe('0.005');
  });

  it.each([
    ['a UETR that is not uuid v4', { uetr: 'not-a-uuid' }, 'transaction.uetr'],
    ['an address missing', { creditor: { name: 'Taro Yamada' } }, 'transaction.creditor.address'],
    ['a bad creditor agent BIC', { creditorAgentBic: 'BOTKJP' }, 'transaction.creditorAgentBic'],
    ['a name outside the SWIFT set', { creditor: { name: 'Tarō', address: { townName: 'Tokyo', country: 'JP' } } }, 'transaction.creditor.name'],
    ['remittance over 140 characters', { remittance: 'x'.repeat(141) }, 'transaction.remittance'],
  ])('pacs.008 refuses %s, naming the field', (_what, change, field) => {
    expect(() => writePacs008({ ...PACS, transaction: { ...PACS.transaction, ...change } })).toThrow(expect.objectContaining({ field }));
  });

  const SEPA: SepaPain001 = {
    messageId: 'SEPA-20261201-01',
    createdAt: new Date('2026-12-01T09:00:00Z'),
    initiatingParty: 'Skyro Bank',
    paymentInformationId: 'PMT-01',
    requestedExecutionDate: '2026-12-02',
    batchBooking: true,
    debtor: { name: 'Skyro Bank' },
    debtorIban: 'DE89370400440532013000',
    transfers: [
      {
        instructionId: 'I1',
        endToEndId: 'E1',
        amount: 10_050n,
        creditor: { name: 'Jean Dupont' },
        creditorIban: 'FR1420041010050500013M02606',
        creditorBic: 'BNPAFRPP',
        remittance: 'R'.repeat(140),
      },
      { instructionId: 'I2', endToEndId: 'E2', amount: 1n, creditor: { name: "Anne-Marie O'Neil" }, creditorIban: 'NL91ABNA0417164300' },
      {
        instructionId: 'I3',
        endToEndId: 'E3',
        amount: 99_999_999_999n,
        creditor: { name: 'Big Co' },
        creditorIban: 'AT611904300234573201',
        remittance: 'Rent 12/2026',
      },
    ],
  };

  it('pain.001.001.09 SEPA: EUR, IBANs, SLEV, batch booking, control sums from bigint', () => {
    const doc = parser.parse(writeSepaPain001(SEPA)) as Node;
    expect(doc.Document['@xmlns']).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    const root = doc.Document.CstmrCdtTrfInitn;
    // 100.50 + 0.01 + 999999999.99 — exact, which a float sum is not.
    expect(root.GrpHdr).toEqual({
      MsgId: 'SEPA-20261201-01',
      CreDtTm: '2026-12-01T09:00:00Z',
      NbOfTxs: '3',
      CtrlSum: '1000000100.50',
      InitgPty: { Nm: 'Skyro Bank' },
    });
    const pmt = root.PmtInf;
    expect(pmt).toMatchObject({
      PmtInfId: 'PMT-01',
      PmtMtd: 'TRF',
      BtchBookg: 'true',
      NbOfTxs: '3',
      CtrlSum: '1000000100.50',
      PmtTpInf: { SvcLvl: { Cd: 'SEPA' } },
      ReqdExctnDt: { Dt: '2026-12-02' },
      Dbtr: { Nm: 'Skyro Bank' },
      DbtrAcct: { Id: { IBAN: 'DE89370400440532013000' } },
      DbtrAgt: { FinInstnId: { Othr: { Id: 'NOTPROVIDED' } } },
      ChrgBr: 'SLEV',
    });
    expect(pmt.CdtTrfTxInf).toEqual([
      {
        PmtId: { InstrId: 'I1', EndToEndId: 'E1' },
        Amt: { InstdAmt: { '@Ccy': 'EUR', '#text': '100.50' } },
        CdtrAgt: { FinInstnId: { BICFI: 'BNPAFRPP' } },
        Cdtr: { Nm: 'Jean Dupont' },
        CdtrAcct: { Id: { IBAN: 'FR1420041010050500013M02606' } },
        RmtInf: { Ustrd: 'R'.repeat(140) },
      },
      {
        PmtId: { InstrId: 'I2', EndToEndId: 'E2' },
        Amt: { InstdAmt: { '@Ccy': 'EUR', '#text': '0.01' } },
        Cdtr: { Nm: "Anne-Marie O'Neil" },
        CdtrAcct: { Id: { IBAN: 'NL91ABNA0417164300' } },
      },
      {
        PmtId: { InstrId: 'I3', EndToEndId: 'E3' },
        Amt: { InstdAmt: { '@Ccy': 'EUR', '#text': '999999999.99' } },
        Cdtr: { Nm: 'Big Co' },
        CdtrAcct: { Id: { IBAN: 'AT611904300234573201' } },
        RmtInf: { Ustrd: 'Rent 12/2026' },
      },
    ]);
  });

  it.each([
    ['a 141-character remittance', { remittance: 'R'.repeat(141) }, 'transfers.0.remittance'],
    ['a non-SEPA IBAN', { creditorIban: 'BR1800360305000010009795493C1' }, 'transfers.0.creditorIban'],
    ['an invalid IBAN', { creditorIban: 'FR1420041010050500013M02607' }, 'transfers.0.creditorIban'],
    ['a zero amount', { amount: 0n }, 'transfers.0.amount'],
    ['a name outside the Latin set', { creditor: { name: 'Zoë €' } }, 'transfers.0.creditor.name'],
  ])('pain.001 SEPA refuses %s, naming the field', (_what, change, field) => {
    expect(() => writeSepaPain001({ ...SEPA, transfers: [{ ...SEPA.transfers[0]!, ...change }] })).toThrow(expect.objectContaining({ field }));
  });

  it('pain.001.001.09 for wires: USD, URGP, creditor agent by ABA, account numbers, charge bearer', () => {
    const wire: WirePain001 = {
      messageId: 'WIRE-1',
      createdAt: new Date('2026-12-01T15:00:00Z'),
      initiatingParty: 'Skyro Bank',
      paymentInformationId: 'WIRE-PMT-1',
      requestedExecutionDate: '2026-12-01',
      debtor: { name: 'Skyro Bank' },
      debtorAccountNumber: '5550001111',
      debtorBic: 'CHASUS33',
      transfers: [
        {
          instructionId: 'W1',
          endToEndId: 'WE1',
          amount: 2_500_000_00n,
          chargeBearer: 'DEBT',
          creditor: { name: 'Jane Roe', address: { streetName: 'Main St', buildingNumber: '1', postCode: '10001', townName: 'New York', country: 'US' } },
          creditorRoutingNumber: '026009593',
          creditorAccountNumber: '123456789',
          remittance: 'Closing funds',
        },
      ],
    };
    const root = (parser.parse(writeWirePain001(wire)) as Node).Document.CstmrCdtTrfInitn;
    expect(root.GrpHdr.CtrlSum).toBe('2500000.00');
    expect(root.PmtInf).toMatchObject({
      BtchBookg: 'false',
      PmtTpInf: { SvcLvl: { Cd: 'URGP' } },
      DbtrAcct: { Id: { Othr: { Id: '5550001111' } } },
      DbtrAgt: { FinInstnId: { BICFI: 'CHASUS33' } },
    });
    expect(root.PmtInf.CdtTrfTxInf[0]).toEqual({
      PmtId: { InstrId: 'W1', EndToEndId: 'WE1' },
      Amt: { InstdAmt: { '@Ccy': 'USD', '#text': '2500000.00' } },
      ChrgBr: 'DEBT',
      CdtrAgt: { FinInstnId: { ClrSysMmbId: { ClrSysId: { Cd: 'USABA' }, MmbId: '026009593' } } },
      Cdtr: { Nm: 'Jane Roe', PstlAdr: { StrtNm: 'Main St', BldgNb: '1', PstCd: '10001', TwnNm: 'New York', Ctry: 'US' } },
      CdtrAcct: { Id: { Othr: { Id: '123456789' } } },
      RmtInf: { Ustrd: 'Closing funds' },
    });
    expect(() => writeWirePain001({ ...wire, transfers: [{ ...wire.transfers[0]!, creditorRoutingNumber: '026009594' }] })).toThrow(
      expect.objectContaining({ field: 'transfers.0.creditorRoutingNumber' }),
    );
  });

  it('formats and reads amounts by the exponent, never through a float', () => {
    expect(decimalAmount(10n, 'EUR')).toBe('0.10');
    expect(decimalAmount(9_007_199_254_740_993n, 'EUR')).toBe('90071992547409.93');
    expect(minorUnitsOf('90071992547409.93', 'EUR')).toBe(9_007_199_254_740_993n);
    expect(minorUnitsOf('12.5', 'EUR')).toBe(1250n);
    expect(minorUnitsOf('12.500', 'EUR')).toBe(1250n);
    expect(() => minorUnitsOf('12.505', 'EUR')).toThrow(Iso20022Error);
    expect(minorUnitsOf('500', 'JPY')).toBe(500n);
    expect(() => minorUnitsOf('-1', 'EUR')).toThrow(Iso20022Error);
  });
});

describe('bank reports in', () => {
  const pain002 = (body: string, ns = 'pain.002.001.10') =>
    `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:${ns}"><CstmrPmtStsRpt>${body}</CstmrPmtStsRpt></Document>`;

  it('pain.002: accepted and rejected transactions with their reason codes', () => {
    const report = parsePain002(
      pain002(`<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-12-01T10:00:00Z</CreDtTm></GrpHdr>
      <OrgnlGrpInfAndSts><OrgnlMsgId>SEPA-20261201-01</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
      <OrgnlPmtInfAndSts><OrgnlPmtInfId>PMT-01</OrgnlPmtInfId>
        <TxInfAndSts><OrgnlInstrId>I1</OrgnlInstrId><OrgnlEndToEndId>E1</OrgnlEndToEndId><TxSts>ACCP</TxSts></TxInfAndSts>
        <TxInfAndSts><OrgnlInstrId>I2</OrgnlInstrId><OrgnlEndToEndId>E2</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Account closed</AddtlInf></StsRsnInf></TxInfAndSts>
        <TxInfAndSts><OrgnlEndToEndId>E3</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>XY99</Cd></Rsn></StsRsnInf></TxInfAndSts>
      </OrgnlPmtInfAndSts>`),
    );
    expect(report).toEqual({
      messageId: 'STS-1',
      originalMessageId: 'SEPA-20261201-01',
      originalMessageType: 'pain.001.001.09',
      groupStatus: 'accepted',
      groupReasonCode: null,
      transactions: [
        {
          originalInstructionId: 'I1',
          originalEndToEndId: 'E1',
          originalUetr: null,
          status: 'accepted',
          statusCode: 'ACCP',
          reasonCode: null,
          reason: null,
          additionalInformation: null,
        },
        {
          originalInstructionId: 'I2',
          originalEndToEndId: 'E2',
          originalUetr: null,
          status: 'rejected',
          statusCode: 'RJCT',
          reasonCode: 'AC04',
          reason: 'account_closed',
          additionalInformation: 'Account closed',
        },
        {
          originalInstructionId: null,
          originalEndToEndId: 'E3',
          originalUetr: null,
          status: 'rejected',
          statusCode: 'RJCT',
          reasonCode: 'XY99',
          reason: 'xy99',
          additionalInformation: null,
        },
      ],
    });
  });

  it('pain.002: a whole group rejected (prefixed namespace, older version)', () => {
    const xml = `<p:Document xmlns:p="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><p:CstmrPmtStsRpt><p:GrpHdr><p:MsgId>STS-2</p:MsgId></p:GrpHdr><p:OrgnlGrpInfAndSts><p:OrgnlMsgId>M2</p:OrgnlMsgId><p:GrpSts>RJCT</p:GrpSts><p:StsRsnInf><p:Rsn><p:Cd>FF01</p:Cd></p:Rsn></p:StsRsnInf></p:OrgnlGrpInfAndSts></p:CstmrPmtStsRpt></p:Document>`;
    expect(parsePain002(xml)).toMatchObject({
      messageId: 'STS-2',
      originalMessageId: 'M2',
      groupStatus: 'rejected',
      groupReasonCode: 'FF01',
      transactions: [],
    });
    expect(() => parsePain002('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn/></Document>')).toThrow(Iso20022Error);
    expect(() => parsePain002('<Document><not-closed>')).toThrow(Iso20022Error);
  });

  const entry = (inner: string) => `<Ntry>${inner}</Ntry>`;
  const credit = (amt: string, e2e: string, iban: string, extra = '') =>
    entry(`<NtryRef>${e2e}</NtryRef><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-01</Dt></BookgDt><ValDt><Dt>2026-12-02</Dt></ValDt><AcctSvcrRef>BANK-${e2e}</AcctSvcrRef>
      <BkTxCd/><NtryDtls><TxDtls><Refs><EndToEndId>${e2e}</EndToEndId></Refs><Amt Ccy="EUR">${amt}</Amt>
      <RltdPties><Dbtr><Pty><Nm>Max Mustermann</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><CdtrAcct><Id><IBAN>${iban}</IBAN></Id></CdtrAcct></RltdPties>
      <RmtInf><Ustrd>Top-up</Ustrd></RmtInf>${extra}</TxDtls></NtryDtls>`);

  it('camt.054: booked credits as structured entries in minor units; debits, pending and reversals left out', () => {
    const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>N1</MsgId></GrpHdr><Ntfctn><Id>N1-1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
      ${credit('150.25', 'E2E-A', 'DE75512108001245126199')}
      ${entry('<Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>')}
      ${entry('<Amt Ccy="EUR">11.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>')}
      ${entry('<Amt Ccy="EUR">12.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd><Sts><Cd>BOOK</Cd></Sts>')}
      ${entry('<Amt Ccy="EUR">7</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2026-12-01T08:00:00Z</DtTm></BookgDt><AcctSvcrRef>B-7</AcctSvcrRef>')}
      </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
    expect(parseIncomingCredits(xml)).toEqual([
      {
        amount: 15_025n,
        currency: 'EUR',
        debtorName: 'Max Mustermann',
        debtorIban: 'DE89370400440532013000',
        creditorIban: 'DE75512108001245126199',
        endToEndId: 'E2E-A',
        bookingDate: '2026-12-01',
        valueDate: '2026-12-02',
        bankReference: 'BANK-E2E-A',
        remittance: 'Top-up',
      },
      {
        amount: 700n,
        currency: 'EUR',
        debtorName: null,
        debtorIban: null,
        creditorIban: 'DE02120300000000202051',
        endToEndId: null,
        bookingDate: '2026-12-01',
        valueDate: null,
        bankReference: 'B-7',
        remittance: null,
      },
    ]);
  });

  it('camt.053: statement credits, with the statement account when a transaction names no creditor account', () => {
    const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>S1</MsgId></GrpHdr><Stmt><Id>S1-1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
      ${entry(`<Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-30</Dt></BookgDt><NtryDtls>
        <TxDtls><Refs><EndToEndId>B1</EndToEndId></Refs><Amt Ccy="EUR">10.00</Amt><RltdPties><Dbtr><Nm>Old Style Name</Nm></Dbtr></RltdPties></TxDtls>
        <TxDtls><Refs><EndToEndId>B2</EndToEndId></Refs><Amt Ccy="EUR">20.00</Amt></TxDtls></NtryDtls>`)}
      </Stmt></BkToCstmrStmt></Document>`;
    const credits = parseIncomingCredits(xml);
    expect(credits.map((c) => [c.endToEndId, c.amount, c.creditorIban, c.debtorName, c.bookingDate])).toEqual([
      ['B1', 1000n, 'DE02120300000000202051', 'Old Style Name', '2026-11-30'],
      ['B2', 2000n, 'DE02120300000000202051', null, '2026-11-30'],
    ]);
    expect(() => parseIncomingCredits(xml.replace('<Amt Ccy="EUR">10.00</Amt>', '<Amt Ccy="EUR">10.001</Amt>'))).toThrow(Iso20022Error);
    expect(() => parseIncomingCredits(xml.replace('<Amt Ccy="EUR">30.00</Amt>', '<Amt Ccy="QQQ">30.00</Amt>'))).toThrow(Iso20022Error);
  });
});
