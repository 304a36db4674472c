import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { checkAbaRoutingNumber, checkAccountName, checkBic, checkIban, checkRemittance, isSepaIban, type Rail } from '../validation/bank-details';
import { decimalAmount, Iso20022Error } from './amounts';

/*
 * ISO 20022 messages for bank submission, built with xmlbuilder2 (escaping is the library's):
 * - pacs.008.001.08 under CBPR+ (SWIFT): one transaction per message, UETR (uuid v4),
 *   structured postal addresses, instructing/instructed, debtor and creditor agents by BIC,
 *   charge bearer DEBT/CRED/SHAR, settlement method.
 * - pain.001.001.09 SEPA credit transfers: EUR, IBANs, service level SEPA, charge bearer SLEV,
 *   unstructured remittance up to 140 characters, batch booking, control sums.
 * - pain.001.001.09 for US wires: USD, the creditor agent by ABA routing number (USABA).
 * Amounts are bigint minor units, written as decimals with the currency's exponent.
 */

export const PACS_008_NS = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08';
export const PAIN_001_NS = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

export type ChargeBearer = 'DEBT' | 'CRED' | 'SHAR';

export interface StructuredAddress {
  readonly streetName?: string;
  readonly buildingNumber?: string;
  readonly postCode?: string;
  readonly townName: string;
  readonly country: string;
}

export interface Party {
  readonly name: string;
  readonly address?: StructuredAddress;
}

/** An account: an IBAN, or another identifier (a US or foreign account number). */
export type AccountId = { readonly iban: string } | { readonly other: string };

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ID_35 = /^[A-Za-z0-9/\-?:().,'+ ]{1,35}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function need<T>(field: string, checked: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!checked.ok) throw new Iso20022Error(field, `${field} ${checked.message}`);
  return checked.value;
}

function id35(field: string, value: string): string {
  if (!ID_35.test(value) || value.startsWith('/') || value.includes('//'))
    throw new Iso20022Error(field, `${field} must be 1-35 characters of the SWIFT set, not starting with / nor holding //`);
  return value;
}

function isoDateTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function address(parent: XMLBuilder, field: string, a: StructuredAddress, rail: Rail): void {
  const adr = parent.ele('PstlAdr');
  const put = (name: string, value: string | undefined, max: number) => {
    if (value === undefined) return;
    const v = need(`${field}.${name}`, checkAccountName(rail, value));
    if (v.length > max) throw new Iso20022Error(`${field}.${name}`, `${field}.${name} must be at most ${max} characters`);
    adr.ele(name).txt(v);
  };
  put('StrtNm', a.streetName, 70);
  put('BldgNb', a.buildingNumber, 16);
  put('PstCd', a.postCode, 16);
  put('TwnNm', a.townName, 35);
  if (!/^[A-Z]{2}$/.test(a.country)) throw new Iso20022Error(`${field}.country`, `${field}.country must be an ISO 3166 alpha-2 code`);
  adr.ele('Ctry').txt(a.country);
}

function party(parent: XMLBuilder, element: string, field: string, p: Party, rail: Rail, requireAddress: boolean): void {
  const node = parent.ele(element);
  node.ele('Nm').txt(need(`${field}.name`, checkAccountName(rail, p.name)));
  if (p.address) address(node, `${field}.address`, p.address, rail);
  else if (requireAddress) throw new Iso20022Error(`${field}.address`, `${field}.address is required (CBPR+ structured address: at least town and country)`);
}

function account(parent: XMLBuilder, element: string, field: string, a: AccountId): void {
  const id = parent.ele(element).ele('Id');
  if ('iban' in a) id.ele('IBAN').txt(need(`${field}.iban`, checkIban(a.iban)));
  else {
    if (!/^[A-Za-z0-9]{1,34}$/.test(a.other)) throw new Iso20022Error(`${field}.other`, `${field}.other must be 1-34 letters and digits`);
    id.ele('Othr').ele('Id').txt(a.other);
  }
}

function agentByBic(parent: XMLBuilder, element: string, field: string, bic: string): void {
  parent
    .ele(element)
    .ele('FinInstnId')
    .ele('BICFI')
    .txt(need(field, checkBic(bic)));
}

