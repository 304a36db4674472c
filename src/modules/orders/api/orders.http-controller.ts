import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal, RequirePermissions } from '@platform/auth/decorators';
import { userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent, IdempotencyKey } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { CreateOrderCommand, NewOrder, OrderView } from '../contract';
import { ChangeItems } from '../application/change-items/change-items';
import { ChangeOrderStatus } from '../application/change-status/change-order-status';
import { orderIdFor } from '../application/create-order/create-order.command-handler';
import { ReadOrders } from '../application/read-orders/read-orders';
import { accessibleWith, actorOf } from './order-access';
import { OrderIdParams, OrderPage, OrdersQuery, PlaceOrderRequest, ReplaceItemsRequest } from './dto/orders.requests';

/**
 * A signed-in user's own orders. Staff with `orders:read` may read any order; everyone else
 * gets 404 ORDER_NOT_FOUND for orders that are not theirs. Fulfilment is staff's
 * (`orders:fulfil`).
 */
@ApiTags('orders')
@ApiAuth()
@Controller('orders')
export class OrdersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reads: ReadOrders,
    private readonly items: ChangeItems,
    private readonly status: ChangeOrderStatus,
  ) {}

  @Post()
  @Idempotent({ required: true })
  @ApiOperation({
    operationId: 'createOrder',
    summary: 'Create a draft order with its items; the server computes the total',
    description:
      'The order id follows from you and the Idempotency-Key, so a retry answers the same order. The account must be yours (404 ACCOUNT_NOT_FOUND otherwise), active and in the order currency.',
  })
  @ApiResult(201, OrderView)
  @ApiProblems(400, 403, 404, 422)
  create(@CurrentPrincipal() principal: Principal, @ValidBody(NewOrder) body: NewOrder, @IdempotencyKey() key: string): Promise<OrderView> {
    const ownerId = userOf(principal);
    return this.commands.execute(new CreateOrderCommand({ id: orderIdFor(ownerId, key), ownerId, order: body }));
  }

  @Get()
  @ApiOperation({ operationId: 'listOrders', summary: 'My orders, newest first (cursor pagination)' })
  @ApiResult(200, OrderPage)
  @ApiProblems(400, 403)
  list(@CurrentPrincipal() principal: Principal, @ValidQuery(OrdersQuery) query: z.output<typeof OrdersQuery>): Promise<OrderPage> {
    return this.reads.page(userOf(principal), query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getOrder', summary: 'One of my orders, with its items and payments' })
  @ApiResult(200, OrderView)
  @ApiProblems(400, 404)
  get(@CurrentPrincipal() principal: Principal, @ValidParams(OrderIdParams) { id }: z.output<typeof OrderIdParams>): Promise<OrderView> {
    return this.reads.get(id, accessibleWith(principal, 'orders:read'));
  }

  @Put(':id/items')
  @Idempotent()
  @ApiOperation({ operationId: 'replaceOrderItems', summary: "Replace a draft order's items (the total is computed again)" })
  @ApiResult(200, OrderView)
  @ApiProblems(400, 404, 409)
  replaceItems(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(OrderIdParams) { id }: z.output<typeof OrderIdParams>,
    @ValidBody(ReplaceItemsRequest) body: ReplaceItemsRequest,
  ): Promise<OrderView> {
    return this.items.replace(id, accessibleWith(principal, 'orders:write'), body.items);
  }

  @Post(':id/place')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    operationId: 'placeOrder',
    summary: 'Place a draft order: with payment, a pay-in of the total is requested at once',
    description:
      'Repeatable (a placed order answers as it is; its pay-in is requested once, by an id derived from the order). An order not paid within ORDERS_PAYMENT_TIMEOUT_SECONDS is cancelled and its open payments cancelled.',
  })
  @ApiResult(200, OrderView)
  @ApiProblems(400, 404, 409, 422)
  place(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(OrderIdParams) { id }: z.output<typeof OrderIdParams>,
    @ValidBody(PlaceOrderRequest) body: PlaceOrderRequest,
  ): Promise<OrderView> {
    return this.status.place(id, accessibleWith(principal, 'orders:write'), actorOf(principal), body.payment);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    operationId: 'cancelOrder',
    summary: 'Cancel a draft or placed order; its open payments are cancelled (holds released), anything captured refunded',
  })
  @ApiResult(200, OrderView)
  @ApiProblems(400, 404, 409)
  cancel(@CurrentPrincipal() principal: Principal, @ValidParams(OrderIdParams) { id }: z.output<typeof OrderIdParams>): Promise<OrderView> {
    return this.status.cancel(id, accessibleWith(principal, 'orders:cancel'), actorOf(principal), principal.kind === 'user' ? principal.subject : null);
  }

  @Post(':id/refund')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ operationId: 'refundOrder', summary: 'Refund a paid or fulfilled order: every payment that captured money is refunded in full' })
  @ApiResult(200, OrderView)
  @ApiProblems(400, 404, 409)
  refund(@CurrentPrincipal() principal: Principal, @ValidParams(OrderIdParams) { id }: z.output<typeof OrderIdParams>): Promise<OrderView> {
    return this.status.refund(id, accessibleWith(principal, 'orders:refund'), actorOf(principal));
  }

  @Post(':id/fulfil')
  @HttpCode(200)
  @RequirePermissions('orders:fulfil')
  @Idempotent()
  @ApiOperation({ operationId: 'fulfilOrder', summary: 'Mark a paid order fulfilled (staff)' })
  @ApiResult(200, OrderView)
  @ApiProblems(400, 404, 409)
  fulfil(@CurrentPrincipal() principal: Principal, @ValidParams(OrderIdParams) { id }: z.output<typeof OrderIdParams>): Promise<OrderView> {
    return this.status.fulfil(id, () => undefined, actorOf(principal));
  }
}
