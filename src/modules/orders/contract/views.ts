import { z } from 'zod';
import { CurrencyCode, Id, MinorUnits, Timestamp } from '@shared-kernel';

/*
 * What the orders context answers with, on the bus and over HTTP. Amounts are minor units
 * as decimal strings (never floats), currencies ISO 4217 codes.
 */

export const OrderStatusView = z
  .enum(['draft', 'placed', 'paid', 'fulfilled', 'cancelled', 'refunded'])
  .describe('draft → placed → paid → fulfilled; draft or placed → cancelled; paid or fulfilled → refunded');
export type OrderStatusView = z.infer<typeof OrderStatusView>;

export const OrderItemView = z
  .object({
    sku: z.string(),
    name: z.string(),
    quantity: z.number().int(),
    unitPrice: MinorUnits,
    lineTotal: MinorUnits.describe('quantity × unitPrice'),
  })
  .meta({ id: 'OrderItem' });
export type OrderItemView = z.infer<typeof OrderItemView>;

export const OrderPaymentView = z
  .object({
    paymentId: Id.describe('The payment (GET /v1/payments/{id})'),
    source: z.enum(['order', 'client']).describe('order: requested when the order was placed; client: a pay-in the client posted naming the order'),
    amount: MinorUnits,
    state: z
      .string()
      .nullable()
      .describe("The payment's state as payments last reported it (rejected: payments refused the request); null while the request is under way"),
    refundedAmount: MinorUnits,
  })
  .meta({ id: 'OrderPayment' });
export type OrderPaymentView = z.infer<typeof OrderPaymentView>;

export const OrderView = z
  .object({
    id: Id,
    ownerId: Id,
    accountId: Id.describe("The owner's account the order's pay-ins name"),
    currency: CurrencyCode,
    status: OrderStatusView,
    items: z.array(OrderItemView),
    total: MinorUnits.describe('Computed by the server: the sum of the line totals'),
    paidAmount: MinorUnits.describe('Captured by the order’s payments (refunds not deducted)'),
    refundedAmount: MinorUnits,
    reference: z.string().nullable(),
    payments: z.array(OrderPaymentView).describe('Oldest first'),
    placedAt: Timestamp.nullable(),
    paymentDueAt: Timestamp.nullable().describe('A placed order not paid by then is cancelled (ORDERS_PAYMENT_TIMEOUT_SECONDS after placing)'),
    paidAt: Timestamp.nullable(),
    fulfilledAt: Timestamp.nullable(),
    cancelledAt: Timestamp.nullable(),
    cancelReason: z.enum(['customer', 'payment_timeout', 'staff']).nullable(),
    refundedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Order' });
export type OrderView = z.infer<typeof OrderView>;
