import { z } from 'zod';
import { CurrencyCode, Id, POSITIVE_MINOR_UNITS_PATTERN, singleLineText, Timestamp } from '@shared-kernel';

/**
 * A transfer id the customer chooses. It becomes the ledger transfer's id, so it must not
 * be name-based (UUID version 3 or 5): the bank derives its own transfer ids that way
 * (closure sweeps, interest payments), and a customer must not be able to take one first.
 */
const ClientTransferId = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-246-9a-fA-F][0-9a-fA-F]{3}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    'must be a UUID that is not name-based (version 3 or 5), e.g. a random v4 or a time-ordered v7',
  )
  .describe('Chosen by the client (a v4 or v7 UUID): the transfer id and its idempotency key; a retry with the same id and fields returns the first result');

const PositiveMinorUnits = z
  .string()
  .regex(POSITIVE_MINOR_UNITS_PATTERN, 'must be a positive integer of minor units within 64 bits, as a string')
  .meta({ description: 'Minor units, positive (integer, as a decimal string)', example: '2500' });

export const AccountTransferRequest = z
  .strictObject({
    id: ClientTransferId,
    toAccountId: Id.describe("The payee's account (any customer's active account, same currency)"),
    amount: PositiveMinorUnits,
    reference: singleLineText(0, 140).optional().describe('Shown to both sides'),
  })
  .meta({ id: 'AccountTransferRequest' });
export type AccountTransferRequest = z.infer<typeof AccountTransferRequest>;

export const AccountTransfer = z
  .object({
    id: Id,
    fromAccountId: Id,
    toAccountId: Id,
    amount: PositiveMinorUnits,
    currency: CurrencyCode,
    reference: z.string().nullable(),
    status: z.literal('posted'),
    createdAt: Timestamp,
  })
  .meta({ id: 'AccountTransfer' });
export type AccountTransfer = z.infer<typeof AccountTransfer>;
