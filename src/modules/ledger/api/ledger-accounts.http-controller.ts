import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../../shared-kernel';
import { ApiAuth, RequirePermissions } from '../../../platform/auth/decorators';
import { ApiProblems } from '../../../platform/http/api-problems.decorator';
import { Idempotent } from '../../../platform/http/idempotency';
import {
  ChangeLedgerAccountCommand,
  CreateLedgerAccountCommand,
  GetBalanceAsOfQuery,
  GetLedgerAccountsQuery,
  ListPostingsQuery,
  type LedgerAccountView,
  type PostingPageView,
} from '../contract';
import { BalanceAsOfQuery, ChangeLedgerAccountRequest, CreateLedgerAccountRequest, LedgerIdParams, PostingsQuery } from './dto/ledger.requests';
import { BalanceAsOfResponse, LedgerAccountResponse, PostingPageResponse } from './dto/ledger.responses';

/** The bank's books, for services and back-office (customers use the accounts API). */
@ApiTags('ledger')
@ApiAuth()
@Controller('ledger/accounts')
export class LedgerAccountsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermissions('ledger:write')
  @Idempotent()
  @ApiOperation({ summary: 'Open a ledger account (idempotent by id)' })
  @ApiCreatedResponse({ type: LedgerAccountResponse })
  @ApiProblems(400, 409)
  create(@Body() body: CreateLedgerAccountRequest): Promise<LedgerAccountView> {
    return this.commands.execute(new CreateLedgerAccountCommand(body));
  }

  @Get(':id')
  @RequirePermissions('ledger:read')
  @ApiOperation({ summary: 'An account with its balances (posted, pending, available)' })
  @ApiOkResponse({ type: LedgerAccountResponse })
  @ApiProblems(400, 404)
  async get(@Param() params: LedgerIdParams): Promise<LedgerAccountView> {
    const [account] = await this.queries.execute(new GetLedgerAccountsQuery([params.id]));
    if (!account) throw new NotFoundError('LEDGER_ACCOUNT_NOT_FOUND', `no ledger account ${params.id}`);
    return account;
  }

  @Patch(':id')
  @RequirePermissions('ledger:write')
  @ApiOperation({ summary: 'Freeze, unfreeze or close an account, or change its overdraft limit' })
  @ApiOkResponse({ type: LedgerAccountResponse })
  @ApiProblems(400, 404, 422)
  change(@Param() params: LedgerIdParams, @Body() body: ChangeLedgerAccountRequest): Promise<LedgerAccountView> {
    return this.commands.execute(new ChangeLedgerAccountCommand(params.id, body));
  }

  @Get(':id/postings')
  @RequirePermissions('ledger:read')
  @ApiOperation({ summary: "An account's postings in ledger order, each with the balances after it" })
  @ApiOkResponse({ type: PostingPageResponse })
  @ApiProblems(400, 404)
  async postings(@Param() params: LedgerIdParams, @Query() query: PostingsQuery): Promise<PostingPageView> {
    await this.get(params);
    return this.queries.execute(new ListPostingsQuery(params.id, { ...query, limit: query.limit ?? 100 }));
  }

  @Get(':id/balance')
  @RequirePermissions('ledger:read')
  @ApiOperation({ summary: 'Balances as of a past instant' })
  @ApiOkResponse({ type: BalanceAsOfResponse })
  @ApiProblems(400, 404)
  async balanceAsOf(@Param() params: LedgerIdParams, @Query() query: BalanceAsOfQuery): Promise<BalanceAsOfResponse> {
    const balances = await this.queries.execute(new GetBalanceAsOfQuery(params.id, query.asOf));
    if (!balances) throw new NotFoundError('LEDGER_ACCOUNT_NOT_FOUND', `no ledger account ${params.id}`);
    return balances;
  }
}