function remittance(parent: XMLBuilder, field: string, rail: Rail, text: string | undefined): void {
  if (text === undefined || text.trim() === '') return;
  parent
    .ele('RmtInf')
    .ele('Ustrd')
    .txt(need(field, checkRemittance(rail, text)));
}

export interface Pacs008 {
  readonly messageId: string;
  readonly createdAt: Date;
  /** INDA / INGA: settled over accounts of the instructed / instructing agent; COVE: with a cover (pacs.009). */
  readonly settlementMethod: 'INDA' | 'INGA' | 'COVE';
  readonly instructingAgentBic: string;
  readonly instructedAgentBic: string;
  readonly transaction: {
    readonly instructionId: string;
    readonly endToEndId: string;
    /** Unique end-to-end transaction reference: uuid v4, lower case. */
    readonly uetr: string;
    readonly amount: bigint;
    readonly currency: string;
    readonly settlementDate: string;
    readonly chargeBearer: ChargeBearer;
    readonly debtor: Party;
    readonly debtorAccount: AccountId;
    readonly debtorAgentBic: string;
    readonly creditorAgentBic: string;
    readonly creditor: Party;
    readonly creditorAccount: AccountId;
    readonly remittance?: string;
  };
}

/** A pacs.008.001.08 (CBPR+) FI to FI customer credit transfer, one transaction. */
export function writePacs008(m: Pacs008): string {
  const t = m.transaction;
  if (!UUID_V4.test(t.uetr)) throw new Iso20022Error('transaction.uetr', 'transaction.uetr must be a lower-case uuid v4');
  if (!DATE.test(t.settlementDate)) throw new Iso20022Error('transaction.settlementDate', 'transaction.settlementDate must be YYYY-MM-DD');
  if (t.amount <= 0n) throw new Iso20022Error('transaction.amount', 'transaction.amount must be positive');
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(PACS_008_NS, 'Document');
  const root = doc.ele('FIToFICstmrCdtTrf');
  const hdr = root.ele('GrpHdr');
  hdr.ele('MsgId').txt(id35('messageId', m.messageId));
  hdr.ele('CreDtTm').txt(isoDateTime(m.createdAt));
  hdr.ele('NbOfTxs').txt('1');
  hdr.ele('SttlmInf').ele('SttlmMtd').txt(m.settlementMethod);
  const tx = root.ele('CdtTrfTxInf');
  const pmtId = tx.ele('PmtId');
  pmtId.ele('InstrId').txt(id35('transaction.instructionId', t.instructionId));
  pmtId.ele('EndToEndId').txt(id35('transaction.endToEndId', t.endToEndId));
  pmtId.ele('UETR').txt(t.uetr);
  tx.ele('IntrBkSttlmAmt', { Ccy: t.currency }).txt(decimalAmount(t.amount, t.currency, 'transaction.amount'));
  tx.ele('IntrBkSttlmDt').txt(t.settlementDate);
  tx.ele('ChrgBr').txt(t.chargeBearer);
  agentByBic(tx, 'InstgAgt', 'instructingAgentBic', m.instructingAgentBic);
  agentByBic(tx, 'InstdAgt', 'instructedAgentBic', m.instructedAgentBic);
  party(tx, 'Dbtr', 'transaction.debtor', t.debtor, 'swift', true);
  account(tx, 'DbtrAcct', 'transaction.debtorAccount', t.debtorAccount);
  agentByBic(tx, 'DbtrAgt', 'transaction.debtorAgentBic', t.debtorAgentBic);
  agentByBic(tx, 'CdtrAgt', 'transaction.creditorAgentBic', t.creditorAgentBic);
  party(tx, 'Cdtr', 'transaction.creditor', t.creditor, 'swift', true);
  account(tx, 'CdtrAcct', 'transaction.creditorAccount', t.creditorAccount);
  remittance(tx, 'transaction.remittance', 'swift', t.remittance);
  return doc.end({ prettyPrint: true });
}

export interface CreditTransfer {
  readonly instructionId: string;
  readonly endToEndId: string;
  readonly amount: bigint;
  readonly creditor: Party;
  readonly remittance?: string;
}

export interface SepaCreditTransfer extends CreditTransfer {
  readonly creditorIban: string;
  readonly creditorBic?: string;
}

