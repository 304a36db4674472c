import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, CurrentPrincipal } from '../../../platform/auth/decorators';
import type { Principal } from '../../../platform/auth/principal';
import { ApiProblems } from '../../../platform/http/api-problems.decorator';
import { Idempotent } from '../../../platform/http/idempotency';
import { AccountQueries, type AccountWithBalancesView } from '../application/account-queries/account-queries';
import { CloseAccountWorkflow } from '../application/close-account/close-account.workflow';
import { OpenAccountHandler } from '../application/open-account/open-account.handler';
import { userOf } from '../../../platform/auth/ownership';
import { accessibleWith } from './account-access';
import {
  AccountHistoryResponse,
  AccountIdParams,
  AccountListResponse,
  AccountResponse,
  CloseAccountRequest,
  HistoryQuery,
  OpenAccountRequest,
} from './dto/accounts.dto';

/**
 * A customer's own accounts. Staff with `accounts:read` may read any account; everyone
 * else gets 404 ACCOUNT_NOT_FOUND for accounts that are not theirs.
 */
@ApiTags('accounts')
@ApiAuth()
@Controller('accounts')
export class AccountsHttpController {
  constructor(
    private readonly opening: OpenAccountHandler,
    private readonly closing: CloseAccountWorkflow,
    private readonly reads: AccountQueries,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Open a checking or savings account (EUR accounts get an IBAN)' })
  @ApiCreatedResponse({ type: AccountResponse })
  @ApiProblems(400, 403, 422)
  async open(@CurrentPrincipal() principal: Principal, @Body() body: OpenAccountRequest): Promise<AccountWithBalancesView> {
    const [account] = await this.reads.withBalances([await this.opening.execute(userOf(principal), body)]);
    return account!;
  }

  @Get()
  @ApiOperation({ summary: 'My accounts, oldest first, with balances' })
  @ApiOkResponse({ type: AccountListResponse })
  @ApiProblems(403)
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: AccountWithBalancesView[] }> {
    return { items: await this.reads.ofOwner(userOf(principal)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'An account with its balances (posted, pending, available)' })
  @ApiOkResponse({ type: AccountResponse })
  @ApiProblems(400, 404)
  async get(@CurrentPrincipal() principal: Principal, @Param() params: AccountIdParams): Promise<AccountWithBalancesView> {
    const account = await this.reads.get(params.id, accessibleWith(principal, 'accounts:read'));
    return (await this.reads.withBalances([account]))[0]!;
  }

  @Get(':id/postings')
  @ApiOperation({ summary: "The account's history: postings in ledger order, each with the balance after it (cursor pagination)" })
  @ApiOkResponse({ type: AccountHistoryResponse })
  @ApiProblems(400, 404)
  async history(@CurrentPrincipal() principal: Principal, @Param() params: AccountIdParams, @Query() query: HistoryQuery): Promise<AccountHistoryResponse> {
    const account = await this.reads.get(params.id, accessibleWith(principal, 'accounts:read'));
    const page = await this.reads.history(account, { ...query, limit: query.limit ?? 50 });
    return {
      items: page.items.map(({ sequence, transferId, side, bucket, amount, balanceAfter, pendingAfter, createdAt }) => ({ sequence, transferId, side, bucket, amount, balanceAfter, pendingAfter, createdAt })),
      nextCursor: page.nextCursor,
    };
  }

  @Post(':id/close')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Close an account: interest is paid, the balance swept to another account of yours, then the account closed',
    description: 'Refused while holds are pending. Status is closing while the workflow runs; if it stops half-way (409 ACCOUNT_CLOSURE_INCOMPLETE), repeating the request resumes it.',
  })
  @ApiOkResponse({ type: AccountResponse })
  @ApiProblems(400, 404, 409, 422)
  async close(@CurrentPrincipal() principal: Principal, @Param() params: AccountIdParams, @Body() body: CloseAccountRequest): Promise<AccountWithBalancesView> {
    const closed = await this.closing.request(params.id, accessibleWith(principal, 'accounts:close'), body.sweepToAccountId, `${principal.kind}:${principal.subject}`);
    return (await this.reads.withBalances([closed]))[0]!;
  }
}
