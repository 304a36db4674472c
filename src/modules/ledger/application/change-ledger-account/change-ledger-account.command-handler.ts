import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError, parseMinorUnits, UnprocessableError, ValidationError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { ChangeLedgerAccountCommand, type LedgerAccountView } from '@modules/ledger/contract';
import { LedgerRepository } from '@modules/ledger/infrastructure/ledger.repository';
import { accountView } from '@modules/ledger/infrastructure/ledger-rows';

@CommandHandler(ChangeLedgerAccountCommand)
export class ChangeLedgerAccountCommandHandler implements ICommandHandler<ChangeLedgerAccountCommand, LedgerAccountView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: LedgerRepository,
  ) {}

  execute({ accountId, change }: ChangeLedgerAccountCommand): Promise<LedgerAccountView> {
    const overdraft = change.overdraftLimit === undefined ? undefined : parseMinorUnits(change.overdraftLimit);
    if (change.overdraftLimit !== undefined && overdraft === undefined) {
      throw new ValidationError('The change is invalid', [
        { field: 'overdraftLimit', message: 'overdraftLimit must be a non-negative integer of minor units, as a string' },
      ]);
    }
    // Under the account's row lock: no transfer can slip in between the checks and the change.
    return this.uow.run(async (tx) => {
      const row = await this.repository.lockAccount(tx, accountId);
      if (!row) throw new NotFoundError('LEDGER_ACCOUNT_NOT_FOUND', `no ledger account ${accountId}`);
      const status = change.status ?? row.status;
      if (row.status === 'closed' && status !== 'closed') throw new UnprocessableError('LEDGER_ACCOUNT_CLOSED', 'a closed account cannot be reopened');
      if (status === 'closed' && (row.debits_pending !== '0' || row.credits_pending !== '0')) {
        throw new UnprocessableError('LEDGER_ACCOUNT_HAS_PENDING_TRANSFERS', 'resolve the pending transfers before closing the account');
      }
      // Checked under the same lock as the close: no posting can land between check and close.
      if (status === 'closed' && row.status !== 'closed' && change.requireZeroBalance && row.debits_posted !== row.credits_posted) {
        throw new UnprocessableError('LEDGER_ACCOUNT_HAS_BALANCE', 'move the balance out before closing the account');
      }
      return accountView(await this.repository.updateAccount(tx, accountId, { status, overdraftLimit: overdraft ?? BigInt(row.overdraft_limit) }));
    });
  }
}
