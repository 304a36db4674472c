import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';
import { MAX_TRANSFERS_PER_BATCH, postingsQueryString, TransferInput, TransferResultView } from '@modules/ledger/contract';

/* HTTP shapes that are not contract messages themselves: path and query parameters, the batch envelope. */

export const LedgerIdParams = z.strictObject({ id: Id });

export const PostingsQuery = postingsQueryString(1000, 100);

export const BalanceAsOfQuery = z.strictObject({ asOf: Timestamp });

export const TransferBatchRequest = z
  .strictObject({ transfers: z.array(TransferInput).min(1).max(MAX_TRANSFERS_PER_BATCH) })
  .meta({ id: 'TransferBatchRequest' });

export const TransferBatchResponse = z.object({ results: z.array(TransferResultView) }).meta({ id: 'TransferBatchResponse' });

export const ReconciliationReportView = z
  .object({
    checkedAt: Timestamp,
    accountsChecked: z.number().int(),
    mismatchedAccounts: z.array(Id).describe('Accounts whose stored totals differ from the sum of their postings'),
    unbalancedCurrencies: z.array(z.string()).describe('Currencies whose accounts do not sum to zero'),
  })
  .meta({ id: 'ReconciliationReport' });
