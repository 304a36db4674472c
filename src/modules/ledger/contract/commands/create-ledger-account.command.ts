import { z } from 'zod';
import { CurrencyCode, defineCommand, Id, MinorUnits, notAllTrue, singleLineText } from '@shared-kernel';
import { LedgerAccountView, LedgerNormalSide } from '../views';

export const NewLedgerAccount = z
  .strictObject({
    id: Id.describe('Chosen by the caller (idempotent: same id and fields give the same account)'),
    currency: CurrencyCode,
    normalSide: LedgerNormalSide,
    debitsMustNotExceedCredits: z.boolean().optional(),
    creditsMustNotExceedDebits: z.boolean().optional(),
    overdraftLimit: MinorUnits.optional(),
    code: z.number().int().min(0).max(2_147_483_647).optional().describe('Chart-of-accounts code'),
    reference: singleLineText(0, 200).nullable().optional(),
  })
  // An account bounds its debits or its credits, not both: CreateLedgerAccountCommandHandler
  // checks it (bus callers too), the document states it.
  .meta({ id: 'NewLedgerAccount', ...notAllTrue(['debitsMustNotExceedCredits', 'creditsMustNotExceedDebits']) });
export type NewLedgerAccount = z.infer<typeof NewLedgerAccount>;

/** Opens a ledger account. The id is the caller's (idempotent: same id and fields → same account). */
export const CreateLedgerAccountCommand = defineCommand('ledger.create-ledger-account.v1', {
  payload: z.object({ account: NewLedgerAccount }),
  result: LedgerAccountView,
});
export type CreateLedgerAccountCommand = InstanceType<typeof CreateLedgerAccountCommand>;
