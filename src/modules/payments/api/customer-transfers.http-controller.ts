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
import { PaymentIdParams, TransferRequest } from './dto/payments.requests';
import { paymentReadableWith } from './payment-access';

/** Internal transfers: money from one of the caller's accounts to another customer's account, named by its IBAN or number. */
@ApiTags('transfers')
@ApiAuth()
@Controller('transfers')
export class CustomerTransfersHttpController {
  constructor(
    private readonly creation: CreatePayment,
    private readonly reads: ReadPayments,
  ) {}

  @Post()
  @Idempotent({ required: true })
  @ApiOperation({
    operationId: 'createCustomerTransfer',
    summary: "Send money to another customer's account (by IBAN or account number), settled at once",
    description:
      'Answers 201 in state succeeded: the amount is held on the ledger and posted to the payee. 422 PAYEE_ACCOUNT_NOT_FOUND (field payeeAccount) for any number that cannot receive it (unknown, not open, another currency), PAYEE_ACCOUNT_SAME_AS_SOURCE, ACCOUNT_NOT_FOUND, ACCOUNT_NOT_ACTIVE, CURRENCY_MISMATCH, INSUFFICIENT_FUNDS, PAYMENT_LIMIT_EXCEEDED.',
  })
  @ApiResult(201, PaymentView)
  @ApiProblems(400, 403, 422)
  create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(TransferRequest) body: z.output<typeof TransferRequest>,
    @IdempotencyKey() key: string,
  ): Promise<PaymentView> {
    const ownerId = userOf(principal);
    return this.creation.execute(paymentIdFor(ownerId, key), ownerId, { ...body, kind: 'transfer' });
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getCustomerTransfer', summary: 'A transfer I sent or received' })
  @ApiResult(200, PaymentView)
  @ApiProblems(400, 404)
  get(@CurrentPrincipal() principal: Principal, @ValidParams(PaymentIdParams) { id }: z.output<typeof PaymentIdParams>): Promise<PaymentView> {
    return this.reads.get(id, paymentReadableWith(principal, 'payments:read'), 'transfer');
  }
}
