import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Scheduler } from '../../platform/jobs/scheduler';
import { AccountQueries, GetAccountHandler } from './application/account-queries/account-queries';
import { ChangeAccountHandler } from './application/change-account/change-account.handler';
import { CloseAccountWorkflow } from './application/close-account/close-account.workflow';
import { InterestSettlement } from './application/close-account/interest-settlement';
import { OnTransferCreatedHandler } from './application/on-transfer-created/on-transfer-created.handler';
import { OpenAccountHandler } from './application/open-account/open-account.handler';
import { ResumeWorkflowsJob } from './application/resume-workflows/resume-workflows.job';
import { AccountsHttpController } from './api/accounts.http-controller';
import { AdminAccountsHttpController } from './api/admin-accounts.http-controller';
import { AccountRepository } from './infrastructure/account.repository';
import { ClosureInterestSettlement, INTEREST_CONTROLLERS, INTEREST_PROVIDERS } from './interest/interest.providers';
import { STATEMENT_CONTROLLERS, STATEMENT_PROVIDERS } from './statements/statement.providers';

const RESUME_EVERY_MS = 30_000;

/**
 * Customer accounts (checking, savings) on top of ledger accounts: opening, numbers and
 * IBANs, freezing, overdraft policy, closure, balance-change events. Statements and
 * interest live under statements/ and interest/ of this context.
 */
@Module({
  controllers: [AccountsHttpController, AdminAccountsHttpController, ...STATEMENT_CONTROLLERS, ...INTEREST_CONTROLLERS],
  providers: [
    AccountRepository,
    AccountQueries,
    GetAccountHandler,
    OpenAccountHandler,
    ChangeAccountHandler,
    CloseAccountWorkflow,
    { provide: InterestSettlement, useExisting: ClosureInterestSettlement },
    ...INTEREST_PROVIDERS,
    ...STATEMENT_PROVIDERS,
    OnTransferCreatedHandler,
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
