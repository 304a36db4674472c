import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import {
  AccountClosedV1,
  AccountFrozenV1,
  AccountOpenedV1,
  AccountUnfrozenV1,
  BalanceChangedV1,
  InterestCapitalisedV1,
  StatementIssuedV1,
} from '@modules/accounts/contract';
import { FanOutEvent } from './fan-out-event';

/** Accounts' events (`accounts.events`) become webhook messages for the endpoints that may receive them. */
@Injectable()
@OnIntegrationEvent({
  context: 'notifications',
  name: 'webhooks-accounts',
  events: [AccountOpenedV1, AccountFrozenV1, AccountUnfrozenV1, AccountClosedV1, BalanceChangedV1, StatementIssuedV1, InterestCapitalisedV1],
})
export class OnAccountsEventHandler implements IntegrationEventHandler {
  constructor(private readonly fanOut: FanOutEvent) {}

  handle(event: EventEnvelope, tx: Tx): Promise<void> {
    return this.fanOut.handle(event, tx);
  }
}
