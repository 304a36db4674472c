import { z } from 'zod';
import { CurrencyCode, Id, MinorUnits, SignedMinorUnits, Timestamp } from '@shared-kernel';

/*
 * What the accounts context answers with, on the bus and over HTTP. Amounts are minor
 * units as decimal strings, currencies ISO 4217 codes.
 */

export const AccountProductView = z.enum(['checking', 'savings']);
export type AccountProductView = z.infer<typeof AccountProductView>;

export const AccountStatusView = z.enum(['pending', 'active', 'frozen', 'closing', 'closed']);
export type AccountStatusView = z.infer<typeof AccountStatusView>;

export const AccountBalancesView = z
  .object({
    posted: SignedMinorUnits.describe('Posted balance (what the customer holds; negative when overdrawn)'),
    pending: SignedMinorUnits.describe('Net pending (holds against the account are negative)'),
    available: SignedMinorUnits.describe('What can be spent now: posted minus holds plus the overdraft limit'),
  })
  .meta({ id: 'AccountBalances' });
export type AccountBalancesView = z.infer<typeof AccountBalancesView>;

export const AccountView = z
  .object({
    id: Id,
    ownerId: Id,
    product: AccountProductView,
    currency: CurrencyCode,
    accountNumber: z
      .string()
      .regex(/^[0-9]{10}$/)
      .describe('Ten digits, the last a Luhn check digit'),
    iban: z.string().nullable().describe('EUR accounts only'),
    status: AccountStatusView,
    overdraftLimit: MinorUnits,
    ledgerAccountId: Id.describe('The ledger account holding the money (for contexts that post to it)'),
    openedAt: Timestamp.nullable(),
    closedAt: Timestamp.nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Account' });
export type AccountView = z.infer<typeof AccountView>;
