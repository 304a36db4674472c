import type { AccountProduct } from './account';

export interface OverdraftPolicy {
  /** Limit every new checking account gets (minor units). */
  readonly checkingDefault: bigint;
  /** Highest limit staff may grant a checking account (minor units). */
  readonly checkingMax: bigint;
}

export type OverdraftRefusal = 'OVERDRAFT_NOT_ALLOWED' | 'OVERDRAFT_ABOVE_POLICY';

/** Savings accounts never go below zero; checking accounts up to the product's maximum. */
export function overdraftRefusal(product: AccountProduct, limit: bigint, policy: OverdraftPolicy): OverdraftRefusal | null {
  if (limit === 0n) return null;
  if (product === 'savings') return 'OVERDRAFT_NOT_ALLOWED';
  return limit > policy.checkingMax ? 'OVERDRAFT_ABOVE_POLICY' : null;
}

export function openingOverdraft(product: AccountProduct, policy: OverdraftPolicy): bigint {
  return product === 'checking' ? policy.checkingDefault : 0n;
}
