import { z } from 'zod';
import { CurrencyCode, defineIntegrationEvent, Id, MinorUnits, Timestamp } from '@shared-kernel';
import { ACCOUNTS_TOPIC } from './account-lifecycle.v1.events';

/** Accrued interest was paid into the account (once per account and period). */
export const InterestCapitalisedV1 = defineIntegrationEvent(
  'accounts.interest-capitalised.v1',
  ACCOUNTS_TOPIC,
  z
    .object({
      accountId: Id,
      ownerId: Id,
      currency: CurrencyCode,
      /** The month paid (YYYY-MM), or `final` when the account was closed. */
      period: z.string().regex(/^([0-9]{4}-[0-9]{2}|final)$/),
      /** Minor units paid into the account. */
      amount: MinorUnits,
      /** The ledger transfer from the bank's interest-expense account (id derived from account and period). */
      transferId: Id,
      capitalisedAt: Timestamp,
    })
    .meta({ id: 'InterestCapitalisedV1' }),
);
export type InterestCapitalisedV1 = z.infer<typeof InterestCapitalisedV1.data>;
