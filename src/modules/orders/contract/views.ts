import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';

/* What the orders context answers with, on the bus and over HTTP. */

export const OrderView = z
  .object({
    id: Id,
    name: z.string(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Order' });
export type OrderView = z.infer<typeof OrderView>;
