import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { ReadPayments, type PaymentPageResult } from '../application/read-payments/read-payments';
import { StatusSyncJob } from '../application/status-sync/status-sync.job';
import { AdminPaymentListQuery, PaymentDetail, PaymentIdParams, PaymentPage } from './dto/payments.requests';

/** Staff views of payments (support, compliance): every payment, its history and gateway calls, and a status sync on demand. */
@ApiTags('payments')
@ApiAuth()
@Controller('admin/payments')
export class AdminPaymentsHttpController {
  constructor(
    private readonly reads: ReadPayments,
    private readonly sync: StatusSyncJob,
  ) {}

  @Get()
  @RequirePermissions('payments:read')
  @ApiOperation({ operationId: 'listPaymentsForStaff', summary: 'Payments, newest first, by state and whether they are marked for review (cursor pagination)' })
  @ApiResult(200, PaymentPage)
  @ApiProblems(400, 403)
  list(@ValidQuery(AdminPaymentListQuery) query: z.output<typeof AdminPaymentListQuery>): Promise<PaymentPageResult> {
    return this.reads.page(
      {
        ...(query.ownerId ? { ownerId: query.ownerId } : {}),
        ...(query.state ? { state: query.state } : {}),
        ...(query.review ? { review: query.review === 'true' } : {}),
      },
      query.cursor,
      query.limit,
    );
  }

  @Get(':id')
  @RequirePermissions('payments:read')
  @ApiOperation({ operationId: 'getPaymentForStaff', summary: 'A payment with its transitions (applied and refused), gateway calls and refunds' })
  @ApiResult(200, PaymentDetail)
  @ApiProblems(400, 403, 404)
  get(@ValidParams(PaymentIdParams) { id }: z.output<typeof PaymentIdParams>): Promise<PaymentDetail> {
    return this.reads.detail(id);
  }

  @Post(':id/sync')
  @HttpCode(200)
  @Idempotent()
  @RequirePermissions('payments:review')
  @ApiOperation({
    operationId: 'syncPayment',
    summary: "Ask the provider now for an open payment's status and apply what it says",
    description: 'For payments in processing or requires_action (others are answered unchanged); the answer goes through the same path as webhooks.',
  })
  @ApiResult(200, PaymentDetail)
  @ApiProblems(400, 403, 404)
  async syncNow(@ValidParams(PaymentIdParams) { id }: z.output<typeof PaymentIdParams>): Promise<PaymentDetail> {
    await this.reads.detail(id);
    await this.sync.syncNow(id);
    return this.reads.detail(id);
  }
}
