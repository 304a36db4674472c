import { Controller, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import { userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams } from '@platform/http/zod-request';
import { TransferMoney } from '../application/transfer-money/transfer-money';
import { AccountIdParams } from './dto/accounts.requests';
import { AccountTransfer, AccountTransferRequest } from './dto/transfers.requests';

/** Money between accounts: from one of the caller's own to any active account of the same currency. */
@ApiTags('accounts')
@ApiAuth()
@Controller('accounts/:id/transfers')
export class AccountTransfersHttpController {
  constructor(private readonly transfers: TransferMoney) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Move money from this account (yours) to another account, yours or anyone else’s, in the same currency',
    description:
      'The transfer id is the client’s and the idempotency key: the same id and fields return the first result (201, Idempotent-Replayed: true); the same id with other fields is 409 ID_EXISTS_WITH_DIFFERENT_FIELDS. Only the owner may move money out (anyone else: 404); an unknown, pending, closing or closed payee is 404 ACCOUNT_NOT_FOUND. 503 while the ledger is unreachable: retry with the same id.',
  })
  @ApiResult(201, AccountTransfer)
  @ApiProblems(400, 403, 404, 503)
  async transfer(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
    @ValidBody(AccountTransferRequest) body: AccountTransferRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccountTransfer> {
    const { transfer, replayed } = await this.transfers.execute(userOf(principal), id, body);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return transfer;
  }
}
