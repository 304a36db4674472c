import { defineContract } from '@shared-kernel';
import { CreateOrderCommand } from './commands/create-order.command';
import { ORDER_EVENTS } from './events/order-events.v1';
import { GetOrderQuery } from './queries/get-order.query';

export * from './views';
export * from './commands/create-order.command';
export * from './queries/get-order.query';
export * from './events/order-events.v1';

/** What orders offers other contexts: these commands and queries (over the bus) and events (topic orders.events). */
export const ordersContract = defineContract({
  commands: [CreateOrderCommand],
  queries: [GetOrderQuery],
  events: [...ORDER_EVENTS],
});
