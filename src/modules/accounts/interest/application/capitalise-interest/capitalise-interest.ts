import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { Clock } from '@platform/clock';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { CreateLedgerAccountCommand, SubmitTransfersCommand } from '@modules/ledger/contract';
import { InterestCapitalisedV1 } from '@modules/accounts/contract';
import { interestNotPaid } from '@modules/accounts/interest/domain/interest-errors';
import { InterestRepository, type CapitalisationRecord, type InterestAccount } from '@modules/accounts/interest/infrastructure/interest.repository';

/** Namespace of interest ids: transfers (`<account>:interest:<period>`) and expense accounts (`interest-expense:<currency>`). */
const INTEREST_ID_NAMESPACE = '8e3f6c2a-41d7-4b9e-a5c3-7f20d91b6e54';
/** Ledger code of interest payments (chart of accounts: interest paid to customers). */
export const INTEREST_TRANSFER_CODE = 6110;
/** Ledger code of the bank's interest-expense accounts. */
export const INTEREST_EXPENSE_ACCOUNT_CODE = 6100;

export const interestTransferId = (accountId: string, period: string) => uuidv5(`${accountId}:interest:${period}`, INTEREST_ID_NAMESPACE);
export const interestExpenseAccountId = (currency: string) => uuidv5(`interest-expense:${currency}`, INTEREST_ID_NAMESPACE);

/**
 * Pays accrued interest into an account: one ledger transfer per account and period
 * (a month, or `final` at closure) from the bank's interest-expense account of the
 * currency. The period's accruals are claimed and the amount recorded in one transaction;
 * the transfer id is derived from account and period, so a rerun (or a crash between the
 * two steps) re-submits the same transfer, which the ledger executes once.
 */
@Injectable()
export class CapitaliseInterest {
  private readonly logger = new Logger('CapitaliseInterest');
  private readonly expenseAccounts = new Set<string>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: InterestRepository,
    private readonly commands: CommandBus,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async capitalise(account: InterestAccount, period: string): Promise<CapitalisationRecord> {
    const record = await this.uow.run(async (tx) => {
      await this.repository.lockAccount(tx, account.id);
      return (
        (await this.repository.findCapitalisation(tx, account.id, period)) ??
        this.repository.recordCapitalisation(tx, account.id, period, interestTransferId(account.id, period))
      );
    });
    if (record.postedAt) return record;

    await this.ensureExpenseAccount(account.currency);
    const [result] = await this.commands.execute(
      new SubmitTransfersCommand({
        transfers: [
          {
            id: record.transferId,
            debitAccountId: interestExpenseAccountId(account.currency),
            creditAccountId: account.ledgerAccountId,
            amount: record.amount.toString(),
            currency: account.currency,
            code: INTEREST_TRANSFER_CODE,
            reference: `accounts:interest:${account.id}:${period}`,
          },
        ],
      }),
    );
    if (!result || result.status === 'failed') throw interestNotPaid(`the ledger refused the transfer (${result?.error ?? 'no answer'})`);

    const capitalisedAt = new Date(this.clock.now()).toISOString();
    await this.uow.run(async (tx) => {
      if (!(await this.repository.markPosted(tx, account.id, period))) return;
      await this.outbox.append(tx, 'accounts', [
        InterestCapitalisedV1(account.id, {
          accountId: account.id,
          ownerId: account.ownerId,
          currency: account.currency,
          period,
          amount: record.amount.toString(),
          transferId: record.transferId,
          capitalisedAt,
        }),
      ]);
    });
    return { ...record, postedAt: new Date(capitalisedAt) };
  }

  /**
   * The bank's interest-expense account of a currency: debit-normal, no limits, created
   * through the ledger's idempotent create (same id and fields answer the same account).
   */
  async ensureExpenseAccount(currency: string): Promise<void> {
    if (this.expenseAccounts.has(currency)) return;
    await this.commands.execute(
      new CreateLedgerAccountCommand({
        account: {
          id: interestExpenseAccountId(currency),
          currency,
          normalSide: 'debit',
          code: INTEREST_EXPENSE_ACCOUNT_CODE,
          reference: `accounts:interest-expense:${currency}`,
        },
      }),
    );
    this.expenseAccounts.add(currency);
  }

  /** At start-up, one expense account per offered currency; failures only delay it to first use. */
  async ensureExpenseAccounts(currencies: readonly string[]): Promise<void> {
    for (const currency of currencies) {
      await this.ensureExpenseAccount(currency).catch((err: unknown) => this.logger.warn({ currency, err }, 'interest-expense account not created yet'));
    }
  }
}
