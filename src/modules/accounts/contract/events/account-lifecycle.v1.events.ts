import { z } from 'zod';
import { CurrencyCode, defineIntegrationEvent, Id, MinorUnits, Timestamp } from '@shared-kernel';
import { AccountProductView } from '../views';

/** Topic of every accounts event; keyed by account id, so one account's events stay ordered. */
export const ACCOUNTS_TOPIC = 'accounts.events';

/*
 * Events carry ids, product, currency and status only: no names, no account number or
 * IBAN (personal and financial identifiers stay in the accounts API, behind its checks).
 */

export const AccountOpenedV1 = defineIntegrationEvent(
  'accounts.account-opened.v1',
  ACCOUNTS_TOPIC,
  z
    .object({
      accountId: Id,
      ownerId: Id,
      product: AccountProductView,
      currency: CurrencyCode,
      ledgerAccountId: Id,
      overdraftLimit: MinorUnits,
      openedAt: Timestamp,
    })
    .meta({ id: 'AccountOpenedV1' }),
);
export type AccountOpenedV1 = z.infer<typeof AccountOpenedV1.data>;

const AccountStatusChangedV1 = z
  .object({
    accountId: Id,
    ownerId: Id,
    /** Who did it: a user id or a service client id. */
    actor: z.string(),
    at: Timestamp,
  })
  .meta({ id: 'AccountStatusChangedV1' });
export type AccountStatusChangedV1 = z.infer<typeof AccountStatusChangedV1>;

/** Support froze the account: no money leaves it until unfrozen (incoming money is accepted). */
export const AccountFrozenV1 = defineIntegrationEvent('accounts.account-frozen.v1', ACCOUNTS_TOPIC, AccountStatusChangedV1);
export const AccountUnfrozenV1 = defineIntegrationEvent('accounts.account-unfrozen.v1', ACCOUNTS_TOPIC, AccountStatusChangedV1);

export const AccountClosedV1 = defineIntegrationEvent(
  'accounts.account-closed.v1',
  ACCOUNTS_TOPIC,
  z
    .object({
      accountId: Id,
      ownerId: Id,
      ledgerAccountId: Id,
      /** Where the remaining balance went (null when there was nothing to sweep). */
      sweptToAccountId: Id.nullable(),
      sweptAmount: MinorUnits,
      currency: CurrencyCode,
      closedAt: Timestamp,
    })
    .meta({ id: 'AccountClosedV1' }),
);
export type AccountClosedV1 = z.infer<typeof AccountClosedV1.data>;
