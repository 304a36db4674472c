import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, ValidationError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { CreateLedgerAccountCommand, type LedgerAccountView } from '@modules/ledger/contract';
import { LedgerRepository } from '@modules/ledger/infrastructure/ledger.repository';
import { accountView } from '@modules/ledger/infrastructure/ledger-rows';

@CommandHandler(CreateLedgerAccountCommand)
export class CreateLedgerAccountCommandHandler implements ICommandHandler<CreateLedgerAccountCommand, LedgerAccountView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: LedgerRepository,
  ) {}

  async execute({ account: a }: CreateLedgerAccountCommand): Promise<LedgerAccountView> {
    // The shape is the contract's (NewLedgerAccount, parsed at the edge); this rule spans two fields.
    if (a.debitsMustNotExceedCredits && a.creditsMustNotExceedDebits) {
      throw new ValidationError('The ledger account is invalid', [
        { field: 'creditsMustNotExceedDebits', message: 'an account cannot bound both its debits and its credits' },
      ]);
    }
    const overdraft = BigInt(a.overdraftLimit ?? '0');

    const wanted = {
      id: a.id.toLowerCase(),
      currency: a.currency,
      normalSide: a.normalSide,
      debitsMustNotExceedCredits: a.debitsMustNotExceedCredits ?? false,
      creditsMustNotExceedDebits: a.creditsMustNotExceedDebits ?? false,
      overdraftLimit: overdraft,
      code: a.code ?? 0,
      reference: a.reference ?? null,
    };
    const { created, row } = await this.uow.run((tx) => this.repository.createAccount(tx, wanted));
    const same =
      row.currency === wanted.currency &&
      row.normal_side === wanted.normalSide &&
      row.debits_must_not_exceed_credits === wanted.debitsMustNotExceedCredits &&
      row.credits_must_not_exceed_debits === wanted.creditsMustNotExceedDebits &&
      row.code === wanted.code &&
      row.reference === wanted.reference;
    if (!created && !same) throw new ConflictError('LEDGER_ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS', `ledger account ${wanted.id} exists with other fields`);
    return accountView(row);
  }
}
