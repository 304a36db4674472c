import { defineContract } from '@shared-kernel';
import { ChangeLedgerAccountCommand } from './commands/change-ledger-account.command';
import { CreateLedgerAccountCommand } from './commands/create-ledger-account.command';
import { SubmitTransfersCommand } from './commands/submit-transfers.command';
import { PendingTransferResolvedV1 } from './events/pending-transfer-resolved.v1.event';
import { ReconciliationMismatchV1 } from './events/reconciliation-mismatch.v1.event';
import { TransferCreatedV1 } from './events/transfer-created.v1.event';
import { GetBalanceAsOfQuery } from './queries/get-balance-as-of.query';
import { GetLedgerAccountsQuery } from './queries/get-ledger-accounts.query';
import { GetTransferQuery } from './queries/get-transfer.query';
import { ListPostingsQuery } from './queries/list-postings.query';

export * from './views';
export * from './commands/create-ledger-account.command';
export * from './commands/submit-transfers.command';
export * from './commands/change-ledger-account.command';
export * from './queries/get-ledger-accounts.query';
export * from './queries/get-transfer.query';
export * from './queries/list-postings.query';
export * from './queries/get-balance-as-of.query';
export * from './events/transfer-created.v1.event';
export * from './events/pending-transfer-resolved.v1.event';
export * from './events/reconciliation-mismatch.v1.event';

/** What the ledger offers other contexts: these commands and queries (over the bus) and events (topics). */
export const ledgerContract = defineContract({
  commands: [SubmitTransfersCommand, CreateLedgerAccountCommand, ChangeLedgerAccountCommand],
  queries: [GetLedgerAccountsQuery, GetTransferQuery, ListPostingsQuery, GetBalanceAsOfQuery],
  events: [TransferCreatedV1, PendingTransferResolvedV1, ReconciliationMismatchV1],
});
