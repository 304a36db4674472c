import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Scheduler } from '@platform/jobs/scheduler';
import { ChangeAccount } from './application/change-account/change-account';
import { CloseAccountWorkflow } from './application/close-account/close-account.workflow';
import { InterestSettlement } from './application/close-account/interest-settlement';
import { OnTransferCreatedEventHandler } from './application/on-transfer-created/on-transfer-created.event-handler';
import { FindAccountByNumberQueryHandler } from './application/find-account-by-number/find-account-by-number.query-handler';
import { GetAccountQueryHandler } from './application/get-account/get-account.query-handler';
import { OpenAccount } from './application/open-account/open-account';
import { ReadAccounts } from './application/read-accounts/read-accounts';
import { ResumeWorkflowsJob } from './application/resume-workflows/resume-workflows.job';
import { TransferMoney } from './application/transfer-money/transfer-money';
import { AccountTransfersHttpController } from './api/account-transfers.http-controller';
import { AccountsHttpController } from './api/accounts.http-controller';
import { AdminAccountsHttpController } from './api/admin-accounts.http-controller';
import { AccountRepository } from './infrastructure/account.repository';
import { ClosureInterestSettlement, INTEREST_CONTROLLERS, INTEREST_PROVIDERS } from './interest/interest.providers';
import { STATEMENT_CONTROLLERS, STATEMENT_PROVIDERS } from './statements/statement.providers';

const RESUME_EVERY_MS = 30_000;

/**
 * Customer accounts (checking, savings) on top of ledger accounts: opening, numbers and
 * IBANs, transfers between accounts, freezing, overdraft policy, closure, balance-change
 * events. Statements and interest live under statements/ and interest/ of this context.
 */
@Module({
  controllers: [AccountsHttpController, AccountTransfersHttpController, AdminAccountsHttpController, ...STATEMENT_CONTROLLERS, ...INTEREST_CONTROLLERS],
  providers: [
    AccountRepository,
    ReadAccounts,
    GetAccountQueryHandler,
    FindAccountByNumberQueryHandler,
    OpenAccount,
    ChangeAccount,
    TransferMoney,
    CloseAccountWorkflow,
    { provide: InterestSettlement, useExisting: ClosureInterestSettlement },
    ...INTEREST_PROVIDERS,
    ...STATEMENT_PROVIDERS,
    OnTransferCreatedEventHandler,
    ResumeWorkflowsJob,
  ],
  exports: [AccountRepository],
})
export class AccountsModule implements OnApplicationBootstrap {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly resume: ResumeWorkflowsJob,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every('accounts.resume-workflows', RESUME_EVERY_MS, () => this.resume.run());
  }
}
