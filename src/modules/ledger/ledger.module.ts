import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Scheduler } from '@platform/jobs/scheduler';
import { ChangeLedgerAccountCommandHandler } from './application/change-ledger-account/change-ledger-account.command-handler';
import { CreateLedgerAccountCommandHandler } from './application/create-ledger-account/create-ledger-account.command-handler';
import { ExpirePendingTransfersJob } from './application/expire-pending-transfers/expire-pending-transfers.job';
import { GetBalanceAsOfQueryHandler } from './application/get-balance-as-of/get-balance-as-of.query-handler';
import { GetLedgerAccountsQueryHandler } from './application/get-ledger-accounts/get-ledger-accounts.query-handler';
import { GetTransferQueryHandler } from './application/get-transfer/get-transfer.query-handler';
import { ListPostingsQueryHandler } from './application/list-postings/list-postings.query-handler';
import { ReconcileBalancesJob } from './application/reconcile-balances/reconcile-balances.job';
import { SubmitTransfersCommandHandler } from './application/submit-transfers/submit-transfers.command-handler';
import { TransferCommitter } from './application/submit-transfers/transfer-committer';
import { LedgerAccountsHttpController } from './api/ledger-accounts.http-controller';
import { ReconciliationsHttpController } from './api/reconciliations.http-controller';
import { TransfersHttpController } from './api/transfers.http-controller';
import { LedgerRepository } from './infrastructure/ledger.repository';

const EXPIRY_EVERY_MS = 1_000;
const RECONCILE_EVERY_MS = 3_600_000;

@Module({
  controllers: [TransfersHttpController, LedgerAccountsHttpController, ReconciliationsHttpController],
  providers: [
    LedgerRepository,
    TransferCommitter,
    SubmitTransfersCommandHandler,
    CreateLedgerAccountCommandHandler,
    ChangeLedgerAccountCommandHandler,
    GetLedgerAccountsQueryHandler,
    GetTransferQueryHandler,
    ListPostingsQueryHandler,
    GetBalanceAsOfQueryHandler,
    ExpirePendingTransfersJob,
    ReconcileBalancesJob,
  ],
})
export class LedgerModule implements OnApplicationBootstrap {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly expiry: ExpirePendingTransfersJob,
    private readonly reconciliation: ReconcileBalancesJob,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every('ledger.expire-pending-transfers', EXPIRY_EVERY_MS, () => this.expiry.run());
    this.scheduler.every('ledger.reconcile-balances', RECONCILE_EVERY_MS, () => this.reconciliation.run());
  }
}
