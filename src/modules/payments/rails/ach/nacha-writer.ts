import { checkAbaRoutingNumber, checkAccountName, checkRemittance, checkUsAccountNumber } from '../validation/bank-details';

/*
 * NACHA ACH files (the Nacha Operating Rules' 94-character records) for outgoing credits and
 * debits, PPD (consumer) and CCD (corporate). Entries are grouped into batches by effective
 * entry date, company and SEC code; each batch and the file carry their counts, entry hash
 * (sum of the receiving banks' 8-digit routing numbers, rightmost 10 digits) and debit and
 * credit totals; the file is padded with 9-filled records to a multiple of 10 records
 * (blocking factor 10). A balanced file adds, per batch, an offset entry to the originator's
 * own settlement account so that the batch's debits equal its credits.
 *
 * Amounts are bigint cents (USD minor units): an entry holds at most 10 digits, a control
 * total 12. Account numbers only pass through here into the file: never into an error
 * message or a log.
 */

export type SecCode = 'PPD' | 'CCD';
export type AccountType = 'checking' | 'savings';

export interface AchEntry {
  readonly direction: 'credit' | 'debit';
  readonly accountType: AccountType;
  readonly routingNumber: string;
  readonly accountNumber: string;
  /** Cents. */
  readonly amount: bigint;
  /** The receiver's name (PPD: individual, CCD: receiving company), 22 characters. */
  readonly name: string;
  /** Individual ID (PPD) / identification number (CCD), 15 characters: our payment reference. */
  readonly identification: string;
  /** Payment related information (one 05 addenda), 80 characters. */
  readonly remittance?: string;
}

export interface AchBatchEntry extends AchEntry {
  readonly secCode: SecCode;
  /** The effective entry date (YYYY-MM-DD), from effectiveEntryDate(). */
  readonly effectiveDate: string;
  readonly company: AchCompany;
}

export interface AchCompany {
  /** 16 characters. */
  readonly name: string;
  /** Company identification (usually "1" + EIN), 10 characters. */
  readonly id: string;
  /** Company entry description, 10 characters (e.g. PAYOUT, PAYROLL). */
  readonly entryDescription: string;
}

export interface AchFileOptions {
  /** The ODFI's routing number (9 digits): immediate destination is the ACH operator or ODFI. */
  readonly immediateDestination: string;
  readonly immediateDestinationName: string;
  /** Immediate origin: 10 characters (often "1" + EIN, or the ODFI's routing number with a leading space). */
  readonly immediateOrigin: string;
  readonly immediateOriginName: string;
  /** The originating DFI's routing number (9 digits); its first 8 start every trace number. */
  readonly originatingDfi: string;
  readonly createdAt: Date;
  /** A-Z, 0-9: distinguishes files created on one day. */
  readonly fileIdModifier: string;
  readonly referenceCode?: string;
  /** The sequence (7 digits) of the file's first trace number (default 1): files after the first continue where the last stopped, so traces stay unique across files. */
  readonly firstTraceSequence?: number;
  /** Balanced file: each batch gets an offset entry to this account. Absent: unbalanced. */
  readonly offsetAccount?: { readonly routingNumber: string; readonly accountNumber: string; readonly accountType: AccountType; readonly name: string };
}

export interface AchFileSummary {
  readonly batchCount: number;
  readonly entryAddendaCount: number;
  readonly entryHash: string;
  readonly totalDebit: bigint;
  readonly totalCredit: bigint;
  readonly blockCount: number;
  /** Trace number per input entry, in input order (our payments remember theirs, to match returns). */
  readonly traceNumbers: readonly string[];
}

export class AchFileError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'AchFileError';
  }
}

export const MAX_ENTRY_AMOUNT = 9_999_999_999n;
const MAX_TOTAL = 999_999_999_999n;

const TRANSACTION_CODES: Readonly<Record<AccountType, Readonly<Record<'credit' | 'debit', string>>>> = {
  checking: { credit: '22', debit: '27' },
  savings: { credit: '32', debit: '37' },
};

/** Alphanumeric field: upper-cased, left-justified, space-filled, cut to its width. */
function alpha(value: string, width: number): string {
  return value.toUpperCase().slice(0, width).padEnd(width, ' ');
}

/** Numeric field: right-justified, zero-filled; refuses what does not fit. */
function numeric(value: bigint | number | string, width: number, field: string): string {
  const text = value.toString();
  if (!/^[0-9]+$/.test(text) || text.length > width) throw new AchFileError(field, `${field} does not fit ${width} digits`);
  return text.padStart(width, '0');
}

