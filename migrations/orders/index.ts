import { OrdersSchema1796195362011 } from './1796195362011-orders-schema';

/** The orders context's migrations (schema `orders`), named in its manifest. */
export const ORDERS_MIGRATIONS = [OrdersSchema1796195362011];
