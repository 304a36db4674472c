import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { TransferCreatedV1 } from '@modules/ledger/contract';
import { FanOutEvent } from './fan-out-event';

/** The ledger's transfers (`transactions.created`) become webhook messages for bank-wide endpoints. */
@Injectable()
@OnIntegrationEvent({ context: 'notifications', name: 'webhooks-ledger', events: [TransferCreatedV1] })
export class OnLedgerEventHandler implements IntegrationEventHandler {
  constructor(private readonly fanOut: FanOutEvent) {}

  handle(event: EventEnvelope, tx: Tx): Promise<void> {
    return this.fanOut.handle(event, tx);
  }
}