export interface SepaPain001 {
  readonly messageId: string;
  readonly createdAt: Date;
  readonly initiatingParty: string;
  readonly paymentInformationId: string;
  readonly requestedExecutionDate: string;
  readonly batchBooking: boolean;
  readonly debtor: Party;
  readonly debtorIban: string;
  /** Absent: NOTPROVIDED (the EPC allows IBAN-only). */
  readonly debtorBic?: string;
  readonly transfers: readonly SepaCreditTransfer[];
}

function sumOf(transfers: readonly CreditTransfer[]): bigint {
  return transfers.reduce((s, t) => s + t.amount, 0n);
}

function groupHeader(root: XMLBuilder, m: { messageId: string; createdAt: Date; initiatingParty: string }, count: number, control: string, rail: Rail): void {
  const hdr = root.ele('GrpHdr');
  hdr.ele('MsgId').txt(id35('messageId', m.messageId));
  hdr.ele('CreDtTm').txt(isoDateTime(m.createdAt));
  hdr.ele('NbOfTxs').txt(String(count));
  hdr.ele('CtrlSum').txt(control);
  hdr
    .ele('InitgPty')
    .ele('Nm')
    .txt(need('initiatingParty', checkAccountName(rail, m.initiatingParty)));
}

/** A pain.001.001.09 SEPA credit transfer initiation (one payment information block, EUR). */
export function writeSepaPain001(m: SepaPain001): string {
  if (m.transfers.length === 0) throw new Iso20022Error('transfers', 'transfers must not be empty');
  if (!DATE.test(m.requestedExecutionDate)) throw new Iso20022Error('requestedExecutionDate', 'requestedExecutionDate must be YYYY-MM-DD');
  const debtorIban = need('debtorIban', checkIban(m.debtorIban));
  m.transfers.forEach((t, i) => {
    if (t.amount <= 0n || t.amount > 99_999_999_999n)
      throw new Iso20022Error(`transfers.${i}.amount`, `transfers.${i}.amount must be 0.01 to 999999999.99 EUR`);
    const iban = need(`transfers.${i}.creditorIban`, checkIban(t.creditorIban));
    if (!isSepaIban(iban)) throw new Iso20022Error(`transfers.${i}.creditorIban`, `transfers.${i}.creditorIban is not of a SEPA country`);
  });
  const control = decimalAmount(sumOf(m.transfers), 'EUR', 'transfers');
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN_001_NS, 'Document');
  const root = doc.ele('CstmrCdtTrfInitn');
  groupHeader(root, m, m.transfers.length, control, 'sepa');
  const pmt = root.ele('PmtInf');
  pmt.ele('PmtInfId').txt(id35('paymentInformationId', m.paymentInformationId));
  pmt.ele('PmtMtd').txt('TRF');
  pmt.ele('BtchBookg').txt(String(m.batchBooking));
  pmt.ele('NbOfTxs').txt(String(m.transfers.length));
  pmt.ele('CtrlSum').txt(control);
  pmt.ele('PmtTpInf').ele('SvcLvl').ele('Cd').txt('SEPA');
  pmt.ele('ReqdExctnDt').ele('Dt').txt(m.requestedExecutionDate);
  party(pmt, 'Dbtr', 'debtor', m.debtor, 'sepa', false);
  pmt.ele('DbtrAcct').ele('Id').ele('IBAN').txt(debtorIban);
  const dbtrAgt = pmt.ele('DbtrAgt').ele('FinInstnId');
  if (m.debtorBic) dbtrAgt.ele('BICFI').txt(need('debtorBic', checkBic(m.debtorBic)));
  else dbtrAgt.ele('Othr').ele('Id').txt('NOTPROVIDED');
  pmt.ele('ChrgBr').txt('SLEV');
  m.transfers.forEach((t, i) => {
    const tx = pmt.ele('CdtTrfTxInf');
    const pmtId = tx.ele('PmtId');
    pmtId.ele('InstrId').txt(id35(`transfers.${i}.instructionId`, t.instructionId));
    pmtId.ele('EndToEndId').txt(id35(`transfers.${i}.endToEndId`, t.endToEndId));
    tx.ele('Amt')
      .ele('InstdAmt', { Ccy: 'EUR' })
      .txt(decimalAmount(t.amount, 'EUR', `transfers.${i}.amount`));
    if (t.creditorBic) agentByBic(tx, 'CdtrAgt', `transfers.${i}.creditorBic`, t.creditorBic);
    party(tx, 'Cdtr', `transfers.${i}.creditor`, t.creditor, 'sepa', false);
    tx.ele('CdtrAcct')
      .ele('Id')
      .ele('IBAN')
      .txt(need(`transfers.${i}.creditorIban`, checkIban(t.creditorIban)));
    remittance(tx, `transfers.${i}.remittance`, 'sepa', t.remittance);
  });
  return doc.end({ prettyPrint: true });
}

