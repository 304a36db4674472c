/** What a transfer needs to know of the payee's account (as accounts answers it). */
export interface PayeeAccount {
  readonly id: string;
  readonly status: 'pending' | 'active' | 'frozen' | 'closing' | 'closed';
  readonly currency: string;
}

/** Accounts that receive: active, and frozen (nothing leaves a frozen account, money still arrives, as in accounts). */
const RECEIVING: ReadonlySet<PayeeAccount['status']> = new Set(['active', 'frozen']);

export type PayeeRefusal = 'PAYEE_ACCOUNT_SAME_AS_SOURCE' | 'PAYEE_ACCOUNT_NOT_FOUND';

/**
 * Why a transfer from `sourceAccountId` in `currency` cannot go to `payee` (null: it can). An
 * unknown number, an account not open or no longer open, and one in another currency get the
 * one answer, so the payer learns nothing about a number that cannot receive the transfer.
 */
export function payeeRefusal(sourceAccountId: string, payee: PayeeAccount | null, currency: string): PayeeRefusal | null {
  if (payee?.id === sourceAccountId) return 'PAYEE_ACCOUNT_SAME_AS_SOURCE';
  if (!payee || !RECEIVING.has(payee.status) || payee.currency !== currency) return 'PAYEE_ACCOUNT_NOT_FOUND';
  return null;
}
