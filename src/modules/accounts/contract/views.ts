/*
 * What the accounts context answers with, on the bus and over HTTP. Amounts are minor
 * units as decimal strings, currencies ISO 4217 codes.
 */

export type AccountProductView = 'checking' | 'savings';
export type AccountStatusView = 'pending' | 'active' | 'frozen' | 'closing' | 'closed';

export interface AccountBalancesView {
  /** Posted balance (what the customer holds; negative when overdrawn). */
  readonly posted: string;
  /** Net pending (holds against the account are negative). */
  readonly pending: string;
  /** What can be spent now: posted minus holds plus the overdraft limit. */
  readonly available: string;
}

export interface AccountView {
  readonly id: string;
  readonly ownerId: string;
  readonly product: AccountProductView;
  readonly currency: string;
  /** Ten digits, the last a Luhn check digit. */
  readonly accountNumber: string;
  /** EUR accounts only. */
  readonly iban: string | null;
  readonly status: AccountStatusView;
  readonly overdraftLimit: string;
  /** The ledger account holding the money (for contexts that post to it). */
  readonly ledgerAccountId: string;
  readonly openedAt: string | null;
  readonly closedAt: string | null;
  readonly createdAt: string;
}
