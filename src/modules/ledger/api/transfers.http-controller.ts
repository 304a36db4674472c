import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ConflictError, DomainError, NotFoundError, UnprocessableError } from '@shared-kernel';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, CompiledBody, ValidParams } from '@platform/http/zod-request';
import { GetTransferQuery, SubmitTransfersCommand, TransferInput, TransferView, type TransferResultView } from '../contract';
import { LedgerIdParams, TransferBatchRequest, TransferBatchResponse } from './dto/ledger.requests';

@ApiTags('ledger')
@ApiAuth()
@Controller('ledger/transfers')
export class TransfersHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermissions('ledger:write')
  @Idempotent()
  @CompiledBody(TransferInput)
  @ApiOperation({
    summary: 'Submit one transfer',
    description:
      'The transfer id is the idempotency key: the same id and fields return the first result (201, Idempotent-Replayed: true); the same id with other fields is 409. Business failures are 422 with the failure code.',
  })
  @ApiResult(201, TransferView)
  @ApiProblems(400, 409, 413, 415, 422)
  async submit(@Body() body: TransferInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<TransferView> {
    const [result] = await this.commands
      .execute(new SubmitTransfersCommand({ transfers: [body] }))
      .catch((error: unknown) => Promise.reject(asOwnFields(error)));
    return answer(result!, reply);
  }

  @Post('batch')
  @HttpCode(200)
  @RequirePermissions('ledger:write')
  @Idempotent()
  @CompiledBody(TransferBatchRequest)
  @ApiOperation({
    summary: 'Submit transfers in order, with linked chains (up to 5000 per request)',
    description:
      'One result per transfer: created, exists (a replay) or failed with a code. A transfer with linked=true commits together with the next one, all or nothing.',
  })
  @ApiResult(200, TransferBatchResponse)
  @ApiProblems(400, 409, 413, 415, 422)
  async submitBatch(@Body() body: z.output<typeof TransferBatchRequest>): Promise<z.output<typeof TransferBatchResponse>> {
    return { results: await this.commands.execute(new SubmitTransfersCommand({ transfers: body.transfers })) };
  }

  @Get(':id')
  @RequirePermissions('ledger:read')
  @ApiOperation({ summary: 'Look up a transfer' })
  @ApiResult(200, TransferView)
  @ApiProblems(400, 404)
  async get(@ValidParams(LedgerIdParams) { id }: z.output<typeof LedgerIdParams>): Promise<TransferView> {
    const transfer = await this.queries.execute(new GetTransferQuery({ id }));
    if (!transfer) throw new NotFoundError('TRANSFER_NOT_FOUND', `no transfer ${id}`);
    return transfer;
  }
}

function answer(result: TransferResultView, reply: FastifyReply): TransferView {
  if (result.status === 'failed') {
    if (result.error === 'ID_EXISTS_WITH_DIFFERENT_FIELDS') throw new ConflictError(result.error, `transfer ${result.id} exists with different fields`);
    throw new UnprocessableError(result.error, `transfer ${result.id} was refused: ${result.error}`);
  }
  if (result.status === 'exists') reply.header('idempotent-replayed', 'true');
  return result.transfer;
}

/**
 * The one transfer travels as a batch of one, whose field errors name `transfers.0.amount`:
 * this route's body is the transfer itself, so they name `amount`.
 */
function asOwnFields(error: unknown): unknown {
  // A DomainError, not only a ValidationError: across processes the bus raises it again as one.
  if (!(error instanceof DomainError) || error.kind !== 'validation' || !error.details.errors) return error;
  const errors = error.details.errors.map((e) => ({ ...e, field: e.field.replace(/^transfers\.0\./, '') }));
  return new DomainError('validation', error.code, 'The transfer has invalid fields', { ...error.details, errors });
}
