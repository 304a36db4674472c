/**
 * Transfers move an amount between two accounts of one currency and never change once
 * written. Two-phase: a `pending` transfer holds the amount; a later `post_pending`
 * (full or partial) or `void_pending` resolves it, at most once; `expire_pending` is the
 * void the expiry job writes when a hold times out.
 */
export type TransferKind = 'posted' | 'pending' | 'post_pending' | 'void_pending' | 'expire_pending';

export interface TransferRequest {
  /** Client-chosen id: the idempotency key of the transfer. */
  readonly id: string;
  readonly kind: TransferKind;
  /** Required for posted and pending; for post/void they default to the pending's (and must match if given). */
  readonly debitAccountId?: string;
  readonly creditAccountId?: string;
  /** Required (> 0) for posted and pending; post: defaults to the pending amount; void: must equal it if given. */
  readonly amount?: bigint;
  readonly currency?: string;
  readonly pendingId?: string;
  /** Pending only: seconds until the hold expires (0 or absent: never). */
  readonly timeoutSeconds?: number;
  /** Linked to the next transfer of the same submission: the chain commits all or nothing. */
  readonly linked: boolean;
  /** Transfer type from the chart of transfer codes (fee, card purchase, interest...). */
  readonly code: number;
  readonly reference?: string;
}

export const TRANSFER_ERRORS = [
  'ID_EXISTS_WITH_DIFFERENT_FIELDS',
  'AMOUNT_MUST_BE_POSITIVE',
  'ACCOUNTS_MUST_BE_DIFFERENT',
  'DEBIT_ACCOUNT_NOT_FOUND',
  'CREDIT_ACCOUNT_NOT_FOUND',
  'CURRENCY_MISMATCH',
  'ACCOUNT_CLOSED',
  'ACCOUNT_FROZEN',
  'EXCEEDS_CREDITS',
  'EXCEEDS_DEBITS',
  'OVERFLOW',
  'PENDING_TRANSFER_NOT_FOUND',
  'PENDING_TRANSFER_ALREADY_POSTED',
  'PENDING_TRANSFER_ALREADY_VOIDED',
  'PENDING_TRANSFER_EXPIRED',
  'PENDING_TRANSFER_NOT_EXPIRED',
  'EXCEEDS_PENDING_AMOUNT',
  'PENDING_AMOUNT_MISMATCH',
  'PENDING_ACCOUNTS_MISMATCH',
  'LINKED_EVENT_FAILED',
  'LINKED_CHAIN_OPEN',
] as const;
export type TransferError = (typeof TRANSFER_ERRORS)[number];

/** A transfer as written: every field resolved (post/void take the pending's accounts). */
export interface Transfer {
  readonly id: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly pendingId: string | null;
  /** Pending only: when the hold expires (epoch ms). */
  readonly timeoutAt: number | null;
  readonly code: number;
  readonly reference: string | null;
  /** Fingerprint of the request that created it: a replay must match it. */
  readonly fingerprint: string;
  readonly createdAt: number;
}

/** One line of an account's history. Amount is signed: a release of a hold is negative. */
export interface Posting {
  readonly transferId: string;
  readonly accountId: string;
  readonly side: 'debit' | 'credit';
  readonly bucket: 'posted' | 'pending';
  readonly amount: bigint;
  /** The account's posted and pending balances (normal side) right after this posting. */
  readonly balanceAfter: bigint;
  readonly pendingAfter: bigint;
  /** Available balance right after (not stored; carried into events). */
  readonly availableAfter: bigint;
}

export type PendingState = 'pending' | 'posted' | 'voided' | 'expired';

export interface PendingTransfer {
  readonly id: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  state: PendingState;
  /** Epoch ms, or null for a hold that never expires. */
  readonly expiresAt: number | null;
  resolvedBy: string | null;
  postedAmount: bigint | null;
}

export type TransferOutcome =
  | { readonly id: string; readonly status: 'created'; readonly transfer: Transfer }
  | { readonly id: string; readonly status: 'exists'; readonly transfer: Transfer }
  | { readonly id: string; readonly status: 'failed'; readonly error: TransferError };

/**
 * The request's fingerprint: what must be identical for a replay of the same id to count
 * as the same transfer. Defaults are applied first, so omitting a default is no change.
 */
export function fingerprintOf(r: TransferRequest): string {
  return [
    r.kind,
    r.debitAccountId ?? '',
    r.creditAccountId ?? '',
    r.amount?.toString() ?? '',
    r.currency ?? '',
    r.pendingId ?? '',
    String(r.timeoutSeconds ?? 0),
    String(r.code),
    r.reference ?? '',
  ].join('|');
}
