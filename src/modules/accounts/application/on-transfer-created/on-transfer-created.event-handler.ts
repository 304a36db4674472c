import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { TransferCreatedV1 } from '@modules/ledger/contract';
import { BalanceChangedV1 } from '@modules/accounts/contract';
import { AccountRepository } from '@modules/accounts/infrastructure/account.repository';

/**
 * Real-time balances: every ledger transfer touching a customer account becomes an
 * accounts.balance-changed event for that account. The event is appended to the accounts
 * outbox in the transaction that records the ledger event in the inbox, so a redelivered
 * transfer-created event changes nothing (EventDispatcher drops it before this runs).
 */
@Injectable()
@OnIntegrationEvent({ context: 'accounts', name: 'balance-changed', events: [TransferCreatedV1] })
export class OnTransferCreatedEventHandler implements IntegrationEventHandler<TransferCreatedV1> {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly outbox: Outbox,
  ) {}

  async handle(event: EventEnvelope<TransferCreatedV1>, tx: Tx): Promise<void> {
    const { transfer, debitAccount, creditAccount } = event.data;
    const sides = new Map([debitAccount, creditAccount].map((side) => [side.id, side.balances]));
    const touched = await this.accounts.findByLedgerAccountIds(tx, [...sides.keys()]);
    await this.outbox.append(
      tx,
      'accounts',
      touched.map((account) =>
        BalanceChangedV1(account.id, {
          accountId: account.id,
          ownerId: account.ownerId,
          currency: account.currency,
          transferId: transfer.id,
          asOf: transfer.createdAt,
          balances: sides.get(account.ledgerAccountId)!,
        }),
      ),
    );
  }
}
