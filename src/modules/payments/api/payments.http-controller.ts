import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import { userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent, IdempotencyKey } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { PaymentView } from '../contract';
import { CancelPayment } from '../application/cancel-payment/cancel-payment';
import { CreatePayment } from '../application/create-payment/create-payment';
import { ReadPayments, type PaymentPageResult } from '../application/read-payments/read-payments';
import { Refunds } from '../application/refunds/refunds';
import { paymentIdFor, refundIdFor } from '../domain/ledger-ids';
import { PayInRequest, PaymentIdParams, PaymentListQuery, PaymentPage, RefundRequest } from './dto/payments.requests';
import { paymentAccessibleWith, paymentReadableWith } from './payment-access';

/**
 * A customer's pay-ins (card or wallet through a gateway), their refunds and cancels, and the
 * list of all their payments. The payment id follows from the caller and the
 * Idempotency-Key (required), so a retry converges on the same payment. Someone else's
 * payment is 404 PAYMENT_NOT_FOUND; staff with payments:read see any.
 */
@ApiTags('payments')
@ApiAuth()
@Controller('payments')
export class PaymentsHttpController {
  constructor(
    private readonly creation: CreatePayment,
    private readonly reads: ReadPayments,
    private readonly refunds: Refunds,
    private readonly cancels: CancelPayment,
  ) {}

  @Post()
  @Idempotent({ required: true })
  @ApiOperation({
    operationId: 'createPayIn',
    summary: 'Start a pay-in: the card or wallet is charged through a gateway, the account credited on settlement',
    description:
      'Answers at once in state created; the gateway is called after the payment is committed. Follow it with GET /v1/payments/{id} (requires_action: send the customer to nextAction.url). Limits per payment and per day and month: 422 PAYMENT_LIMIT_EXCEEDED naming the limit.',
  })
  @ApiResult(201, PaymentView)
  @ApiProblems(400, 403, 422)
  create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(PayInRequest) body: z.output<typeof PayInRequest>,
    @IdempotencyKey() key: string,
  ): Promise<PaymentView> {
    const ownerId = userOf(principal);
    return this.creation.execute(paymentIdFor(ownerId, key), ownerId, { ...body, kind: 'pay_in' });
  }

  @Get()
  @ApiOperation({
    operationId: 'listMyPayments',
    summary: 'My payments (pay-ins, payouts, transfers I sent or received), newest first (cursor pagination)',
  })
  @ApiResult(200, PaymentPage)
  @ApiProblems(400, 403)
  list(@CurrentPrincipal() principal: Principal, @ValidQuery(PaymentListQuery) query: z.output<typeof PaymentListQuery>): Promise<PaymentPageResult> {
    return this.reads.page({ partyId: userOf(principal) }, query.cursor, query.limit);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getPayment', summary: 'A payment of mine (pay-in, payout, or a transfer I sent or received)' })
  @ApiResult(200, PaymentView)
  @ApiProblems(400, 404)
  get(@CurrentPrincipal() principal: Principal, @ValidParams(PaymentIdParams) { id }: z.output<typeof PaymentIdParams>): Promise<PaymentView> {
    return this.reads.get(id, paymentReadableWith(principal, 'payments:read'));
  }

  @Post(':id/refunds')
  @HttpCode(202)
  @Idempotent({ required: true })
  @ApiOperation({
    operationId: 'refundPayment',
    summary: 'Refund a settled pay-in, whole or in part',
    description:
      'The amount (default: what remains refundable) is held on the account at once and the provider asked afterwards; the payment becomes partially_refunded or refunded when the provider confirms. 422 REFUND_EXCEEDS_REMAINING, INSUFFICIENT_FUNDS, PAYMENT_NOT_REFUNDABLE.',
  })
  @ApiResult(202, PaymentView, 'Accepted: the refund is held and sent to the provider')
  @ApiProblems(400, 404, 422)
  async refund(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(PaymentIdParams) { id }: z.output<typeof PaymentIdParams>,
    @ValidBody(RefundRequest) body: z.output<typeof RefundRequest>,
    @IdempotencyKey() key: string,
  ): Promise<PaymentView> {
    await this.reads.get(id, paymentAccessibleWith(principal, 'payments:refund'));
    return this.refunds.request(id, refundIdFor(`${principal.kind}:${principal.subject}`, id, key), body.amount ?? null, body.reason ?? null);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Idempotent({ required: true })
  @ApiOperation({
    operationId: 'cancelPayment',
    summary: 'Cancel a payment not yet taken on by the provider (created) or waiting for the customer (requires_action)',
    description: "A payout's hold is released. 409 PAYMENT_IN_FLIGHT while it is being sent; 409 PAYMENT_NOT_CANCELABLE past that point.",
  })
  @ApiResult(200, PaymentView)
  @ApiProblems(400, 404)
  async cancel(@CurrentPrincipal() principal: Principal, @ValidParams(PaymentIdParams) { id }: z.output<typeof PaymentIdParams>): Promise<PaymentView> {
    await this.reads.get(id, paymentAccessibleWith(principal, 'payments:review'));
    return this.cancels.execute(id);
  }
}
