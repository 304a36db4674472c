import { isCurrencyCode } from '@shared-kernel';
import { Iso20022Error, minorUnitsOf } from './amounts';
import { all, at, attr, readIso20022, text, type XmlValue } from './xml-reading';

/*
 * What banks send back: pain.002 status reports (per transaction accepted, rejected or
 * pending, with the ISO reason code) and camt.054 notifications / camt.053 statements whose
 * booked credits are money in for customers. Any version of the messages (the element names
 * these readers use did not change between them); amounts come back as bigint minor units.
 */

export type TransferStatus = 'accepted' | 'settled' | 'rejected' | 'pending';

const STATUS: Readonly<Record<string, TransferStatus>> = {
  ACTC: 'accepted',
  ACCP: 'accepted',
  ACSP: 'accepted',
  ACWC: 'accepted',
  ACFC: 'accepted',
  PART: 'accepted',
  ACSC: 'settled',
  ACCC: 'settled',
  RJCT: 'rejected',
  PDNG: 'pending',
  RCVD: 'pending',
};

/** The reason codes (ISO External Status Reason codes) we name; others come through as their code. */
export const STATUS_REASONS: Readonly<Record<string, string>> = {
  AC01: 'incorrect_account_number',
  AC04: 'account_closed',
  AC06: 'account_blocked',
  AC13: 'invalid_debtor_account_type',
  AG01: 'transaction_forbidden',
  AG02: 'invalid_bank_operation_code',
  AM04: 'insufficient_funds',
  AM05: 'duplicate',
  BE04: 'missing_creditor_address',
  CURR: 'incorrect_currency',
  DUPL: 'duplicate',
  FF01: 'invalid_file_format',
  MD07: 'account_holder_deceased',
  MS02: 'not_specified_by_customer',
  MS03: 'not_specified_by_agent',
  RC01: 'invalid_bank_identifier',
  RR01: 'missing_debtor_account_or_identification',
  RR02: 'missing_debtor_name_or_address',
  RR03: 'missing_creditor_name_or_address',
  RR04: 'regulatory_reason',
};

export interface TransactionStatus {
  readonly originalInstructionId: string | null;
  readonly originalEndToEndId: string | null;
  readonly originalUetr: string | null;
  readonly status: TransferStatus;
  readonly statusCode: string;
  readonly reasonCode: string | null;
  /** Our reason (STATUS_REASONS), or the ISO code in lower case when not listed. */
  readonly reason: string | null;
  readonly additionalInformation: string | null;
}

export interface StatusReport {
  readonly messageId: string;
  readonly originalMessageId: string;
  readonly originalMessageType: string | null;
  readonly groupStatus: TransferStatus | null;
  readonly groupReasonCode: string | null;
  readonly transactions: readonly TransactionStatus[];
}

function reasonOf(node: XmlValue | undefined): { code: string | null; info: string | null } {
  const code = text(node, 'StsRsnInf', 'Rsn', 'Cd') ?? text(node, 'StsRsnInf', 'Rsn', 'Prtry') ?? null;
  const info = all(at(node, 'StsRsnInf'), 'AddtlInf')
    .map((v) => (typeof v === 'string' ? v.trim() : ''))
    .filter(Boolean)
    .join(' ');
  return { code, info: info || null };
}

function statusOf(code: string, field: string): TransferStatus {
  const status = STATUS[code];
  if (!status) throw new Iso20022Error(field, `${field} ${code} is not a status this reader knows`);
  return status;
}

/** Reads a pain.002 customer payment status report. */
export function parsePain002(xml: string): StatusReport {
  const { namespace, root, body } = readIso20022(xml);
  if (root !== 'CstmrPmtStsRpt' || !namespace.includes('pain.002')) throw new Iso20022Error('document', 'document is not a pain.002 status report');
  const messageId = text(body, 'GrpHdr', 'MsgId');
  const group = at(body, 'OrgnlGrpInfAndSts');
  const originalMessageId = text(group, 'OrgnlMsgId');
  if (!messageId || !originalMessageId) throw new Iso20022Error('GrpHdr', 'the report names no message or original message');
  const groupCode = text(group, 'GrpSts');
  const groupReason = reasonOf(group);
  const transactions: TransactionStatus[] = [];
  for (const pmt of all(body, 'OrgnlPmtInfAndSts')) {
    const pmtCode = text(pmt, 'PmtInfSts');
    const pmtReason = reasonOf(pmt);
    for (const tx of all(pmt, 'TxInfAndSts')) {
      const code = text(tx, 'TxSts') ?? pmtCode ?? groupCode;
      if (!code) throw new Iso20022Error('TxInfAndSts.TxSts', 'a transaction without a status');
      const own = reasonOf(tx);
      const reasonCode = own.code ?? pmtReason.code ?? groupReason.code;
      transactions.push({
        originalInstructionId: text(tx, 'OrgnlInstrId') ?? null,
        originalEndToEndId: text(tx, 'OrgnlEndToEndId') ?? null,
        originalUetr: text(tx, 'OrgnlUETR') ?? null,
        status: statusOf(code, 'TxInfAndSts.TxSts'),
        statusCode: code,
        reasonCode,
        reason: reasonCode ? (STATUS_REASONS[reasonCode] ?? reasonCode.toLowerCase()) : null,
        additionalInformation: own.info ?? pmtReason.info ?? groupReason.info,
      });
    }
  }
  return {
    messageId,
    originalMessageId,
    originalMessageType: text(group, 'OrgnlMsgNmId') ?? null,
    groupStatus: groupCode ? statusOf(groupCode, 'OrgnlGrpInfAndSts.GrpSts') : null,
    groupReasonCode: groupReason.code,
    transactions,
  };
}

