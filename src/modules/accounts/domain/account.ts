/** What a customer account is: a product backed by one ledger account, with a lifecycle. */

export const ACCOUNT_PRODUCTS = ['checking', 'savings'] as const;
export type AccountProduct = (typeof ACCOUNT_PRODUCTS)[number];

export const ACCOUNT_STATUSES = ['pending', 'active', 'frozen', 'closing', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
