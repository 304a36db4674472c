import { z } from 'zod';
import { CurrencyCode, defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';
import { AccountBalancesView } from '../views';
import { ACCOUNTS_TOPIC } from './account-lifecycle.v1.events';

/** Real-time balance update, after every ledger transfer touching the account. */
export const BalanceChangedV1 = defineIntegrationEvent(
  'accounts.balance-changed.v1',
  ACCOUNTS_TOPIC,
  z
    .object({
      accountId: Id,
      ownerId: Id,
      currency: CurrencyCode,
      /** The ledger transfer that changed the balance (one event per transfer and account). */
      transferId: Id,
      /** When the ledger committed the transfer; order balance updates of an account by it. */
      asOf: Timestamp,
      balances: AccountBalancesView,
    })
    .meta({ id: 'BalanceChangedV1' }),
);
export type BalanceChangedV1 = z.infer<typeof BalanceChangedV1.data>;