function yymmdd(date: string): string {
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

function check<T>(field: string, checked: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!checked.ok) throw new AchFileError(field, `${field} ${checked.message}`);
  return checked.value;
}

function entryRecord(entry: AchEntry, at: string, trace: string, hasAddenda: boolean): string {
  const routing = check(`${at}.routingNumber`, checkAbaRoutingNumber(entry.routingNumber));
  const account = check(`${at}.accountNumber`, checkUsAccountNumber(entry.accountNumber));
  const name = check(`${at}.name`, checkAccountName('ach', entry.name));
  if (entry.amount <= 0n || entry.amount > MAX_ENTRY_AMOUNT) throw new AchFileError(`${at}.amount`, `${at}.amount must be 1 to ${MAX_ENTRY_AMOUNT} cents`);
  const record =
    '6' +
    TRANSACTION_CODES[entry.accountType][entry.direction] +
    routing.slice(0, 8) +
    routing[8] +
    alpha(account, 17) +
    numeric(entry.amount, 10, `${at}.amount`) +
    alpha(entry.identification, 15) +
    alpha(name, 22) +
    '  ' +
    (hasAddenda ? '1' : '0') +
    trace;
  return record;
}

function addendaRecord(remittance: string, entrySequence: string): string {
  return '7' + '05' + alpha(remittance, 80) + '0001' + entrySequence;
}

interface Batch {
  readonly key: string;
  readonly secCode: SecCode;
  readonly effectiveDate: string;
  readonly company: AchCompany;
  readonly entries: Array<{ entry: AchEntry; inputIndex: number }>;
}

/**
 * Writes one NACHA file (records separated by "\n", the last one ending with it too) and its
 * summary. Throws AchFileError naming the offending field.
 */
