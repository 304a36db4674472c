/*
 * What the ledger answers with, on the bus and over HTTP. Amounts are minor units as
 * decimal strings (bigint on the wire), currencies ISO 4217 codes.
 */

export type LedgerNormalSide = 'debit' | 'credit';
export type LedgerAccountStatus = 'open' | 'frozen' | 'closed';
export type TransferKindView = 'posted' | 'pending' | 'post_pending' | 'void_pending' | 'expire_pending';

export interface BalancesView {
  /** Posted balance on the account's normal side. */
  readonly posted: string;
  /** Net amount of pending transfers (holds against the account are negative). */
  readonly pending: string;
  /** Posted minus outgoing holds, plus the overdraft limit. */
  readonly available: string;
}

export interface LedgerAccountView {
  readonly id: string;
  readonly currency: string;
  readonly normalSide: LedgerNormalSide;
  readonly debitsMustNotExceedCredits: boolean;
  readonly creditsMustNotExceedDebits: boolean;
  readonly overdraftLimit: string;
  readonly status: LedgerAccountStatus;
  readonly code: number;
  readonly reference: string | null;
  readonly balances: BalancesView;
  readonly totals: { readonly debitsPending: string; readonly debitsPosted: string; readonly creditsPending: string; readonly creditsPosted: string };
  readonly createdAt: string;
}

export interface TransferView {
  readonly id: string;
  readonly kind: TransferKindView;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: string;
  readonly currency: string;
  readonly pendingId: string | null;
  readonly timeoutAt: string | null;
  readonly code: number;
  readonly reference: string | null;
  readonly createdAt: string;
}

export type TransferResultView =
  | { readonly id: string; readonly status: 'created' | 'exists'; readonly transfer: TransferView }
  | { readonly id: string; readonly status: 'failed'; readonly error: string };

export interface PostingView {
  /** Position in the ledger's global order (cursor for pagination). */
  readonly sequence: string;
  readonly transferId: string;
  readonly accountId: string;
  readonly side: 'debit' | 'credit';
  readonly bucket: 'posted' | 'pending';
  /** Signed: releasing a hold is negative. */
  readonly amount: string;
  readonly balanceAfter: string;
  readonly pendingAfter: string;
  readonly createdAt: string;
}

export interface PostingPageView {
  readonly items: readonly PostingView[];
  /** Pass as `cursor` for the next page; null at the end. */
  readonly nextCursor: string | null;
}
