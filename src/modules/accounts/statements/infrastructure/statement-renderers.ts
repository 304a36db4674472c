import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { canonicalJson, currencyOf, formatMinorUnits, type Currency } from '@shared-kernel';
import type { Statement, StatementFormat } from '../domain/statement';

/**
 * Statement renderings. Each is a pure function of the statement: the same statement
 * gives the same bytes (the PDF's dates are the issue time, its id and producer fixed),
 * which is what makes a stored statement's hash meaningful (ADR 0012).
 */

export const CONTENT_TYPES: Record<StatementFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  pdf: 'application/pdf',
};

export interface RenderedStatement {
  readonly format: StatementFormat;
  readonly content: Buffer;
  readonly sha256: string;
}

const currencyFor = (code: string): Currency => currencyOf(code) ?? { code, minorUnits: 2 };

/** The wire view (JSON): money as minor-unit strings plus formatted decimals. */
export function statementView(s: Statement) {
  const currency = currencyFor(s.account.currency);
  const money = (v: bigint) => v.toString();
  return {
    statementId: s.id,
    kind: s.kind,
    accountId: s.account.id,
    accountNumber: s.account.accountNumber,
    iban: s.account.iban,
    product: s.account.product,
    currency: s.account.currency,
    periodFrom: s.periodFrom,
    periodTo: s.periodTo,
    openingBalance: money(s.openingBalance),
    closingBalance: money(s.closingBalance),
    totalCredits: money(s.totalCredits),
    totalDebits: money(s.totalDebits),
    openingBalanceFormatted: formatMinorUnits(s.openingBalance, currency),
    closingBalanceFormatted: formatMinorUnits(s.closingBalance, currency),
    postings: s.lines.map((l) => ({
      sequence: l.sequence,
      transferId: l.transferId,
      postedAt: l.postedAt,
      side: l.side,
      amount: money(l.amount),
      balanceAfter: money(l.balanceAfter),
    })),
    issuedAt: s.issuedAt,
  };
}

export function renderJson(s: Statement): Buffer {
  return Buffer.from(canonicalJson(statementView(s)), 'utf8');
}

/** RFC 4180: a field is quoted when it holds a comma, quote, CR or LF; quotes are doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const CSV_HEADER = ['type', 'posted_at', 'sequence', 'transfer_id', 'side', 'amount_minor', 'amount', 'balance_after_minor', 'balance_after', 'currency'];

/**
 * One header row, an `opening` row (at the period start), one `posting` row per posting,
 * and a `closing` row (at the period end); CRLF line ends.
 */
export function renderCsv(s: Statement): Buffer {
  const currency = currencyFor(s.account.currency);
  const fmt = (v: bigint) => formatMinorUnits(v, currency);
  const rows: string[][] = [
    CSV_HEADER,
    ['opening', s.periodFrom, '', '', '', '', '', s.openingBalance.toString(), fmt(s.openingBalance), currency.code],
    ...s.lines.map((l) => [
      'posting',
      l.postedAt,
      l.sequence,
      l.transferId,
      l.side,
      l.amount.toString(),
      fmt(l.amount),
      l.balanceAfter.toString(),
      fmt(l.balanceAfter),
      currency.code,
    ]),
    ['closing', s.periodTo, '', '', '', '', '', s.closingBalance.toString(), fmt(s.closingBalance), currency.code],
  ];
  return Buffer.from(rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n', 'utf8');
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const LINE = 14;
const LINES_PER_PAGE = 44;
const COLUMNS = [MARGIN, MARGIN + 120, MARGIN + 260, MARGIN + 330, MARGIN + 420];

export async function renderPdf(s: Statement): Promise<Buffer> {
  const currency = currencyFor(s.account.currency);
  const fmt = (v: bigint) => `${formatMinorUnits(v, currency)} ${currency.code}`;
  const issued = new Date(s.issuedAt);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`Statement ${s.account.accountNumber} ${s.periodFrom} - ${s.periodTo}`);
  doc.setCreator('Skyro Core');
  doc.setProducer('Skyro Core (pdf-lib)');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);

  const pageCount = Math.max(1, Math.ceil(s.lines.length / LINES_PER_PAGE));
  for (let p = 0; p < pageCount; p++) {
    const page = doc.addPage(A4);
    let y = A4[1] - MARGIN;
    const text = (t: string, x: number, f: PDFFont = font, size = 10) => page.drawText(t, { x, y, size, font: f });
    if (p === 0) {
      text('Account statement', MARGIN, bold, 16);
      y -= LINE * 2;
      for (const [label, value] of [
        ['Account', `${s.account.accountNumber} (${s.account.product})`],
        ['IBAN', s.account.iban ?? '-'],
        ['Currency', currency.code],
        ['Period', `${s.periodFrom} to ${s.periodTo} (end exclusive)`],
        ['Opening balance', fmt(s.openingBalance)],
      ] as const) {
        text(label, MARGIN, bold);
        text(value, MARGIN + 120);
        y -= LINE;
      }
      y -= LINE;
    }
    y = header(page, bold, y);
    for (const l of s.lines.slice(p * LINES_PER_PAGE, (p + 1) * LINES_PER_PAGE)) {
      const cells = [l.postedAt.replace('T', ' ').slice(0, 19), l.transferId.slice(0, 18), l.side, fmt(l.amount), fmt(l.balanceAfter)];
      cells.forEach((c, i) => text(c, COLUMNS[i]!));
      y -= LINE;
    }
    if (p === pageCount - 1) {
      y -= LINE;
      for (const [label, value] of [
        ['Money in', fmt(s.totalCredits)],
        ['Money out', fmt(-s.totalDebits)],
        ['Closing balance', fmt(s.closingBalance)],
      ] as const) {
        text(label, MARGIN, bold);
        text(value, MARGIN + 120);
        y -= LINE;
      }
    }
    page.drawText(`Issued ${s.issuedAt}${s.id ? ` - statement ${s.id}` : ''} - page ${p + 1} of ${pageCount}`, { x: MARGIN, y: MARGIN / 2, size: 8, font });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

function header(page: PDFPage, bold: PDFFont, y: number): number {
  ['Posted (UTC)', 'Transfer', 'Side', 'Amount', 'Balance after'].forEach((h, i) => page.drawText(h, { x: COLUMNS[i]!, y, size: 10, font: bold }));
  return y - LINE * 1.5;
}

export async function render(s: Statement, format: StatementFormat): Promise<RenderedStatement> {
  const content = format === 'json' ? renderJson(s) : format === 'csv' ? renderCsv(s) : await renderPdf(s);
  return { format, content, sha256: createHash('sha256').update(content).digest('hex') };
}