/** One booked incoming credit, as it credits a customer. */
export interface IncomingCredit {
  /** Minor units. */
  readonly amount: bigint;
  readonly currency: string;
  readonly debtorName: string | null;
  readonly debtorIban: string | null;
  /** The account credited: the transaction's creditor IBAN, else the statement's account. */
  readonly creditorIban: string | null;
  readonly endToEndId: string | null;
  readonly bookingDate: string | null;
  readonly valueDate: string | null;
  /** The bank's reference of the entry (the dedupe key, with the transaction's position). */
  readonly bankReference: string | null;
  readonly remittance: string | null;
}

function date(node: XmlValue | undefined): string | null {
  const v = text(node, 'Dt') ?? text(node, 'DtTm');
  return v ? v.slice(0, 10) : null;
}

function amountOf(node: XmlValue | undefined, field: string): { amount: bigint; currency: string } | null {
  if (!node) return null;
  const ccy = attr(node, 'Ccy');
  const value = text(node);
  if (!ccy || !isCurrencyCode(ccy) || value === undefined) throw new Iso20022Error(field, `${field} has no amount with a known currency`);
  return { amount: minorUnitsOf(value, ccy, field), currency: ccy };
}

function partyName(node: XmlValue | undefined): string | null {
  // camt.05x.001.08 wraps parties (Dbtr/Pty/Nm); earlier versions name them directly (Dbtr/Nm).
  return text(node, 'Pty', 'Nm') ?? text(node, 'Nm') ?? null;
}

/**
 * Reads the booked credits of a camt.054 (BkToCstmrDbtCdtNtfctn) or camt.053
 * (BkToCstmrStmt): every transaction of every entry with CdtDbtInd CRDT and status BOOK.
 * Debits, pending and reversed entries (RvslInd true) are not credits to give customers.
 */
export function parseIncomingCredits(xml: string): IncomingCredit[] {
  const { namespace, root, body } = readIso20022(xml);
  const reports =
    root === 'BkToCstmrDbtCdtNtfctn' && namespace.includes('camt.054')
      ? all(body, 'Ntfctn')
      : root === 'BkToCstmrStmt' && namespace.includes('camt.053')
        ? all(body, 'Stmt')
        : null;
  if (!reports) throw new Iso20022Error('document', 'document is not a camt.053 statement nor a camt.054 notification');
  const credits: IncomingCredit[] = [];
  reports.forEach((report, r) => {
    const accountIban = text(report, 'Acct', 'Id', 'IBAN') ?? null;
    all(report, 'Ntry').forEach((entry, n) => {
      const field = `Ntry.${r}.${n}`;
      if (text(entry, 'CdtDbtInd') !== 'CRDT') return;
      const status = text(entry, 'Sts', 'Cd') ?? text(entry, 'Sts');
      if (status !== 'BOOK') return;
      if (text(entry, 'RvslInd') === 'true') return;
      const entryAmount = amountOf(at(entry, 'Amt'), `${field}.Amt`)!;
      const bookingDate = date(at(entry, 'BookgDt'));
      const valueDate = date(at(entry, 'ValDt'));
      const bankReference = text(entry, 'AcctSvcrRef') ?? null;
      const details = all(at(entry, 'NtryDtls'), 'TxDtls');
      if (details.length === 0) {
        credits.push({
          ...entryAmount,
          debtorName: null,
          debtorIban: null,
          creditorIban: accountIban,
          endToEndId: null,
          bookingDate,
          valueDate,
          bankReference,
          remittance: null,
        });
        return;
      }
      details.forEach((tx, d) => {
        const own = amountOf(at(tx, 'Amt'), `${field}.TxDtls.${d}.Amt`) ?? amountOf(at(tx, 'AmtDtls', 'TxAmt', 'Amt'), `${field}.TxDtls.${d}.AmtDtls`);
        // One transaction without its own amount is the entry's amount; several must each state theirs.
        if (!own && details.length > 1) throw new Iso20022Error(`${field}.TxDtls.${d}.Amt`, `${field}.TxDtls.${d} has no amount`);
        const ustrd = all(at(tx, 'RmtInf'), 'Ustrd')
          .map((v) => (typeof v === 'string' ? v.trim() : ''))
          .filter(Boolean)
          .join(' ');
        credits.push({
          ...(own ?? entryAmount),
          debtorName: partyName(at(tx, 'RltdPties', 'Dbtr')),
          debtorIban: text(tx, 'RltdPties', 'DbtrAcct', 'Id', 'IBAN') ?? null,
          creditorIban: text(tx, 'RltdPties', 'CdtrAcct', 'Id', 'IBAN') ?? accountIban,
          endToEndId: text(tx, 'Refs', 'EndToEndId') ?? null,
          bookingDate,
          valueDate,
          bankReference: text(tx, 'Refs', 'AcctSvcrRef') ?? bankReference,
          remittance: ustrd || null,
        });
      });
    });
  });
  return credits;
}
