import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Scheduler } from '../../platform/jobs/scheduler';
import type { ContextDefinition } from '../../platform/context-definition';
import { ChangeLedgerAccountHandler } from './application/change-ledger-account/change-ledger-account.handler';
import { CreateLedgerAccountHandler } from './application/create-ledger-account/create-ledger-account.handler';
import { ExpirePendingTransfersJob } from './application/expire-pending-transfers/expire-pending-transfers.job';
import { GetBalanceAsOfHandler, GetLedgerAccountsHandler, GetTransferHandler, ListPostingsHandler } from './application/ledger-queries/ledger-queries.handlers';
import { ReconcileBalancesJob } from './application/reconcile-balances/reconcile-balances.job';
import { SubmitTransfersHandler } from './application/submit-transfers/submit-transfers.handler';
import { LedgerAccountsHttpController } from './api/ledger-accounts.http-controller';
import { ReconciliationsHttpController } from './api/reconciliations.http-controller';
import { TransfersHttpController } from './api/transfers.http-controller';
import { LedgerRepository } from './infrastructure/ledger.repository';
import { TransferCommitter } from './infrastructure/transfer-committer';

const EXPIRY_EVERY_MS = 1_000;
const RECONCILE_EVERY_MS = 3_600_000;

@Module({
  controllers: [TransfersHttpController, LedgerAccountsHttpController, ReconciliationsHttpController],
  providers: [
    LedgerRepository,
    TransferCommitter,
    SubmitTransfersHandler,
    CreateLedgerAccountHandler,
    ChangeLedgerAccountHandler,
    GetLedgerAccountsHandler,
    GetTransferHandler,
    ListPostingsHandler,
    GetBalanceAsOfHandler,
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

export const ledgerContext: ContextDefinition = { name: 'ledger', module: LedgerModule };
