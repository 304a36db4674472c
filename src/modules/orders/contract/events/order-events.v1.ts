import { z } from 'zod';
import { defineIntegrationEvent } from '@shared-kernel';
import { OrderView } from '../views';

/*
 * Every step of an order's life on topic `orders.events`, each carrying the order as it is
 * after the change, appended in the transaction that made it: once per transition (a
 * repeated request or a redelivered payment event publishes nothing again).
 */
const OrderEventData = (id: string) => z.object({ order: OrderView }).meta({ id });

export const OrderCreatedV1 = defineIntegrationEvent('orders.order-created.v1', 'orders.events', OrderEventData('OrderCreatedV1'));
export type OrderCreatedV1 = z.infer<typeof OrderCreatedV1.data>;

export const OrderPlacedV1 = defineIntegrationEvent('orders.order-placed.v1', 'orders.events', OrderEventData('OrderPlacedV1'));
export type OrderPlacedV1 = z.infer<typeof OrderPlacedV1.data>;

export const OrderPaidV1 = defineIntegrationEvent('orders.order-paid.v1', 'orders.events', OrderEventData('OrderPaidV1'));
export type OrderPaidV1 = z.infer<typeof OrderPaidV1.data>;

export const OrderFulfilledV1 = defineIntegrationEvent('orders.order-fulfilled.v1', 'orders.events', OrderEventData('OrderFulfilledV1'));
export type OrderFulfilledV1 = z.infer<typeof OrderFulfilledV1.data>;

export const OrderCancelledV1 = defineIntegrationEvent('orders.order-cancelled.v1', 'orders.events', OrderEventData('OrderCancelledV1'));
export type OrderCancelledV1 = z.infer<typeof OrderCancelledV1.data>;

export const OrderRefundedV1 = defineIntegrationEvent('orders.order-refunded.v1', 'orders.events', OrderEventData('OrderRefundedV1'));
export type OrderRefundedV1 = z.infer<typeof OrderRefundedV1.data>;

export const ORDER_EVENTS = [OrderCreatedV1, OrderPlacedV1, OrderPaidV1, OrderFulfilledV1, OrderCancelledV1, OrderRefundedV1] as const;
