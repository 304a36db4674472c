import { z } from 'zod';
import { CurrencyCode, defineCommand, Id, POSITIVE_MINOR_UNITS_PATTERN, RULES_CHECKED_IN_CODE, singleLineText } from '@shared-kernel';
import { TransferResultView } from '../views';

export const TRANSFER_KINDS = ['posted', 'pending', 'post_pending', 'void_pending'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];
type TransferField = 'debitAccountId' | 'creditAccountId' | 'amount' | 'currency' | 'pendingId' | 'timeoutSeconds';

const MOVES_MONEY = ['debitAccountId', 'creditAccountId', 'amount', 'currency'] as const;

/**
 * Which fields each kind needs and which it refuses (kind absent is posted), stated once: the
 * ledger checks them field by field (toTransferRequest, with a message each) and the
 * document states them (TransferInput's anyOf, one branch per kind).
 */
export const TRANSFER_KIND_FIELDS: Readonly<Record<TransferKind, { readonly required: readonly TransferField[]; readonly refused: readonly TransferField[] }>> =
  {
    posted: { required: MOVES_MONEY, refused: ['pendingId', 'timeoutSeconds'] },
    pending: { required: MOVES_MONEY, refused: ['pendingId'] },
    post_pending: { required: ['pendingId'], refused: ['timeoutSeconds'] },
    void_pending: { required: ['pendingId'], refused: ['timeoutSeconds'] },
  };

/** The table above as JSON Schema (OpenAPI 3.0: anyOf, required, not). */
function kindBranches(): Record<string, unknown>[] {
  return TRANSFER_KINDS.map((kind) => {
    const { required, refused } = TRANSFER_KIND_FIELDS[kind];
    return {
      title: kind,
      properties: { kind: { enum: [kind] } },
      required: kind === 'posted' ? [...required] : ['kind', ...required],
      not: refused.length === 1 ? { required: [...refused] } : { anyOf: refused.map((field) => ({ required: [field] })) },
    };
  });
}

/** One transfer as other contexts and HTTP clients submit it (the shape; business rules are the ledger's). */
export const TransferInput = z
  .strictObject({
    id: Id.describe('Chosen by the caller: the idempotency key of the transfer'),
    kind: z.enum(TRANSFER_KINDS).optional().meta({ description: 'Default posted' }),
    debitAccountId: Id.optional().describe('Required for posted and pending'),
    creditAccountId: Id.optional().describe('Required for posted and pending'),
    amount: z
      .string()
      .regex(POSITIVE_MINOR_UNITS_PATTERN, 'must be a positive integer of minor units within 64 bits, as a string')
      .optional()
      .meta({ description: 'Minor units; post_pending may post less than the hold', example: '2500' }),
    currency: CurrencyCode.optional(),
    pendingId: Id.optional().describe('For post_pending and void_pending'),
    timeoutSeconds: z.number().int().min(0).max(31_622_400).optional().describe('Pending only: the hold expires after this'),
    linked: z.boolean().optional().describe('Commit together with the next transfer, all or nothing (default false)'),
    code: z.number().int().min(0).max(65_535).optional().describe('Transfer type'),
    reference: singleLineText(0, 200).optional(),
  })
  // The ledger checks the kinds' fields itself, with a message per field; Fastify's compiled
  // validator leaves them to it (RULES_CHECKED_IN_CODE), the document states them.
  .meta({ id: 'TransferInput', anyOf: kindBranches(), [RULES_CHECKED_IN_CODE]: true });
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
