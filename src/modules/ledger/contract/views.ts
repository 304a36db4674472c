import { z } from 'zod';
import { CurrencyCode, Id, MinorUnits, SignedMinorUnits, Timestamp } from '@shared-kernel';

/*
 * What the ledger answers with, on the bus and over HTTP. Amounts are minor units as
 * decimal strings (bigint on the wire), currencies ISO 4217 codes.
 */

export const LedgerNormalSide = z.enum(['debit', 'credit']).meta({ description: 'credit for customer deposits (liabilities), debit for assets' });
export type LedgerNormalSide = z.infer<typeof LedgerNormalSide>;

export const LedgerAccountStatus = z.enum(['open', 'frozen', 'closed']);
export type LedgerAccountStatus = z.infer<typeof LedgerAccountStatus>;

export const TransferKindView = z.enum(['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending']);
export type TransferKindView = z.infer<typeof TransferKindView>;

export const BalancesView = z
  .object({
    posted: SignedMinorUnits.describe('Posted balance on the normal side'),
    pending: SignedMinorUnits.describe('Net amount of pending transfers (holds against the account are negative)'),
    available: SignedMinorUnits.describe('Posted minus outgoing holds, plus the overdraft limit'),
  })
  .meta({ id: 'LedgerBalances' });
export type BalancesView = z.infer<typeof BalancesView>;

export const LedgerAccountView = z
  .object({
    id: Id,
    currency: CurrencyCode,
    normalSide: LedgerNormalSide,
    debitsMustNotExceedCredits: z.boolean(),
    creditsMustNotExceedDebits: z.boolean(),
    overdraftLimit: MinorUnits,
    status: LedgerAccountStatus,
    code: z.number().int().describe('Chart-of-accounts code'),
    reference: z.string().nullable(),
    balances: BalancesView,
    totals: z
      .object({ debitsPending: MinorUnits, debitsPosted: MinorUnits, creditsPending: MinorUnits, creditsPosted: MinorUnits })
      .meta({ id: 'LedgerTotals' }),
    createdAt: Timestamp,
  })
  .meta({ id: 'LedgerAccount' });
export type LedgerAccountView = z.infer<typeof LedgerAccountView>;

export const TransferView = z
  .object({
    id: Id,
    kind: TransferKindView,
    debitAccountId: Id,
    creditAccountId: Id,
    amount: MinorUnits,
    currency: CurrencyCode,
    pendingId: Id.nullable(),
    timeoutAt: Timestamp.nullable(),
    code: z.number().int(),
    reference: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Transfer' });
export type TransferView = z.infer<typeof TransferView>;

export const TransferResultView = z
  .discriminatedUnion('status', [
    z.object({ id: Id, status: z.enum(['created', 'exists']), transfer: TransferView }),
    z.object({ id: Id, status: z.literal('failed'), error: z.string().describe('Stable error code (see docs/errors.md), e.g. EXCEEDS_CREDITS') }),
  ])
  .meta({ id: 'TransferResult', description: 'created, exists (a replay of the same id and fields), or failed with a stable code' });
export type TransferResultView = z.infer<typeof TransferResultView>;

export const PostingView = z
  .object({
    sequence: z
      .string()
      .regex(/^[1-9][0-9]*$/)
      .describe("Position in the ledger's global order (cursor for pagination)"),
    transferId: Id,
    accountId: Id,
    side: z.enum(['debit', 'credit']),
    bucket: z.enum(['posted', 'pending']),
    amount: SignedMinorUnits.describe('Signed: releasing a hold is negative'),
    balanceAfter: SignedMinorUnits,
    pendingAfter: SignedMinorUnits,
    createdAt: Timestamp,
  })
  .meta({ id: 'Posting' });
export type PostingView = z.infer<typeof PostingView>;

export const PostingPageView = z
  .object({
    items: z.array(PostingView),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null at the end'),
  })
  .meta({ id: 'PostingPage' });
export type PostingPageView = z.infer<typeof PostingPageView>;

export const BalanceAsOfView = z.object({ posted: SignedMinorUnits, pending: SignedMinorUnits, asOf: Timestamp }).meta({ id: 'BalanceAsOf' });
export type BalanceAsOfView = z.infer<typeof BalanceAsOfView>;
