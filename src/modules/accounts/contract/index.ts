import { defineContract } from '@shared-kernel';
import { AccountClosedV1, AccountFrozenV1, AccountOpenedV1, AccountUnfrozenV1 } from './events/account-lifecycle.v1.events';
import { BalanceChangedV1 } from './events/balance-changed.v1.event';
import { InterestCapitalisedV1 } from './events/interest-capitalised.v1.event';
import { StatementIssuedV1 } from './events/statement-issued.v1.event';
import { FindAccountByNumberQuery } from './queries/find-account-by-number.query';
import { GetAccountQuery } from './queries/get-account.query';

export * from './views';
export * from './queries/get-account.query';
export * from './queries/find-account-by-number.query';
export * from './events/account-lifecycle.v1.events';
export * from './events/balance-changed.v1.event';
export * from './events/interest-capitalised.v1.event';
export * from './events/statement-issued.v1.event';

/** What accounts offers other contexts: GetAccountQuery, FindAccountByNumberQuery and the `accounts.events` topic. */
export const accountsContract = defineContract({
  queries: [GetAccountQuery, FindAccountByNumberQuery],
  events: [AccountOpenedV1, AccountFrozenV1, AccountUnfrozenV1, AccountClosedV1, BalanceChangedV1, InterestCapitalisedV1, StatementIssuedV1],
});
