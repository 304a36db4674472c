import { Module } from '@nestjs/common';
import { AdminOrdersHttpController } from './api/admin-orders.http-controller';
import { OrdersHttpController } from './api/orders.http-controller';
import { ChangeItems } from './application/change-items/change-items';
import { ChangeOrderStatus } from './application/change-status/change-order-status';
import { OrderTransitions } from './application/change-status/order-transitions';
import { CreateOrderCommandHandler } from './application/create-order/create-order.command-handler';
import { GetOrderQueryHandler } from './application/get-order/get-order.query-handler';
import { OnPaymentEventEventHandler } from './application/on-payment-event/on-payment-event.event-handler';
import { PayerAccount } from './application/payer-account/payer-account';
import { PaymentActions } from './application/payment-actions/payment-actions';
import { ReadOrders } from './application/read-orders/read-orders';
import { OrdersSweepJob } from './application/sweep/orders-sweep.job';
import { OrderRepository } from './infrastructure/order.repository';

@Module({
  controllers: [OrdersHttpController, AdminOrdersHttpController],
  providers: [
    OrderRepository,
    PayerAccount,
    OrderTransitions,
    PaymentActions,
    ChangeOrderStatus,
    ChangeItems,
    ReadOrders,
    CreateOrderCommandHandler,
    GetOrderQueryHandler,
    OnPaymentEventEventHandler,
    OrdersSweepJob,
  ],
})
export class OrdersModule {}
