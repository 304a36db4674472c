import type { LedgerAccountState } from '../ledger-account';
import type { TransferError, TransferKind } from '../transfer';

/**
 * A closed account takes no postings at all. A frozen account takes money in but lets
 * none out: no new debits and no posting of holds against it; releasing a hold is allowed.
 */
export function accountsAcceptPostings(kind: TransferKind, debit: LedgerAccountState, credit: LedgerAccountState): TransferError | null {
  const releases = kind === 'void_pending' || kind === 'expire_pending';
  if (!releases && (debit.status === 'closed' || credit.status === 'closed')) return 'ACCOUNT_CLOSED';
  if (!releases && debit.status === 'frozen') return 'ACCOUNT_FROZEN';
  return null;
}
