import { z } from 'zod';
import { Id, SequenceCursor } from '@shared-kernel';
import { NewPayIn } from '@modules/payments/contract';
import { OrderItems, OrderStatusView, OrderView } from '@modules/orders/contract';

/* The orders API's HTTP shapes: what the contract's views and messages do not already say. */

export const OrderIdParams = z.strictObject({ id: Id });

export const ReplaceItemsRequest = z.strictObject({ items: OrderItems }).meta({ id: 'ReplaceOrderItemsRequest' });
export type ReplaceItemsRequest = z.infer<typeof ReplaceItemsRequest>;

export const PlaceOrderRequest = z
  .strictObject({
    // The pay-in's own fields, as payments' contract states them (one definition of each).
    payment: NewPayIn.pick({ method: true, paymentMethodToken: true, country: true, returnUrl: true })
      .optional()
      .describe('Have orders request a pay-in of the total now; without it, pay by posting pay-ins (POST /v1/payments) naming orderId'),
  })
  .meta({ id: 'PlaceOrderRequest' });
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

const limit = z.coerce.number().int().min(1).max(1000).optional().describe('Page size (default and maximum ORDERS_PAGE_SIZE)');

export const OrdersQuery = z.strictObject({
  cursor: SequenceCursor.optional().describe('nextCursor of the previous page'),
  limit,
  status: OrderStatusView.optional(),
});

export const AdminOrdersQuery = OrdersQuery.extend({ ownerId: Id.optional().describe("Only this user's orders") });

export const OrderPage = z
  .object({
    items: z.array(OrderView).describe('Newest first'),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null at the end'),
  })
  .meta({ id: 'OrderPage' });
export type OrderPage = z.infer<typeof OrderPage>;
