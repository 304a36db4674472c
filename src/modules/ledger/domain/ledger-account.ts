/** The side on which an account's balance grows: credit for customer deposits (liabilities), debit for assets. */
export type NormalSide = 'debit' | 'credit';
export type LedgerAccountStatus = 'open' | 'frozen' | 'closed';

/**
 * A ledger account's state: TigerBeetle's four running totals plus the rules that bound
 * them. Amounts are bigint minor units of one currency.
 */
export interface LedgerAccountState {
  readonly id: string;
  readonly currency: string;
  readonly normalSide: NormalSide;
  readonly debitsMustNotExceedCredits: boolean;
  readonly creditsMustNotExceedDebits: boolean;
  /** How far the bounded side may go past the other (an overdraft on a deposit account). */
  readonly overdraftLimit: bigint;
  readonly status: LedgerAccountStatus;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface Balances {
  /** Posted balance on the account's normal side. */
  readonly posted: bigint;
  /** Net amount held by pending transfers, on the normal side (negative: holds against it). */
  readonly pending: bigint;
  /** What may still be spent: posted minus outgoing holds, plus any overdraft. */
  readonly available: bigint;
}

export function balancesOf(
  a: Pick<LedgerAccountState, 'normalSide' | 'debitsPending' | 'debitsPosted' | 'creditsPending' | 'creditsPosted' | 'overdraftLimit'>,
): Balances {
  if (a.normalSide === 'credit') {
    const posted = a.creditsPosted - a.debitsPosted;
    return { posted, pending: a.creditsPending - a.debitsPending, available: posted - a.debitsPending + a.overdraftLimit };
  }
  const posted = a.debitsPosted - a.creditsPosted;
  return { posted, pending: a.debitsPending - a.creditsPending, available: posted - a.creditsPending + a.overdraftLimit };
}
