import { Module } from '@nestjs/common';
import { CreateOrderCommandHandler } from './application/create-order/create-order.command-handler';
import { GetOrderQueryHandler } from './application/get-order/get-order.query-handler';
import { OrdersHttpController } from './api/orders.http-controller';
import { OrderRepository } from './infrastructure/order.repository';

@Module({
  controllers: [OrdersHttpController],
  providers: [OrderRepository, CreateOrderCommandHandler, GetOrderQueryHandler],
})
export class OrdersModule {}
