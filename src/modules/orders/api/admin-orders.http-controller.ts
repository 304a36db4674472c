import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidQuery } from '@platform/http/zod-request';
import { ReadOrders } from '../application/read-orders/read-orders';
import { AdminOrdersQuery, OrderPage } from './dto/orders.requests';

/** Support and back-office reads of every user's orders (under /v1/admin/orders, which this context owns). */
@ApiTags('orders')
@ApiAuth()
@Controller('admin/orders')
export class AdminOrdersHttpController {
  constructor(private readonly reads: ReadOrders) {}

  @Get()
  @RequirePermissions('orders:read')
  @ApiOperation({ operationId: 'listAllOrders', summary: "Every user's orders, or one user's, newest first (cursor pagination; support, compliance, admin)" })
  @ApiResult(200, OrderPage)
  @ApiProblems(400)
  list(@ValidQuery(AdminOrdersQuery) { ownerId, ...query }: z.output<typeof AdminOrdersQuery>): Promise<OrderPage> {
    return this.reads.page(ownerId ?? null, query);
  }
}