export function writeNachaFile(options: AchFileOptions, entries: readonly AchBatchEntry[]): { content: string; summary: AchFileSummary } {
  if (entries.length === 0) throw new AchFileError('entries', 'entries must not be empty');
  const odfi = check('originatingDfi', checkAbaRoutingNumber(options.originatingDfi));
  const destination = check('immediateDestination', checkAbaRoutingNumber(options.immediateDestination));
  if (!/^[A-Z0-9]$/.test(options.fileIdModifier)) throw new AchFileError('fileIdModifier', 'fileIdModifier must be one of A-Z, 0-9');
  if (!/^[ 0-9A-Z]{10}$/.test(options.immediateOrigin.padStart(10, ' '))) throw new AchFileError('immediateOrigin', 'immediateOrigin must be 10 characters');

  const batches = new Map<string, Batch>();
  entries.forEach((entry, inputIndex) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.effectiveDate))
      throw new AchFileError(`entries.${inputIndex}.effectiveDate`, `entries.${inputIndex}.effectiveDate must be YYYY-MM-DD`);
    if (!/^[0-9A-Z ]{10}$/.test(entry.company.id.padEnd(10, ' ').toUpperCase()))
      throw new AchFileError(`entries.${inputIndex}.company.id`, `entries.${inputIndex}.company.id must be at most 10 characters`);
    check(`entries.${inputIndex}.company.name`, checkAccountName('ach', entry.company.name));
    if (entry.remittance !== undefined) check(`entries.${inputIndex}.remittance`, checkRemittance('ach', entry.remittance));
    const key = [entry.effectiveDate, entry.company.id, entry.company.name, entry.company.entryDescription, entry.secCode].join('\u0000');
    let batch = batches.get(key);
    if (!batch) {
      batch = { key, secCode: entry.secCode, effectiveDate: entry.effectiveDate, company: entry.company, entries: [] };
      batches.set(key, batch);
    }
    batch.entries.push({ entry, inputIndex });
  });

  const created = options.createdAt;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const creationDate = `${p2(created.getUTCFullYear() % 100)}${p2(created.getUTCMonth() + 1)}${p2(created.getUTCDate())}`;
  const creationTime = `${p2(created.getUTCHours())}${p2(created.getUTCMinutes())}`;
  const records: string[] = [
    '1' +
      '01' +
      ' ' +
      destination +
      options.immediateOrigin.padStart(10, ' ') +
      creationDate +
      creationTime +
      options.fileIdModifier +
      '094' +
      '10' +
      '1' +
      alpha(options.immediateDestinationName, 23) +
      alpha(options.immediateOriginName, 23) +
      alpha(options.referenceCode ?? '', 8),
  ];

  const traceNumbers: string[] = new Array<string>(entries.length);
  let traceSeq = (options.firstTraceSequence ?? 1) - 1;
  let fileEntryAddenda = 0;
  let fileHash = 0n;
  let fileDebit = 0n;
  let fileCredit = 0n;
  let batchNumber = 0;
  for (const batch of batches.values()) {
    batchNumber++;
    const batchEntries: Array<{ entry: AchEntry; inputIndex: number | null }> = [...batch.entries];
    let credits = batch.entries.filter((e) => e.entry.direction === 'credit').reduce((s, e) => s + e.entry.amount, 0n);
    let debits = batch.entries.filter((e) => e.entry.direction === 'debit').reduce((s, e) => s + e.entry.amount, 0n);
    if (options.offsetAccount && credits !== debits) {
      const net = credits > debits ? credits - debits : debits - credits;
      const o = options.offsetAccount;
      batchEntries.push({
        entry: {
          direction: credits > debits ? 'debit' : 'credit',
          accountType: o.accountType,
          routingNumber: o.routingNumber,
          accountNumber: o.accountNumber,
          amount: net,
          name: o.name,
          identification: 'OFFSET',
        },
        inputIndex: null,
      });
      if (credits > debits) debits += net;
      else credits += net;
    }
    const hasCredits = batchEntries.some((e) => e.entry.direction === 'credit');
    const hasDebits = batchEntries.some((e) => e.entry.direction === 'debit');
    const serviceClass = hasCredits && hasDebits ? '200' : hasCredits ? '220' : '225';
    const batchNo = numeric(batchNumber, 7, 'batchNumber');
    records.push(
      '5' +
        serviceClass +
        alpha(batch.company.name, 16) +
        alpha('', 20) +
        alpha(batch.company.id, 10) +
        batch.secCode +
        alpha(batch.company.entryDescription, 10) +
        alpha('', 6) +
        yymmdd(batch.effectiveDate) +
        '   ' +
        '1' +
        odfi.slice(0, 8) +
        batchNo,
    );
    let count = 0;
    let hash = 0n;
    for (const { entry, inputIndex } of batchEntries) {
      traceSeq++;
      const trace = odfi.slice(0, 8) + numeric(traceSeq, 7, 'traceNumber');
      if (inputIndex !== null) traceNumbers[inputIndex] = trace;
      const remittance = entry.remittance?.trim();
      records.push(entryRecord(entry, inputIndex === null ? 'offsetAccount' : `entries.${inputIndex}`, trace, Boolean(remittance)));
      count++;
      hash += BigInt(entry.routingNumber.slice(0, 8));
      if (remittance) {
        records.push(addendaRecord(remittance, trace.slice(-7)));
        count++;
      }
    }
    if (credits > MAX_TOTAL || debits > MAX_TOTAL) throw new AchFileError('entries', 'a batch total does not fit 12 digits');
    const hashText = (hash % 10_000_000_000n).toString().padStart(10, '0');
    records.push(
      '8' +
        serviceClass +
        numeric(count, 6, 'entryAddendaCount') +
        hashText +
        numeric(debits, 12, 'totalDebit') +
        numeric(credits, 12, 'totalCredit') +
        alpha(batch.company.id, 10) +
        alpha('', 19) +
        alpha('', 6) +
        odfi.slice(0, 8) +
        batchNo,
    );
    fileEntryAddenda += count;
    fileHash += hash;
    fileDebit += debits;
    fileCredit += credits;
  }
  if (fileDebit > MAX_TOTAL || fileCredit > MAX_TOTAL) throw new AchFileError('entries', 'the file total does not fit 12 digits');
  const recordCount = records.length + 1;
  const blockCount = Math.ceil(recordCount / 10);
  const entryHash = (fileHash % 10_000_000_000n).toString().padStart(10, '0');
  records.push(
    '9' +
      numeric(batchNumber, 6, 'batchCount') +
      numeric(blockCount, 6, 'blockCount') +
      numeric(fileEntryAddenda, 8, 'entryAddendaCount') +
      entryHash +
      numeric(fileDebit, 12, 'totalDebit') +
      numeric(fileCredit, 12, 'totalCredit') +
      alpha('', 39),
  );
  while (records.length % 10 !== 0) records.push('9'.repeat(94));
  for (const r of records) if (r.length !== 94) throw new Error(`internal: a NACHA record of ${r.length} characters`);
  return {
    content: records.join('\n') + '\n',
    summary: {
      batchCount: batchNumber,
      entryAddendaCount: fileEntryAddenda,
      entryHash,
      totalDebit: fileDebit,
      totalCredit: fileCredit,
      blockCount,
      traceNumbers,
    },
  };
}
