import { z } from 'zod';
import { CurrencyCode, defineCommand, Id, MINOR_UNITS_PATTERN, singleLineText } from '@shared-kernel';
import { OrderView } from '../views';

export const MAX_ORDER_ITEMS = 100;
export const MAX_ITEM_QUANTITY = 1_000_000;

export const NewOrderItem = z
  .strictObject({
    sku: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits, . _ : or -, starting with a letter or digit')
      .meta({ example: 'SKU-1001' }),
    name: singleLineText(1, 200).meta({ example: 'Travel adapter' }),
    quantity: z.number().int().min(1).max(MAX_ITEM_QUANTITY),
    unitPrice: z.string().regex(MINOR_UNITS_PATTERN, 'must be a non-negative integer of minor units within 64 bits, as a string').meta({ example: '1999' }),
  })
  .meta({ id: 'NewOrderItem' });
export type NewOrderItem = z.infer<typeof NewOrderItem>;

/** Items of an order: each sku once (a rule across items, checked with its own code: ORDER_ITEM_SKU_REPEATED). */
export const OrderItems = z.array(NewOrderItem).min(1).max(MAX_ORDER_ITEMS);

export const NewOrder = z
  .strictObject({
    accountId: Id.describe('One of your accounts, in the order currency: the account the order’s pay-ins name'),
    currency: CurrencyCode,
    items: OrderItems,
    reference: singleLineText(0, 140).optional().describe('Your own reference'),
  })
  .meta({ id: 'NewOrder' });
export type NewOrder = z.infer<typeof NewOrder>;

/**
 * Creates a draft order for `ownerId`. `id` is the caller's (the HTTP layer derives it from
 * the owner and the Idempotency-Key): the same id and fields again answer the same order;
 * the same id with other fields is a conflict (ORDER_EXISTS_WITH_DIFFERENT_FIELDS).
 */
export const CreateOrderCommand = defineCommand('orders.create-order.v1', {
  payload: z.object({ id: Id, ownerId: Id, order: NewOrder }),
  result: OrderView,
});
export type CreateOrderCommand = InstanceType<typeof CreateOrderCommand>;
