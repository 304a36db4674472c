import { defineIntegrationEvent } from '../../../../shared-kernel';
import type { AccountBalancesView } from '../views';
import { ACCOUNTS_TOPIC } from './account-lifecycle.v1.events';

export interface BalanceChangedV1 {
  readonly accountId: string;
  readonly ownerId: string;
  readonly currency: string;
  /** The ledger transfer that changed the balance (one event per transfer and account). */
  readonly transferId: string;
  /** When the ledger committed the transfer; order balance updates of an account by it. */
  readonly asOf: string;
  readonly balances: AccountBalancesView;
}

/** Real-time balance update, after every ledger transfer touching the account. */
export const BalanceChangedV1 = defineIntegrationEvent<BalanceChangedV1>('accounts.balance-changed.v1', ACCOUNTS_TOPIC);
