import { defineIntegrationEvent } from '../../../../shared-kernel';
import type { AccountProductView } from '../views';

/** Topic of every accounts event; keyed by account id, so one account's events stay ordered. */
export const ACCOUNTS_TOPIC = 'accounts.events';

/*
 * Events carry ids, product, currency and status only: no names, no account number or
 * IBAN (personal and financial identifiers stay in the accounts API, behind its checks).
 */

export interface AccountOpenedV1 {
  readonly accountId: string;
  readonly ownerId: string;
  readonly product: AccountProductView;
  readonly currency: string;
  readonly ledgerAccountId: string;
  readonly overdraftLimit: string;
  readonly openedAt: string;
}
export const AccountOpenedV1 = defineIntegrationEvent<AccountOpenedV1>('accounts.account-opened.v1', ACCOUNTS_TOPIC);

export interface AccountStatusChangedV1 {
  readonly accountId: string;
  readonly ownerId: string;
  /** Who did it: a user id or a service client id. */
  readonly actor: string;
  readonly at: string;
}
/** Support froze the account: no money leaves it until unfrozen (incoming money is accepted). */
export const AccountFrozenV1 = defineIntegrationEvent<AccountStatusChangedV1>('accounts.account-frozen.v1', ACCOUNTS_TOPIC);
export const AccountUnfrozenV1 = defineIntegrationEvent<AccountStatusChangedV1>('accounts.account-unfrozen.v1', ACCOUNTS_TOPIC);

export interface AccountClosedV1 {
  readonly accountId: string;
  readonly ownerId: string;
  readonly ledgerAccountId: string;
  /** Where the remaining balance went (null when there was nothing to sweep). */
  readonly sweptToAccountId: string | null;
  readonly sweptAmount: string;
  readonly currency: string;
  readonly closedAt: string;
}
export const AccountClosedV1 = defineIntegrationEvent<AccountClosedV1>('accounts.account-closed.v1', ACCOUNTS_TOPIC);
