import type { LedgerAccountState } from '../domain/ledger-account';
import { balancesOf } from '../domain/ledger-account';
import type { PendingTransfer, Transfer } from '../domain/transfer';
import type { LedgerAccountView, PostingView, TransferView } from '../contract';

/* Rows as pg returns them (bigint and timestamps as strings or Dates) and their mapping. */

export interface AccountRow {
  id: string;
  currency: string;
  normal_side: 'debit' | 'credit';
  debits_must_not_exceed_credits: boolean;
  credits_must_not_exceed_debits: boolean;
  overdraft_limit: string;
  status: 'open' | 'frozen' | 'closed';
  code: number;
  reference: string | null;
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
  created_at: Date;
}

export const ACCOUNT_COLUMNS =
  'id, currency, normal_side, debits_must_not_exceed_credits, credits_must_not_exceed_debits, overdraft_limit, status, code, reference, debits_pending, debits_posted, credits_pending, credits_posted, created_at';

export function accountState(r: AccountRow): LedgerAccountState {
  return {
    id: r.id,
    currency: r.currency,
    normalSide: r.normal_side,
    debitsMustNotExceedCredits: r.debits_must_not_exceed_credits,
    creditsMustNotExceedDebits: r.credits_must_not_exceed_debits,
    overdraftLimit: BigInt(r.overdraft_limit),
    status: r.status,
    debitsPending: BigInt(r.debits_pending),
    debitsPosted: BigInt(r.debits_posted),
    creditsPending: BigInt(r.credits_pending),
    creditsPosted: BigInt(r.credits_posted),
  };
}

export function accountView(r: AccountRow): LedgerAccountView {
  const balances = balancesOf(accountState(r));
  return {
    id: r.id,
    currency: r.currency,
    normalSide: r.normal_side,
    debitsMustNotExceedCredits: r.debits_must_not_exceed_credits,
    creditsMustNotExceedDebits: r.credits_must_not_exceed_debits,
    overdraftLimit: r.overdraft_limit,
    status: r.status,
    code: r.code,
    reference: r.reference,
    balances: { posted: balances.posted.toString(), pending: balances.pending.toString(), available: balances.available.toString() },
    totals: { debitsPending: r.debits_pending, debitsPosted: r.debits_posted, creditsPending: r.credits_pending, creditsPosted: r.credits_posted },
    createdAt: r.created_at.toISOString(),
  };
}

export interface TransferRow {
  id: string;
  kind: Transfer['kind'];
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  pending_id: string | null;
  timeout_at: Date | null;
  code: number;
  reference: string | null;
  fingerprint: string;
  created_at: Date;
}

export const TRANSFER_COLUMNS =
  'id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, timeout_at, code, reference, fingerprint, created_at';

export function transferOf(r: TransferRow): Transfer {
  return {
    id: r.id,
    kind: r.kind,
    debitAccountId: r.debit_account_id,
    creditAccountId: r.credit_account_id,
    amount: BigInt(r.amount),
    currency: r.currency,
    pendingId: r.pending_id,
    timeoutAt: r.timeout_at?.getTime() ?? null,
    code: r.code,
    reference: r.reference,
    fingerprint: r.fingerprint,
    createdAt: r.created_at.getTime(),
  };
}

export function transferView(t: Transfer): TransferView {
  return {
    id: t.id,
    kind: t.kind,
    debitAccountId: t.debitAccountId,
    creditAccountId: t.creditAccountId,
    amount: t.amount.toString(),
    currency: t.currency,
    pendingId: t.pendingId,
    timeoutAt: t.timeoutAt === null ? null : new Date(t.timeoutAt).toISOString(),
    code: t.code,
    reference: t.reference,
    createdAt: new Date(t.createdAt).toISOString(),
  };
}

export interface PendingRow {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  state: PendingTransfer['state'];
  expires_at: Date | null;
  resolved_by: string | null;
  posted_amount: string | null;
}

export function pendingOf(r: PendingRow): PendingTransfer {
  return {
    id: r.id,
    debitAccountId: r.debit_account_id,
    creditAccountId: r.credit_account_id,
    amount: BigInt(r.amount),
    currency: r.currency,
    state: r.state,
    expiresAt: r.expires_at?.getTime() ?? null,
    resolvedBy: r.resolved_by,
    postedAmount: r.posted_amount === null ? null : BigInt(r.posted_amount),
  };
}

export interface PostingRow {
  id: string;
  transfer_id: string;
  account_id: string;
  side: 'debit' | 'credit';
  bucket: 'posted' | 'pending';
  amount: string;
  balance_after: string;
  pending_after: string;
  created_at: Date;
}

export function postingView(r: PostingRow): PostingView {
  return {
    sequence: r.id,
    transferId: r.transfer_id,
    accountId: r.account_id,
    side: r.side,
    bucket: r.bucket,
    amount: r.amount,
    balanceAfter: r.balance_after,
    pendingAfter: r.pending_after,
    createdAt: r.created_at.toISOString(),
  };
}
