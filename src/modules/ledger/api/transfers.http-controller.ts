import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ConflictError, NotFoundError, UnprocessableError } from '../../../shared-kernel';
import { ApiAuth, RequirePermissions } from '../../../platform/auth/decorators';
import { ApiProblems } from '../../../platform/http/api-problems.decorator';
import { Idempotent } from '../../../platform/http/idempotency';
import { GetTransferQuery, SubmitTransfersCommand, type TransferInput, type TransferResultView, type TransferView } from '../contract';
import { LedgerIdParams } from './dto/ledger.requests';
import { TransferBatchResponse, TransferResponse } from './dto/ledger.responses';
import { TRANSFER_BATCH_SCHEMA, TRANSFER_SCHEMA } from './dto/transfer.schemas';

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
  @RouteSchema({ body: TRANSFER_SCHEMA })
  @ApiOperation({
    summary: 'Submit one transfer',
    description:
      'The transfer id is the idempotency key: the same id and fields return the first result (201, Idempotent-Replayed: true); the same id with other fields is 409. Business failures are 422 with the failure code.',
  })
  @ApiBody({ schema: TRANSFER_SCHEMA as object })
  @ApiCreatedResponse({ type: TransferResponse })
  @ApiProblems(400, 409, 413, 415, 422)
  async submit(@Body() body: TransferInput, @Res({ passthrough: true }) reply: FastifyReply): Promise<TransferView> {
    const [result] = await this.commands.execute(new SubmitTransfersCommand([body]));
    return answer(result!, reply);
  }

  @Post('batch')
  @HttpCode(200)
  @RequirePermissions('ledger:write')
  @Idempotent()
  @RouteSchema({ body: TRANSFER_BATCH_SCHEMA })
  @ApiOperation({
    summary: 'Submit transfers in order, with linked chains (up to 5000 per request)',
    description: 'One result per transfer: created, exists (a replay) or failed with a code. A transfer with linked=true commits together with the next one, all or nothing.',
  })
  @ApiBody({ schema: TRANSFER_BATCH_SCHEMA as object })
  @ApiOkResponse({ type: TransferBatchResponse })
  @ApiProblems(400, 409, 413, 415, 422)
  async submitBatch(@Body() body: { transfers: TransferInput[] }): Promise<{ results: TransferResultView[] }> {
    return { results: await this.commands.execute(new SubmitTransfersCommand(body.transfers)) };
  }

  @Get(':id')
  @RequirePermissions('ledger:read')
  @ApiOperation({ summary: 'Look up a transfer' })
  @ApiOkResponse({ type: TransferResponse })
  @ApiProblems(400, 404)
  async get(@Param() params: LedgerIdParams): Promise<TransferView> {
    const transfer = await this.queries.execute(new GetTransferQuery(params.id));
    if (!transfer) throw new NotFoundError('TRANSFER_NOT_FOUND', `no transfer ${params.id}`);
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
