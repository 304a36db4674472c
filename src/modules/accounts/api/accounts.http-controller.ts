import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import { userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent, IdempotencyKey } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { CloseAccountWorkflow } from '../application/close-account/close-account.workflow';
import { OpenAccount } from '../application/open-account/open-account';
import { ReadAccounts, type AccountWithBalancesView } from '../application/read-accounts/read-accounts';
import { accessibleWith } from './account-access';
import {
  AccountHistory,
  AccountIdParams,
  AccountList,
  AccountWithBalances,
  CloseAccountRequest,
  HistoryQuery,
  OpenAccountRequest,
} from './dto/accounts.requests';

/**
 * A customer's own accounts. Staff with `accounts:read` may read any account; everyone
 * else gets 404 ACCOUNT_NOT_FOUND for accounts that are not theirs.
 */
@ApiTags('accounts')
@ApiAuth()
@Controller('accounts')
export class AccountsHttpController {
  constructor(
    private readonly opening: OpenAccount,
    private readonly closing: CloseAccountWorkflow,
    private readonly reads: ReadAccounts,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Open a checking or savings account (EUR accounts get an IBAN)',
    description:
      'With an Idempotency-Key the account id follows from the caller and the key, so a retry after a failure (503 while the ledger is unreachable) completes the same account instead of opening a second one.',
  })
  @ApiResult(201, AccountWithBalances)
  @ApiProblems(400, 403, 503)
  async open(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(OpenAccountRequest) body: OpenAccountRequest,
    @IdempotencyKey() key: string | undefined,
  ): Promise<AccountWithBalancesView> {
    const [account] = await this.reads.withBalances([await this.opening.execute(userOf(principal), body, key)]);
    return account!;
  }

  @Get()
  @ApiOperation({ summary: 'My accounts, oldest first, with balances' })
  @ApiResult(200, AccountList)
  @ApiProblems(403)
  async list(@CurrentPrincipal() principal: Principal): Promise<z.output<typeof AccountList>> {
    return { items: await this.reads.ofOwner(userOf(principal)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'An account with its balances (posted, pending, available)' })
  @ApiResult(200, AccountWithBalances)
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
  ): Promise<AccountWithBalancesView> {
    const account = await this.reads.get(id, accessibleWith(principal, 'accounts:read'));
    return (await this.reads.withBalances([account]))[0]!;
  }

  @Get(':id/postings')
  @ApiOperation({ summary: "The account's history: postings in ledger order, each with the balance after it (cursor pagination)" })
  @ApiResult(200, AccountHistory)
  @ApiProblems(400, 404)
  async history(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
    @ValidQuery(HistoryQuery) query: z.output<typeof HistoryQuery>,
  ): Promise<AccountHistory> {
    const account = await this.reads.get(id, accessibleWith(principal, 'accounts:read'));
    const page = await this.reads.history(account, { ...query, limit: query.limit ?? 50 });
    return {
      items: page.items.map(({ sequence, transferId, side, bucket, amount, balanceAfter, pendingAfter, createdAt }) => ({
        sequence,
        transferId,
        side,
        bucket,
        amount,
        balanceAfter,
        pendingAfter,
        createdAt,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Post(':id/close')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Close an account: interest is paid, the balance swept to another account of yours, then the account closed',
    description:
      'Refused while holds are pending. Status is closing while the workflow runs; if it stops half-way (409 ACCOUNT_CLOSURE_INCOMPLETE, or 503 while the ledger is unreachable), repeating the request resumes it.',
  })
  @ApiResult(200, AccountWithBalances)
  @ApiProblems(400, 404, 503)
  async close(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
    @ValidBody(CloseAccountRequest) body: z.output<typeof CloseAccountRequest>,
  ): Promise<AccountWithBalancesView> {
    const closed = await this.closing.request(id, accessibleWith(principal, 'accounts:close'), body.sweepToAccountId, `${principal.kind}:${principal.subject}`);
    return (await this.reads.withBalances([closed]))[0]!;
  }
}
