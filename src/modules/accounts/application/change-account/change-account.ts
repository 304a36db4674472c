import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { accountsConfig, type AccountsConfig } from '@modules/accounts/accounts.config';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { ChangeLedgerAccountCommand } from '@modules/ledger/contract';
import { AccountFrozenV1, AccountUnfrozenV1 } from '@modules/accounts/contract';
import { nextStatus } from '@modules/accounts/domain/account';
import { accountNotFound, overdraftRefused, transitionNotAllowed } from '@modules/accounts/domain/account-errors';
import { overdraftRefusal } from '@modules/accounts/domain/overdraft-policy';
import { AccountRepository, type AccountRecord } from '@modules/accounts/infrastructure/account.repository';
import { overdraftPolicyOf } from '../overdraft-policy.config';

/**
 * Support's changes to an account: freeze, unfreeze, overdraft limit. The accounts row
 * changes first, under its lock (so a freeze and a closure never interleave), then the
 * ledger account follows. A repeat of the same change re-applies the ledger side, so a
 * crash between the two is healed by retrying the request.
 */
@Injectable()
export class ChangeAccount {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: AccountRepository,
    private readonly commands: CommandBus,
    private readonly outbox: Outbox,
    @Inject(accountsConfig.token) private readonly config: AccountsConfig,
  ) {}

  /** No money leaves a frozen account (the ledger refuses debits); incoming money is accepted. */
  freeze(accountId: string, actor: string): Promise<AccountRecord> {
    return this.changeStatus(accountId, actor, 'freeze');
  }

  unfreeze(accountId: string, actor: string): Promise<AccountRecord> {
    return this.changeStatus(accountId, actor, 'unfreeze');
  }

  private async changeStatus(accountId: string, actor: string, action: 'freeze' | 'unfreeze'): Promise<AccountRecord> {
    const target = action === 'freeze' ? 'frozen' : 'active';
    const account = await this.uow.run(async (tx) => {
      const current = await this.accounts.findByIdForUpdate(tx, accountId);
      if (!current) throw accountNotFound();
      if (current.status === target) return current; // a repeat: only the ledger side is re-applied
      if (nextStatus(current.status, action) !== target) throw transitionNotAllowed(current.status, action);
      const changed = await this.accounts.setStatus(tx, accountId, target);
      const event = action === 'freeze' ? AccountFrozenV1 : AccountUnfrozenV1;
      await this.outbox.append(tx, 'accounts', [event(accountId, { accountId, ownerId: changed.ownerId, actor, at: changed.updatedAt.toISOString() })]);
      return changed;
    });
    await this.commands.execute(
      new ChangeLedgerAccountCommand({ accountId: account.ledgerAccountId, change: { status: action === 'freeze' ? 'frozen' : 'open' } }),
    );
    return account;
  }

  /** Staff set a checking account's overdraft within the product policy; savings never get one. */
  async setOverdraftLimit(accountId: string, limit: bigint): Promise<AccountRecord> {
    const policy = overdraftPolicyOf(this.config);
    const account = await this.uow.run(async (tx) => {
      const current = await this.accounts.findByIdForUpdate(tx, accountId);
      if (!current) throw accountNotFound();
      if (current.status !== 'active' && current.status !== 'frozen') throw transitionNotAllowed(current.status, 'change the overdraft of');
      const refusal = overdraftRefusal(current.product, limit, policy);
      if (refusal) throw overdraftRefused(refusal, current.product === 'savings' ? 0n : policy.checkingMax);
      return this.accounts.setOverdraftLimit(tx, accountId, limit);
    });
    await this.commands.execute(new ChangeLedgerAccountCommand({ accountId: account.ledgerAccountId, change: { overdraftLimit: limit.toString() } }));
    return account;
  }
}
