/*
 * What comes back from the ACH network in files of the same 94-character records: returns
 * (entry detail + addenda type 99 with an R-code) and notifications of change (addenda type
 * 98 with a C-code and the corrected data). Both name the original entry by its trace
 * number, which our payment remembers from the file it went out in.
 */

/** Our return reasons (what the payment's failure code says), by the Nacha return code. */
export const RETURN_REASONS: Readonly<Record<string, { readonly reason: string; readonly description: string }>> = {
  R01: { reason: 'insufficient_funds', description: 'Insufficient funds' },
  R02: { reason: 'account_closed', description: 'Account closed' },
  R03: { reason: 'no_account', description: 'No account / unable to locate account' },
  R04: { reason: 'invalid_account_number', description: 'Invalid account number structure' },
  R05: { reason: 'unauthorized_debit', description: 'Unauthorized debit to consumer account using corporate SEC code' },
  R06: { reason: 'returned_per_odfi_request', description: "Returned per ODFI's request" },
  R07: { reason: 'authorization_revoked', description: 'Authorization revoked by customer' },
  R08: { reason: 'payment_stopped', description: 'Payment stopped' },
  R09: { reason: 'uncollected_funds', description: 'Uncollected funds' },
  R10: { reason: 'unauthorized_debit', description: 'Customer advises not authorized, improper, or ineligible' },
  R11: { reason: 'unauthorized_debit', description: 'Customer advises entry not in accordance with the terms of the authorization' },
  R12: { reason: 'account_sold', description: 'Account sold to another DFI' },
  R13: { reason: 'invalid_routing_number', description: 'Invalid ACH routing number' },
  R14: { reason: 'account_holder_deceased', description: 'Representative payee deceased or unable to continue' },
  R15: { reason: 'account_holder_deceased', description: 'Beneficiary or account holder deceased' },
  R16: { reason: 'account_frozen', description: 'Account frozen / entry returned per OFAC instruction' },
  R17: { reason: 'file_record_edit_criteria', description: 'File record edit criteria' },
  R20: { reason: 'non_transaction_account', description: 'Non-transaction account' },
  R23: { reason: 'credit_refused', description: 'Credit entry refused by receiver' },
  R24: { reason: 'duplicate_entry', description: 'Duplicate entry' },
  R29: { reason: 'unauthorized_debit', description: 'Corporate customer advises not authorized' },
  R31: { reason: 'permissible_return', description: 'Permissible return entry (CCD and CTX only)' },
};

/** R01 and R09 may be presented again (at most twice more, within 180 days). */
export const REPRESENTABLE_RETURNS: ReadonlySet<string> = new Set(['R01', 'R09']);

export interface AchReturn {
  readonly kind: 'return';
  readonly code: string;
  /** Our reason (`RETURN_REASONS`), `other` for a code not listed. */
  readonly reason: string;
  readonly originalTrace: string;
  readonly traceNumber: string;
  readonly originalRdfi: string;
  /** The returned entry's amount, cents. */
  readonly amount: bigint;
  /** credit: a credit of ours came back (money back to us); debit: a debit of ours came back. */
  readonly returnedEntry: 'credit' | 'debit';
  readonly dateOfDeath: string | null;
  readonly addendaInformation: string;
  readonly effectiveDate: string;
}

export interface AchNotificationOfChange {
  readonly kind: 'noc';
  readonly code: string;
  readonly originalTrace: string;
  readonly traceNumber: string;
  readonly originalRdfi: string;
  readonly corrected: {
    readonly accountNumber?: string;
    readonly routingNumber?: string;
    readonly name?: string;
    readonly transactionCode?: string;
    readonly accountType?: 'checking' | 'savings';
    readonly identification?: string;
  };
}

export class AchParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'AchParseError';
  }
}

// Return / NOC entries carry the "automated return or NOC" transaction codes: 21/26 checking, 31/36 savings.
const RETURN_CODES: Readonly<Record<string, { returnedEntry: 'credit' | 'debit'; accountType: 'checking' | 'savings' }>> = {
  '21': { returnedEntry: 'credit', accountType: 'checking' },
  '26': { returnedEntry: 'debit', accountType: 'checking' },
  '31': { returnedEntry: 'credit', accountType: 'savings' },
  '36': { returnedEntry: 'debit', accountType: 'savings' },
};