export interface WireCreditTransfer extends CreditTransfer {
  readonly creditorRoutingNumber: string;
  readonly creditorAccountNumber: string;
  readonly chargeBearer: ChargeBearer;
}

export interface WirePain001 {
  readonly messageId: string;
  readonly createdAt: Date;
  readonly initiatingParty: string;
  readonly paymentInformationId: string;
  readonly requestedExecutionDate: string;
  readonly debtor: Party;
  readonly debtorAccountNumber: string;
  readonly debtorBic: string;
  readonly transfers: readonly WireCreditTransfer[];
}

/** A pain.001.001.09 for US domestic wires (USD, Fedwire through our bank): urgent service level, creditor agent by ABA. */
export function writeWirePain001(m: WirePain001): string {
  if (m.transfers.length === 0) throw new Iso20022Error('transfers', 'transfers must not be empty');
  if (!DATE.test(m.requestedExecutionDate)) throw new Iso20022Error('requestedExecutionDate', 'requestedExecutionDate must be YYYY-MM-DD');
  m.transfers.forEach((t, i) => {
    if (t.amount <= 0n) throw new Iso20022Error(`transfers.${i}.amount`, `transfers.${i}.amount must be positive`);
  });
  const control = decimalAmount(sumOf(m.transfers), 'USD', 'transfers');
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN_001_NS, 'Document');
  const root = doc.ele('CstmrCdtTrfInitn');
  groupHeader(root, m, m.transfers.length, control, 'wire');
  const pmt = root.ele('PmtInf');
  pmt.ele('PmtInfId').txt(id35('paymentInformationId', m.paymentInformationId));
  pmt.ele('PmtMtd').txt('TRF');
  // Each wire is its own debit on the statement.
  pmt.ele('BtchBookg').txt('false');
  pmt.ele('NbOfTxs').txt(String(m.transfers.length));
  pmt.ele('CtrlSum').txt(control);
  pmt.ele('PmtTpInf').ele('SvcLvl').ele('Cd').txt('URGP');
  pmt.ele('ReqdExctnDt').ele('Dt').txt(m.requestedExecutionDate);
  party(pmt, 'Dbtr', 'debtor', m.debtor, 'wire', false);
  account(pmt, 'DbtrAcct', 'debtorAccount', { other: m.debtorAccountNumber });
  agentByBic(pmt, 'DbtrAgt', 'debtorBic', m.debtorBic);
  m.transfers.forEach((t, i) => {
    const tx = pmt.ele('CdtTrfTxInf');
    const pmtId = tx.ele('PmtId');
    pmtId.ele('InstrId').txt(id35(`transfers.${i}.instructionId`, t.instructionId));
    pmtId.ele('EndToEndId').txt(id35(`transfers.${i}.endToEndId`, t.endToEndId));
    tx.ele('Amt')
      .ele('InstdAmt', { Ccy: 'USD' })
      .txt(decimalAmount(t.amount, 'USD', `transfers.${i}.amount`));
    tx.ele('ChrgBr').txt(t.chargeBearer);
    const clr = tx.ele('CdtrAgt').ele('FinInstnId').ele('ClrSysMmbId');
    clr.ele('ClrSysId').ele('Cd').txt('USABA');
    clr.ele('MmbId').txt(need(`transfers.${i}.creditorRoutingNumber`, checkAbaRoutingNumber(t.creditorRoutingNumber)));
    party(tx, 'Cdtr', `transfers.${i}.creditor`, t.creditor, 'wire', false);
    account(tx, 'CdtrAcct', `transfers.${i}.creditorAccount`, { other: t.creditorAccountNumber });
    remittance(tx, `transfers.${i}.remittance`, 'wire', t.remittance);
  });
  return doc.end({ prettyPrint: true });
}
