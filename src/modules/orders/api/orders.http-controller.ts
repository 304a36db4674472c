import { Controller, Get, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { NotFoundError } from '@shared-kernel';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams } from '@platform/http/zod-request';
import { CreateOrderCommand, GetOrderQuery, NewOrder, OrderView } from '../contract';
import { OrderIdParams } from './dto/orders.requests';

/** The orders context's orders over HTTP, for services and back-office (by permission). */
@ApiTags('orders')
@ApiAuth()
@Controller('orders')
export class OrdersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermissions('orders:write')
  @Idempotent()
  @ApiOperation({ summary: 'Create a order (idempotent by id)' })
  @ApiResult(201, OrderView)
  @ApiProblems(400, 409)
  create(@ValidBody(NewOrder) wanted: NewOrder): Promise<OrderView> {
    return this.commands.execute(new CreateOrderCommand({ order: wanted }));
  }

  @Get(':id')
  @RequirePermissions('orders:read')
  @ApiOperation({ summary: 'A order by id' })
  @ApiResult(200, OrderView)
  @ApiProblems(400, 404)
  async get(@ValidParams(OrderIdParams) { id }: z.output<typeof OrderIdParams>): Promise<OrderView> {
    const found = await this.queries.execute(new GetOrderQuery({ id }));
    if (!found) throw new NotFoundError('ORDER_NOT_FOUND', `no order ${id}`);
    return found;
  }
}
