import { z } from 'zod';
import { defineCommand, Id, MinorUnits } from '@shared-kernel';
import { LedgerAccountStatus, LedgerAccountView } from '../views';

export const LedgerAccountChange = z
  .strictObject({
    status: LedgerAccountStatus.optional(),
    overdraftLimit: MinorUnits.optional(),
    requireZeroBalance: z.boolean().optional().describe('With status closed: refuse (LEDGER_ACCOUNT_HAS_BALANCE) unless the posted balance is zero'),
  })
  .meta({ id: 'LedgerAccountChange' });
export type LedgerAccountChange = z.infer<typeof LedgerAccountChange>;

/**
 * Changes an account's status or overdraft limit. Closing requires no pending transfers
 * (and, with `requireZeroBalance`, a zero posted balance); a closed account accepts no
 * postings and cannot be reopened.
 */
export const ChangeLedgerAccountCommand = defineCommand('ledger.change-ledger-account.v1', {
  payload: z.object({ accountId: Id, change: LedgerAccountChange }),
  result: LedgerAccountView,
});
export type ChangeLedgerAccountCommand = InstanceType<typeof ChangeLedgerAccountCommand>;
