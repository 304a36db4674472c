import { defineIntegrationEvent } from '../../../../shared-kernel';
import { ACCOUNTS_TOPIC } from './account-lifecycle.v1.events';

export interface InterestCapitalisedV1 {
  readonly accountId: string;
  readonly ownerId: string;
  readonly currency: string;
  /** The month paid (YYYY-MM), or `final` when the account was closed. */
  readonly period: string;
  /** Minor units paid into the account. */
  readonly amount: string;
  /** The ledger transfer from the bank's interest-expense account (id derived from account and period). */
  readonly transferId: string;
  readonly capitalisedAt: string;
}

/** Accrued interest was paid into the account (once per account and period). */
export const InterestCapitalisedV1 = defineIntegrationEvent<InterestCapitalisedV1>('accounts.interest-capitalised.v1', ACCOUNTS_TOPIC);
