import { Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import { userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent, IdempotencyKey } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams } from '@platform/http/zod-request';
import { PaymentView } from '../contract';
import { CreatePayment } from '../application/create-payment/create-payment';
import { ReadPayments } from '../application/read-payments/read-payments';
import { paymentIdFor } from '../domain/ledger-ids';
import { PaymentIdParams, PayoutRequest } from './dto/payments.requests';
import { paymentAccessibleWith } from './payment-access';

/** Payouts: money from a customer's account to one of their saved beneficiaries (ACH, wire, SEPA, SWIFT). */
@ApiTags('payouts')
@ApiAuth()
@Controller('payouts')
export class PayoutsHttpController {
  constructor(
    private readonly creation: CreatePayment,
    private readonly reads: ReadPayments,
  ) {}

  @Post()
  @Idempotent({ required: true })
  @ApiOperation({
    operationId: 'createPayout',
    summary: 'Pay a saved beneficiary: the amount and fee are held at once, posted on settlement, released on failure',
    description:
      'The rail must fit the beneficiary and the currency (SEPA in EUR, ACH in USD): 400 naming the field. 422 INSUFFICIENT_FUNDS, PAYMENT_LIMIT_EXCEEDED, BENEFICIARY_NOT_FOUND, ACCOUNT_NOT_FOUND.',
  })
  @ApiResult(201, PaymentView)
  @ApiProblems(400, 403, 422)
  create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(PayoutRequest) body: z.output<typeof PayoutRequest>,
    @IdempotencyKey() key: string,
  ): Promise<PaymentView> {
    const ownerId = userOf(principal);
    return this.creation.execute(paymentIdFor(ownerId, key), ownerId, { ...body, kind: 'payout' });
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getPayout', summary: 'A payout of mine' })
  @ApiResult(200, PaymentView)
  @ApiProblems(400, 404)
  get(@CurrentPrincipal() principal: Principal, @ValidParams(PaymentIdParams) { id }: z.output<typeof PaymentIdParams>): Promise<PaymentView> {
    return this.reads.get(id, paymentAccessibleWith(principal, 'payments:read'), 'payout');
  }
}
