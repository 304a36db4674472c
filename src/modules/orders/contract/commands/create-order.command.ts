import { z } from 'zod';
import { defineCommand, Id } from '@shared-kernel';
import { OrderView } from '../views';

export const NewOrder = z
  .strictObject({
    id: Id.describe('Chosen by the caller: the same id and fields again answer the same order'),
    name: z.string().trim().min(1).max(200),
  })
  .meta({ id: 'NewOrder' });
export type NewOrder = z.infer<typeof NewOrder>;

/** Creates a order. The id is the caller's (idempotent: same id and fields → same order). */
export const CreateOrderCommand = defineCommand('orders.create-order.v1', {
  payload: z.object({ order: NewOrder }),
  result: OrderView,
});
export type CreateOrderCommand = InstanceType<typeof CreateOrderCommand>;
