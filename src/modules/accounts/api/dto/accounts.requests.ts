import { z } from 'zod';
import { CurrencyCode, Id, MINOR_UNITS_PATTERN, SignedMinorUnits, Timestamp } from '@shared-kernel';
import { AccountBalancesView, AccountProductView, AccountView } from '@modules/accounts/contract';
import { postingsQueryString } from '@modules/ledger/contract';

/* The accounts API's HTTP shapes: what the contract's views do not already say. */

export const AccountIdParams = z.strictObject({ id: Id });

export const OpenAccountRequest = z
  .strictObject({
    product: AccountProductView,
    currency: CurrencyCode.describe('ISO 4217; one of ACCOUNTS_CURRENCIES'),
  })
  .meta({ id: 'OpenAccountRequest' });
export type OpenAccountRequest = z.infer<typeof OpenAccountRequest>;

export const CloseAccountRequest = z
  .strictObject({
    sweepToAccountId: Id.optional().describe(
      'Another active account of the owner, same currency, receiving the remaining balance (required unless the balance is zero)',
    ),
  })
  .meta({ id: 'CloseAccountRequest' });

/** Minor units as a client sends them; the pattern holds the 64-bit bound, so the document states it too. */
const MinorUnitsInput = z
  .string()
  .regex(MINOR_UNITS_PATTERN, 'must be a non-negative integer of minor units within 64 bits, as a string')
  .meta({ example: '50000' });

export const SetOverdraftRequest = z
  .strictObject({
    overdraftLimit: MinorUnitsInput.describe('New overdraft limit in minor units; checking only, at most ACCOUNTS_CHECKING_MAX_OVERDRAFT'),
  })
  .meta({ id: 'SetOverdraftRequest' });

/** `GET /v1/admin/accounts?ownerId=`: one owner's accounts (the owner is required: no listing of every account). */
export const AdminAccountsQuery = z.strictObject({ ownerId: Id.describe('The user whose accounts to list') });

export const HistoryQuery = postingsQueryString(500, 50);

export const AccountWithBalances = AccountView.extend({ balances: AccountBalancesView }).meta({ id: 'AccountWithBalances' });

export const AccountList = z.object({ items: z.array(AccountWithBalances).describe('Oldest first') }).meta({ id: 'AccountList' });

export const AccountPosting = z
  .object({
    sequence: z
      .string()
      .regex(/^[1-9][0-9]*$/)
      .describe('Position in ledger order'),
    transferId: Id,
    side: z.enum(['debit', 'credit']).describe('debit: money out, credit: money in'),
    bucket: z.enum(['posted', 'pending']),
    amount: SignedMinorUnits.describe('Signed; releasing a hold is negative'),
    balanceAfter: SignedMinorUnits,
    pendingAfter: SignedMinorUnits,
    createdAt: Timestamp,
  })
  .meta({ id: 'AccountPosting' });

export const AccountHistory = z
  .object({
    items: z.array(AccountPosting),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null at the end'),
  })
  .meta({ id: 'AccountHistory' });
export type AccountHistory = z.infer<typeof AccountHistory>;
