import { z } from 'zod';
import { calendarDate, CurrencyCode, Id, LocalOrZonedDateTime, SignedMinorUnits, Timestamp } from '@shared-kernel';
import { AccountProductView } from '@modules/accounts/contract';
import { STATEMENT_FORMATS } from '@modules/accounts/statements/domain/statement';

/* The statements API's HTTP shapes; the JSON statement is what statement-renderers' statementView writes. */

/** A period bound: an ISO 8601 date (00:00 UTC) or date-time (with or without an offset). */
const PeriodBound = z.union([calendarDate(), LocalOrZonedDateTime], {
  error: 'must be an ISO 8601 date or date-time',
});

const StatementKindView = z.enum(['on_demand', 'monthly', 'final']);
const StatementFormatView = z.enum(STATEMENT_FORMATS);

export const StatementPeriodRequest = z
  .strictObject({
    from: PeriodBound.describe('Period start, inclusive: an ISO 8601 date (00:00 UTC) or date-time'),
    to: PeriodBound.describe('Period end, exclusive (at most 366 days after from): an ISO 8601 date (00:00 UTC) or date-time'),
  })
  .meta({ id: 'StatementPeriodRequest' });

export const StatementQuery = StatementPeriodRequest.extend({
  format: StatementFormatView.optional().describe('Overrides the Accept header (application/json, text/csv, application/pdf)'),
});

export const StoredStatementQuery = z.strictObject({ format: StatementFormatView.optional().describe('Overrides the Accept header') });

export const StoredStatementParams = z.strictObject({ id: Id, statementId: Id });

export const StatementPosting = z
  .object({
    sequence: z.string().describe('Position in ledger order'),
    transferId: Id,
    postedAt: Timestamp,
    side: z.enum(['debit', 'credit']).describe('debit: money out, credit: money in'),
    amount: SignedMinorUnits.describe('Signed: money in positive, money out negative'),
    balanceAfter: SignedMinorUnits,
  })
  .meta({ id: 'StatementPosting' });

/** The JSON rendering of a statement (generated, or stored and downloaded). */
export const StatementJson = z
  .object({
    statementId: Id.nullable().describe('Stored statements only'),
    kind: StatementKindView.nullable().describe('Stored statements only'),
    accountId: Id,
    accountNumber: z.string(),
    iban: z.string().nullable(),
    product: AccountProductView,
    currency: CurrencyCode,
    periodFrom: Timestamp,
    periodTo: Timestamp.describe('Exclusive'),
    openingBalance: SignedMinorUnits.describe('Posted balance just before periodFrom'),
    closingBalance: SignedMinorUnits.describe('openingBalance plus every posting: the balance just before periodTo'),
    totalCredits: SignedMinorUnits.describe('Sum of money in'),
    totalDebits: SignedMinorUnits.describe('Sum of money out (positive)'),
    openingBalanceFormatted: z.string().meta({ example: '1250.00', description: 'openingBalance with the currency exponent applied' }),
    closingBalanceFormatted: z.string().meta({ example: '1300.00' }),
    postings: z.array(StatementPosting),
    issuedAt: Timestamp.describe('When it was generated (stored: issued)'),
  })
  .meta({ id: 'Statement' });

/** The CSV rendering (RFC 4180). */
export const StatementCsv = z.string().meta({
  description:
    'RFC 4180, CRLF line ends: a header row (type, posted_at, sequence, transfer_id, side, amount_minor, amount, balance_after_minor, balance_after, currency), an opening row, one posting row per posting, a closing row',
});

/** The PDF rendering (A4). */
export const StatementPdf = z.string().meta({ format: 'binary', description: 'A4 PDF; byte-for-byte the same for a stored statement' });

export const StatementDocument = z
  .object({
    format: StatementFormatView,
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('SHA-256 (hex) of the stored bytes'),
  })
  .meta({ id: 'StatementDocument' });

export const StoredStatement = z
  .object({
    id: Id,
    accountId: Id,
    kind: StatementKindView,
    periodFrom: Timestamp,
    periodTo: Timestamp.describe('Exclusive'),
    openingBalance: SignedMinorUnits,
    closingBalance: SignedMinorUnits,
    postingCount: z.number().int(),
    issuedAt: Timestamp,
    documents: z.array(StatementDocument),
  })
  .meta({ id: 'StoredStatement' });
export type StoredStatement = z.infer<typeof StoredStatement>;

export const StoredStatementList = z.object({ items: z.array(StoredStatement).describe('Newest first') }).meta({ id: 'StoredStatementList' });
export type StoredStatementList = z.infer<typeof StoredStatementList>;
