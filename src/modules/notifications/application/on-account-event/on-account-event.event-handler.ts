import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import {
  AccountClosedV1,
  BalanceChangedV1,
  InterestCapitalisedV1,
  StatementIssuedV1,
  type AccountClosedV1 as AccountClosed,
  type BalanceChangedV1 as BalanceChanged,
  type InterestCapitalisedV1 as InterestCapitalised,
  type StatementIssuedV1 as StatementIssued,
} from '@modules/accounts/contract';
import { PlanNotification, type NotificationRequest } from '../plan-notification/plan-notification';

/** The template and variables (ids, amounts, timestamps; never names or numbers) of each accounts event. */
export function requestOf(event: EventEnvelope): NotificationRequest | null {
  const base = { id: event.id };
  switch (event.type) {
    case BalanceChangedV1.type: {
      const d = event.data as BalanceChanged;
      return {
        ...base,
        userId: d.ownerId,
        template: 'balance-changed',
        variables: { accountId: d.accountId, currency: d.currency, balance: d.balances.posted, asOf: d.asOf },
      };
    }
    case StatementIssuedV1.type: {
      const d = event.data as StatementIssued;
      return {
        ...base,
        userId: d.ownerId,
        template: 'statement-issued',
        variables: { accountId: d.accountId, statementId: d.statementId, kind: d.kind, periodFrom: d.periodFrom, periodTo: d.periodTo },
      };
    }
    case InterestCapitalisedV1.type: {
      const d = event.data as InterestCapitalised;
      return {
        ...base,
        userId: d.ownerId,
        template: 'interest-capitalised',
        variables: { accountId: d.accountId, currency: d.currency, amount: d.amount, period: d.period },
      };
    }
    case AccountClosedV1.type: {
      const d = event.data as AccountClosed;
      return {
        ...base,
        userId: d.ownerId,
        template: 'account-closed',
        variables: { accountId: d.accountId, currency: d.currency, sweptAmount: d.sweptAmount, closedAt: d.closedAt },
      };
    }
    default:
      return null;
  }
}

/** Accounts' events become messages to the account's owner, through the inbox (a redelivery sends nothing twice). */
@Injectable()
@OnIntegrationEvent({ context: 'notifications', name: 'account-events', events: [BalanceChangedV1, StatementIssuedV1, InterestCapitalisedV1, AccountClosedV1] })
export class OnAccountEventEventHandler implements IntegrationEventHandler {
  constructor(private readonly planning: PlanNotification) {}

  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    const request = requestOf(event);
    if (request) await this.planning.plan(tx, request, 'record');
  }
}
