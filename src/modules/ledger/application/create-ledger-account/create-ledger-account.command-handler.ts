import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, isCurrencyCode, isUuid, parseMinorUnits, ValidationError, type FieldError } from '@shared-kernel';
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
    const errors: FieldError[] = [];
    if (!isUuid(a.id)) errors.push({ field: 'id', message: 'id must be a UUID' });
    if (!isCurrencyCode(a.currency)) errors.push({ field: 'currency', message: 'currency must be an ISO 4217 code' });
    if (a.normalSide !== 'debit' && a.normalSide !== 'credit') errors.push({ field: 'normalSide', message: 'normalSide must be debit or credit' });
    const overdraft = parseMinorUnits(a.overdraftLimit ?? '0');
    if (overdraft === undefined) errors.push({ field: 'overdraftLimit', message: 'overdraftLimit must be a non-negative integer of minor units, as a string' });
    if (a.debitsMustNotExceedCredits && a.creditsMustNotExceedDebits) {
      errors.push({ field: 'creditsMustNotExceedDebits', message: 'an account cannot bound both its debits and its credits' });
    }
    if (errors.length) throw new ValidationError('The ledger account is invalid', errors);

    const wanted = {
      id: a.id.toLowerCase(),
      currency: a.currency,
      normalSide: a.normalSide,
      debitsMustNotExceedCredits: a.debitsMustNotExceedCredits ?? false,
      creditsMustNotExceedDebits: a.creditsMustNotExceedDebits ?? false,
      overdraftLimit: overdraft!,
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
