import { z } from 'zod';
import { defineQuery } from '@shared-kernel';
import { AccountView } from '../views';

/** The account with this IBAN (electronic form: no spaces, upper case), or null; e.g. payments crediting a bank transfer received. */
export const FindAccountByIbanQuery = defineQuery('accounts.find-account-by-iban.v1', {
  payload: z.object({ iban: z.string().max(34) }),
  result: AccountView.nullable(),
});
export type FindAccountByIbanQuery = InstanceType<typeof FindAccountByIbanQuery>;
