import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';
import { LedgerAccountView } from '../views';

/** Accounts with their balances; unknown ids are simply absent from the answer. */
export const GetLedgerAccountsQuery = defineQuery('ledger.get-ledger-accounts.v1', {
  payload: z.object({ ids: z.array(Id).max(1000) }),
  result: z.array(LedgerAccountView),
});
export type GetLedgerAccountsQuery = InstanceType<typeof GetLedgerAccountsQuery>;
