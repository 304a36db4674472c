import { z } from 'zod';
import { defineIntegrationEvent } from '@shared-kernel';
import { OrderView } from '../views';

/** A order was created: once per order (a repeated create publishes nothing). */
export const OrderCreatedV1 = defineIntegrationEvent('orders.order-created.v1', 'orders.events', z.object({ order: OrderView }).meta({ id: 'OrderCreatedV1' }));
export type OrderCreatedV1 = z.infer<typeof OrderCreatedV1.data>;
