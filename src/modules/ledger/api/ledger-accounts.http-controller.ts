import { Controller, Get, Patch, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { NotFoundError } from '@shared-kernel';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import {
  BalanceAsOfView,
  ChangeLedgerAccountCommand,
  CreateLedgerAccountCommand,
  GetBalanceAsOfQuery,
  GetLedgerAccountsQuery,
  LedgerAccountChange,
  LedgerAccountView,
  ListPostingsQuery,
  NewLedgerAccount,
  PostingPageView,
} from '../contract';
import { BalanceAsOfQuery, LedgerIdParams, PostingsQuery } from './dto/ledger.requests';

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
  @ApiResult(201, LedgerAccountView)
  @ApiProblems(400, 409)
  create(@ValidBody(NewLedgerAccount) account: NewLedgerAccount): Promise<LedgerAccountView> {
    return this.commands.execute(new CreateLedgerAccountCommand({ account }));
  }

  @Get(':id')
  @RequirePermissions('ledger:read')
  @ApiOperation({ summary: 'An account with its balances (posted, pending, available)' })
  @ApiResult(200, LedgerAccountView)
  @ApiProblems(400, 404)
  async get(@ValidParams(LedgerIdParams) { id }: z.output<typeof LedgerIdParams>): Promise<LedgerAccountView> {
    const [account] = await this.queries.execute(new GetLedgerAccountsQuery({ ids: [id] }));
    if (!account) throw new NotFoundError('LEDGER_ACCOUNT_NOT_FOUND', `no ledger account ${id}`);
    return account;
  }

  @Patch(':id')
  @RequirePermissions('ledger:write')
  @ApiOperation({ summary: 'Freeze, unfreeze or close an account, or change its overdraft limit' })
  @ApiResult(200, LedgerAccountView)
  @ApiProblems(400, 404, 422)
  change(
    @ValidParams(LedgerIdParams) { id }: z.output<typeof LedgerIdParams>,
    @ValidBody(LedgerAccountChange) change: LedgerAccountChange,
  ): Promise<LedgerAccountView> {
    return this.commands.execute(new ChangeLedgerAccountCommand({ accountId: id, change }));
  }

  @Get(':id/postings')
  @RequirePermissions('ledger:read')
  @ApiOperation({ summary: "An account's postings in ledger order, each with the balances after it" })
  @ApiResult(200, PostingPageView)
  @ApiProblems(400, 404)
  async postings(
    @ValidParams(LedgerIdParams) params: z.output<typeof LedgerIdParams>,
    @ValidQuery(PostingsQuery) query: z.output<typeof PostingsQuery>,
  ): Promise<PostingPageView> {
    await this.get(params);
    return this.queries.execute(new ListPostingsQuery({ accountId: params.id, options: { ...query, limit: query.limit ?? 100 } }));
  }

  @Get(':id/balance')
  @RequirePermissions('ledger:read')
  @ApiOperation({ summary: 'Balances as of a past instant' })
  @ApiResult(200, BalanceAsOfView)
  @ApiProblems(400, 404)
  async balanceAsOf(
    @ValidParams(LedgerIdParams) { id }: z.output<typeof LedgerIdParams>,
    @ValidQuery(BalanceAsOfQuery) { asOf }: z.output<typeof BalanceAsOfQuery>,
  ): Promise<BalanceAsOfView> {
    const balances = await this.queries.execute(new GetBalanceAsOfQuery({ accountId: id, asOf }));
    if (!balances) throw new NotFoundError('LEDGER_ACCOUNT_NOT_FOUND', `no ledger account ${id}`);
    return balances;
  }
}
