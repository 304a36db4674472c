import { z } from 'zod';
import { defineQuery } from '@shared-kernel';
import { AccountView } from '../views';

/** One account without balances (null if unknown); balances come from the ledger. */
export const GetAccountQuery = defineQuery('accounts.get-account.v1', {
  payload: z.object({ id: z.string() }),
  result: AccountView.nullable(),
});
export type GetAccountQuery = InstanceType<typeof GetAccountQuery>;
