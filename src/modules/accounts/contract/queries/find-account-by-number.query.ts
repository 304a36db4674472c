import { z } from 'zod';
import { defineQuery } from '@shared-kernel';
import { AccountView } from '../views';

/**
 * The account a customer names by its number: the ten-digit account number or the IBAN as
 * accounts shows them (an IBAN in any case, with or without spaces). Null if none; callers
 * that answer a customer must not tell an unknown number from one they may not use.
 */
export const FindAccountByNumberQuery = defineQuery('accounts.find-account-by-number.v1', {
  payload: z.object({ number: z.string().max(64) }),
  result: AccountView.nullable(),
});
export type FindAccountByNumberQuery = InstanceType<typeof FindAccountByNumberQuery>;
