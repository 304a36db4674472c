import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';
import { PaymentView } from '../views';

/** One payment (null if unknown). */
export const GetPaymentQuery = defineQuery('payments.get-payment.v1', {
  payload: z.object({ id: Id }),
  result: PaymentView.nullable(),
});
export type GetPaymentQuery = InstanceType<typeof GetPaymentQuery>;
