import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';
import { OrderView } from '../views';

/** A order by id; null when there is none. */
export const GetOrderQuery = defineQuery('orders.get-order.v1', {
  payload: z.object({ id: Id }),
  result: OrderView.nullable(),
});
export type GetOrderQuery = InstanceType<typeof GetOrderQuery>;
