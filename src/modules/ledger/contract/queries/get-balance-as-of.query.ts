import { z } from 'zod';
import { defineQuery, Id, Timestamp } from '@shared-kernel';
import { BalanceAsOfView } from '../views';

/** The account's posted and pending balances at a past instant (null if unknown account). */
export const GetBalanceAsOfQuery = defineQuery('ledger.get-balance-as-of.v1', {
  payload: z.object({ accountId: Id, asOf: Timestamp }),
  result: BalanceAsOfView.nullable(),
});
export type GetBalanceAsOfQuery = InstanceType<typeof GetBalanceAsOfQuery>;