const accountTypeOfCode = (code: string): 'checking' | 'savings' | undefined =>
  ['22', '23', '27', '28', '21', '26'].includes(code) ? 'checking' : ['32', '33', '37', '38', '31', '36'].includes(code) ? 'savings' : undefined;

function corrected(code: string, data: string): AchNotificationOfChange['corrected'] {
  const first = (n: number) => data.slice(0, n).trim();
  const fields = data.trim().split(/\s+/);
  switch (code) {
    case 'C01':
      return { accountNumber: first(17) };
    case 'C02':
      return { routingNumber: first(9) };
    case 'C03':
      return { routingNumber: fields[0], accountNumber: fields[1] };
    case 'C04':
      return { name: first(22) };
    case 'C05':
      return { transactionCode: first(2), accountType: accountTypeOfCode(first(2)) };
    case 'C06':
      return { accountNumber: fields[0], transactionCode: fields[1], accountType: fields[1] ? accountTypeOfCode(fields[1]) : undefined };
    case 'C07': {
      const rest = data.slice(9).trim().split(/\s+/);
      return {
        routingNumber: data.slice(0, 9),
        accountNumber: rest[0],
        transactionCode: rest[1],
        accountType: rest[1] ? accountTypeOfCode(rest[1]) : undefined,
      };
    }
    case 'C09':
      return { identification: first(22) };
    default:
      return {};
  }
}

/**
 * Parses a return or NOC file: every entry with an addenda 99 (return) or 98 (NOC). Entries
 * of other kinds (a forward entry in a mixed file) are skipped; a malformed record fails the
 * whole file (AchParseError with its line), so a half-read file is never applied.
 */
export function parseAchReturnFile(content: string): Array<AchReturn | AchNotificationOfChange> {
  const lines = content.split(/\r?\n/).filter((l) => l.length > 0);
  const out: Array<AchReturn | AchNotificationOfChange> = [];
  let effectiveDate = '';
  let pending: { line: number; record: string } | null = null;
  lines.forEach((record, i) => {
    const line = i + 1;
    if (record.length !== 94) throw new AchParseError(line, `a record is 94 characters, not ${record.length}`);
    const type = record[0];
    if (type === '5') {
      const d = record.slice(69, 75);
      effectiveDate = /^\d{6}$/.test(d) ? `20${d.slice(0, 2)}-${d.slice(2, 4)}-${d.slice(4, 6)}` : '';
    } else if (type === '6') {
      pending = { line, record };
    } else if (type === '7') {
      const addendaType = record.slice(1, 3);
      if (addendaType !== '98' && addendaType !== '99') return;
      const entry = pending;
      if (!entry) throw new AchParseError(line, 'an addenda without its entry');
      const transactionCode = entry.record.slice(1, 3);
      const code = record.slice(3, 6);
      const originalTrace = record.slice(6, 21);
      const originalRdfi = record.slice(27, 35);
      const traceNumber = record.slice(79, 94);
      if (!/^\d{15}$/.test(originalTrace)) throw new AchParseError(line, 'the original trace number is not 15 digits');
      if (addendaType === '99') {
        if (!/^R\d{2}$/.test(code)) throw new AchParseError(line, 'a return addenda without an R-code');
        const kind = RETURN_CODES[transactionCode];
        if (!kind) throw new AchParseError(entry.line, `transaction code ${transactionCode} is not a return`);
        const amount = entry.record.slice(29, 39);
        if (!/^\d{10}$/.test(amount)) throw new AchParseError(entry.line, 'the amount is not 10 digits');
        const death = record.slice(21, 27).trim();
        out.push({
          kind: 'return',
          code,
          reason: RETURN_REASONS[code]?.reason ?? 'other',
          originalTrace,
          traceNumber,
          originalRdfi,
          amount: BigInt(amount),
          returnedEntry: kind.returnedEntry,
          dateOfDeath: death ? `20${death.slice(0, 2)}-${death.slice(2, 4)}-${death.slice(4, 6)}` : null,
          addendaInformation: record.slice(35, 79).trim(),
          effectiveDate,
        });
      } else {
        if (!/^C\d{2}$/.test(code)) throw new AchParseError(line, 'a notification of change without a C-code');
        out.push({ kind: 'noc', code, originalTrace, traceNumber, originalRdfi, corrected: corrected(code, record.slice(35, 64)) });
      }
      pending = null;
    }
  });
  return out;
}
