import { v5 as uuidv5 } from 'uuid';

/** Namespace of every id payments derives for the ledger (transfers, system accounts). */
const LEDGER_NAMESPACE = '8f5f2a4e-3c1b-4d7a-9e6f-2b8c0d1a7e53';
/** Namespace of payment ids derived from a caller's Idempotency-Key. */
const PAYMENT_ID_NAMESPACE = 'c4a1d9e2-6b3f-4f80-a5d7-1e9b2c3f4a60';

/**
 * Each ledger step of a payment (hold, post, void, fee, credit, refund:<id>, return) has an
 * id that follows from the payment and the step: a retry of the step (a crash before the
 * payment row recorded it, a webhook racing the API result) submits the same id, and the
 * ledger answers `exists` instead of moving money twice.
 */
export type LedgerStep = 'hold' | 'post' | 'void' | 'fee' | 'credit' | 'return' | `refund:${string}:${'hold' | 'post' | 'void'}`;

export const ledgerTransferId = (paymentId: string, step: LedgerStep): string => uuidv5(`payments:${paymentId}:${step}`, LEDGER_NAMESPACE);

/** The system ledger accounts payments owns, by name (e.g. `payments:clearing:payout:EUR`). */
export type SystemAccount =
  | { readonly kind: 'payout_clearing'; readonly currency: string }
  | { readonly kind: 'payin_clearing'; readonly connector: string; readonly currency: string }
  | { readonly kind: 'fees'; readonly currency: string };

export function systemAccountName(account: SystemAccount): string {
  switch (account.kind) {
    case 'payout_clearing':
      return `payments:clearing:payout:${account.currency}`;
    case 'payin_clearing':
      return `payments:clearing:payin:${account.connector}:${account.currency}`;
    case 'fees':
      return `payments:fees:${account.currency}`;
  }
}

export const systemAccountId = (account: SystemAccount): string => uuidv5(systemAccountName(account), LEDGER_NAMESPACE);

/** The payment a caller's Idempotency-Key stands for: the same on every retry. */
export const paymentIdFor = (ownerId: string, idempotencyKey: string): string => uuidv5(`${ownerId}:${idempotencyKey}:payment`, PAYMENT_ID_NAMESPACE);
export const refundIdFor = (ownerId: string, paymentId: string, idempotencyKey: string): string =>
  uuidv5(`${ownerId}:${paymentId}:${idempotencyKey}:refund`, PAYMENT_ID_NAMESPACE);
/** The pay-in a bank credit becomes (its dedupe key: the bank's reference and what identifies the entry): the same on every reading of the statement. */
export const bankCreditIdFor = (dedupeKey: string): string => uuidv5(`bank-credit:${dedupeKey}`, PAYMENT_ID_NAMESPACE);
