import { ConnectorError, type SettlementLine, type SettlementLineKind } from '../connector';
import { minorUnitsOfDecimal } from '../transport';

/*
 * Adyen's Settlement details report (settlement_detail_report_batch_N.csv): one CSV file per
 * payable batch, a header line naming the columns (Adyen may add columns or reorder them, so
 * columns are found by name), then one line per journal entry. Amounts are decimals in major
 * units, debit and credit in separate columns; Creation Date is "YYYY-MM-DD HH:MM:SS" in the
 * account's time zone, named in TimeZone. Pure functions; unit-tested in settlement-details.spec.ts.
 */

/**
 * RFC 4180 CSV, strictly: fields separated by commas, optionally in double quotes (a quote
 * inside doubled), lines ended by CRLF or LF, every line as wide as the header. Anything else
 * (a stray quote, a ragged line) throws: a report read wrongly must not be reconciled.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    row.push(field);
    field = '';
    fieldStarted = false;
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else {
        quoted = false;
        const next = text[i + 1];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw new Error(`csv: text after a closing quote at offset ${i + 1}`);
      }
    } else if (ch === '"') {
      if (fieldStarted || field !== '') throw new Error(`csv: quote inside an unquoted field at offset ${i}`);
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      rows.push(row);
      row = [];
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new Error('csv: unterminated quoted field');
  if (fieldStarted || field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, n) => {
    if (r.length !== width) throw new Error(`csv: line ${n + 1} has ${r.length} fields, the header ${width}`);
  });
  return rows;
}

/** Adyen's journal types, in our words (https://docs.adyen.com/reporting/journal-types). */
const KINDS: Record<string, SettlementLineKind> = {
  Settled: 'charge',
  SettledBulk: 'charge',
  Refunded: 'refund',
  RefundedBulk: 'refund',
  MerchantPayout: 'payout',
  Fee: 'fee',
  MiscCosts: 'fee',
  PaymentCost: 'fee',
  InvoiceDeduction: 'fee',
};

/** Time zone names Adyen writes in TimeZone, as offsets in minutes (an unknown name refuses the report). */
const ZONES: Record<string, number> = { UTC: 0, GMT: 0, WET: 0, CET: 60, BST: 60, WEST: 60, CEST: 120, EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240 };

const REQUIRED = ['Merchant Account', 'Psp Reference', 'Merchant Reference', 'Creation Date', 'TimeZone', 'Type', 'Modification Reference', 'Gross Currency'];

/** The lines of one batch's report for this merchant account (other accounts' lines are left out). */
export function settlementLinesOfAdyen(csv: string, batch: number, merchantAccount: string): SettlementLine[] {
  const unreadable = (why: string) => new ConnectorError('adyen', 'REPORT_UNREADABLE', `adyen settlements: batch ${batch} ${why}`, false, false);
  let rows: string[][];
  try {
    rows = parseCsv(csv);
  } catch (error) {
    throw unreadable(error instanceof Error ? error.message : 'is not CSV');
  }
  const header = rows[0];
  if (!header) return [];
  const index = new Map(header.map((name, i) => [name.trim(), i]));
  const missing = REQUIRED.filter((name) => !index.has(name));
  if (missing.length > 0) throw unreadable(`lacks the columns ${missing.join(', ')}`);
  const lines: SettlementLine[] = [];
  rows.slice(1).forEach((row, n) => {
    const col = (name: string) => {
      const i = index.get(name);
      return i === undefined ? '' : row[i]!.trim();
    };
    if (row.every((v) => v.trim() === '')) return;
    if (col('Merchant Account') !== merchantAccount) return;
    const type = col('Type');
    const kind = KINDS[type] ?? 'adjustment';
    const currency = col('Gross Currency') || col('Net Currency');
    const amount = (name: string) => {
      const text = col(name);
      if (text === '') return 0n;
      const value = minorUnitsOfDecimal(text, currency);
      if (value === undefined) throw unreadable(`line ${n + 2}: ${name} is not an amount of ${currency || 'a known currency'}`);
      return value;
    };
    const net = amount('Net Credit (NC)') - amount('Net Debit (NC)');
    // payouts, fees and corrections state only the net (as Stripe's balance does: gross = net, no fee)
    const statesGross = col('Gross Credit (GC)') !== '' || col('Gross Debit (GC)') !== '';
    const gross = statesGross ? amount('Gross Credit (GC)') - amount('Gross Debit (GC)') : net;
    const costs = ['Commission (NC)', 'Markup (NC)', 'Scheme Fees (NC)', 'Interchange (NC)'].filter((c) => index.has(c) && col(c) !== '');
    const fee = costs.length > 0 ? costs.reduce((sum, c) => sum + amount(c), 0n) : gross - net;
    const occurredAt = adyenTime(col('Creation Date'), col('TimeZone'));
    if (!occurredAt) throw unreadable(`line ${n + 2}: Creation Date or TimeZone unreadable`);
    const psp = col('Psp Reference');
    const modification = col('Modification Reference');
    const merchantReference = col('Merchant Reference');
    lines.push({
      lineId: `${batch}:${n + 2}:${modification || psp || type}`,
      kind,
      // a refund is known by its own pspReference (the modification's), a payment by the payment's
      providerReference: kind === 'refund' ? modification : psp || modification,
      ...(merchantReference && (kind === 'charge' || kind === 'refund' || kind === 'adjustment') ? { paymentId: merchantReference } : {}),
      gross,
      fee,
      net,
      currency,
      occurredAt,
      providerType: type,
    });
  });
  return lines;
}

/** "2026-01-15 10:23:45" in zone "CET" → the instant. */
export function adyenTime(date: string, zone: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(date);
  const offset = ZONES[zone];
  if (!match || offset === undefined) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000);
}
