import { z } from 'zod';
import { defineCommand, Id, singleLineText } from '@shared-kernel';
import { TransferResultView } from '../views';

/** One transfer as other contexts and HTTP clients submit it (the shape; business rules are the ledger's). */
export const TransferInput = z
  .strictObject({
    id: Id.describe('Chosen by the caller: the idempotency key of the transfer'),
    kind: z.enum(['posted', 'pending', 'post_pending', 'void_pending']).optional().meta({ description: 'Default posted' }),
    debitAccountId: Id.optional().describe('Required for posted and pending'),
    creditAccountId: Id.optional().describe('Required for posted and pending'),
    amount: z
      .string()
      .regex(/^[1-9][0-9]{0,18}$/, 'must be a positive integer of minor units, as a string')
      .optional()
      .meta({ description: 'Minor units; post_pending may post less than the hold', example: '2500' }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
      .optional()
      .meta({ example: 'EUR' }),
    pendingId: Id.optional().describe('For post_pending and void_pending'),
    timeoutSeconds: z.number().int().min(0).max(31_622_400).optional().describe('Pending only: the hold expires after this'),
    linked: z.boolean().optional().describe('Commit together with the next transfer, all or nothing (default false)'),
    code: z.number().int().min(0).max(65_535).optional().describe('Transfer type'),
    reference: singleLineText(0, 200).optional(),
  })
  .meta({ id: 'TransferInput' });
export type TransferInput = z.infer<typeof TransferInput>;

/** Largest number of transfers one submission may carry. */
export const MAX_TRANSFERS_PER_BATCH = 5000;

/**
 * Submits transfers to the ledger, in order. The answer holds one result per transfer:
 * created, exists (a replay of the same id and fields), or failed with a stable code.
 * Other contexts (payments, cards, accounts) post through this command, never through SQL.
 */
export const SubmitTransfersCommand = defineCommand('ledger.submit-transfers.v1', {
  payload: z.object({ transfers: z.array(TransferInput).min(1).max(MAX_TRANSFERS_PER_BATCH) }),
  result: z.array(TransferResultView),
});
export type SubmitTransfersCommand = InstanceType<typeof SubmitTransfersCommand>;
