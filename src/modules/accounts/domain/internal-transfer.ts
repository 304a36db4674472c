import type { AccountStatus } from './account';

/** What an internal transfer needs to know of the two accounts. */
export interface TransferSide {
  readonly id: string;
  readonly status: AccountStatus;
  readonly currency: string;
}

/**
 * Why money cannot move from `from` to `to` (null: it may, the ledger decides on the
 * funds). The codes are the ledger's where it has one, so a refusal reads the same
 * whether we saw it first or the ledger did (e.g. a freeze landing mid-request).
 */
export type InternalTransferRefusal =
  | 'ACCOUNT_NOT_OPEN' // the source is still being opened
  | 'ACCOUNT_FROZEN' // nothing leaves a frozen account
  | 'ACCOUNT_CLOSED' // nor a closing or closed one (the closure sweeps the balance)
  | 'TARGET_NOT_FOUND' // unknown, pending, closing or closed payee: the caller learns nothing more
  | 'ACCOUNTS_MUST_BE_DIFFERENT'
  | 'CURRENCY_MISMATCH';

/** Payees that accept money: active, and frozen (a frozen account still receives, it only pays nothing out). */
const RECEIVING: readonly AccountStatus[] = ['active', 'frozen'];

export function internalTransferRefusal(from: TransferSide, to: TransferSide | null): InternalTransferRefusal | null {
  if (from.status === 'pending') return 'ACCOUNT_NOT_OPEN';
  if (from.status === 'frozen') return 'ACCOUNT_FROZEN';
  if (from.status !== 'active') return 'ACCOUNT_CLOSED';
  if (!to || !RECEIVING.includes(to.status)) return 'TARGET_NOT_FOUND';
  if (to.id === from.id) return 'ACCOUNTS_MUST_BE_DIFFERENT';
  if (to.currency !== from.currency) return 'CURRENCY_MISMATCH';
  return null;
}
