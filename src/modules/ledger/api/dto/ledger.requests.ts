import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';
import { MAX_TRANSFERS_PER_BATCH, TransferInput, TransferResultView } from '@modules/ledger/contract';

/* HTTP shapes that are not contract messages themselves: path and query parameters, the batch envelope. */

export const LedgerIdParams = z.strictObject({ id: Id });

export const PostingsQuery = z.strictObject({
  from: Timestamp.optional().describe('From (inclusive)'),
  to: Timestamp.optional().describe('To (exclusive)'),
  bucket: z.enum(['posted', 'pending']).optional(),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, 'must be a cursor from a previous page')
    .optional()
    .describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('Page size (default 100)'),
});

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
