import { MAX_MINOR_UNITS } from '@shared-kernel/money';
import type { LedgerAccountState } from '../ledger-account';
import type { TransferError } from '../transfer';

/**
 * A deposit account cannot pay out more than it holds (plus its overdraft): debits,
 * including those held by pending transfers, stay within posted credits.
 */
export function debitsMustNotExceedCredits(a: LedgerAccountState): boolean {
  return !a.debitsMustNotExceedCredits || a.debitsPending + a.debitsPosted <= a.creditsPosted + a.overdraftLimit;
}

/** The mirror rule, for accounts that must never be credited beyond their debits. */
export function creditsMustNotExceedDebits(a: LedgerAccountState): boolean {
  return !a.creditsMustNotExceedDebits || a.creditsPending + a.creditsPosted <= a.debitsPosted + a.overdraftLimit;
}

/** Every running total must fit a Postgres bigint. */
export function totalsFit(a: LedgerAccountState): boolean {
  return a.debitsPending + a.debitsPosted <= MAX_MINOR_UNITS && a.creditsPending + a.creditsPosted <= MAX_MINOR_UNITS;
}

export function balanceRuleBroken(debit: LedgerAccountState, credit: LedgerAccountState): TransferError | null {
  if (!totalsFit(debit) || !totalsFit(credit)) return 'OVERFLOW';
  if (!debitsMustNotExceedCredits(debit)) return 'EXCEEDS_CREDITS';
  if (!creditsMustNotExceedDebits(credit)) return 'EXCEEDS_DEBITS';
  return null;
}
