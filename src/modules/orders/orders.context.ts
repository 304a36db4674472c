import { defineContext } from '@platform/context-definition';
import { ORDERS_MIGRATIONS } from '@migrations/orders';
import { ordersContract } from './contract';
import { ordersConfig } from './orders.config';
import { OrdersModule } from './orders.module';

/**
 * Users' orders with items and a server-computed total, through draft → placed → paid →
 * fulfilled (or cancelled / refunded), paid by pay-ins of the payments context and paying
 * from the user's own account (schema `orders`).
 */
export const ordersContext = defineContext({
  name: 'orders',
  module: OrdersModule,
  // accounts: the paying account must be the caller's (GetAccountQuery); payments: pay-ins, cancels, refunds and their events.
  dependsOn: ['payments', 'accounts'],
  contract: ordersContract,
  migrations: ORDERS_MIGRATIONS,
  config: ordersConfig,
  permissions: {
    'orders:read': ['support', 'compliance_officer'],
    'orders:write': [],
    'orders:cancel': ['support'],
    'orders:refund': ['support'],
    'orders:fulfil': ['support'],
  },
  routes: ['/v1/orders', '/v1/admin/orders'],
  apiTags: [{ name: 'orders', description: "Users' orders: items and a server-computed total, placed, paid by pay-ins, fulfilled, cancelled or refunded." }],
});
