import { defineContext } from '@platform/context-definition';
import { ORDERS_MIGRATIONS } from '@migrations/orders';
import { ordersContract } from './contract';
import { ordersConfig } from './orders.config';
import { OrdersModule } from './orders.module';

/** The orders context: orders, each created once by the id its caller chose (schema `orders`). */
export const ordersContext = defineContext({
  name: 'orders',
  module: OrdersModule,
  dependsOn: ['payments'],
  contract: ordersContract,
  migrations: ORDERS_MIGRATIONS,
  config: ordersConfig,
  permissions: {
    'orders:read': ['support', 'compliance_officer'],
    'orders:write': [],
  },
  routes: ['/v1/orders', '/v1/admin/orders'],
  apiTags: [{ name: 'orders', description: 'The orders context: orders, each created once by the id its caller chose.' }],
});
