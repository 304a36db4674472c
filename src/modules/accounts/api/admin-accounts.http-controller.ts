import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal, RequirePermissions, RequiresStepUp } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { ChangeAccount } from '../application/change-account/change-account';
import { ReadAccounts, type AccountWithBalancesView } from '../application/read-accounts/read-accounts';
import type { AccountRecord } from '../infrastructure/account.repository';
import { AccountIdParams, AccountList, AccountWithBalances, AdminAccountsQuery, SetOverdraftRequest } from './dto/accounts.requests';

/** Support and back-office operations on customer accounts (all under /v1/admin/accounts, which this context owns). */
@ApiTags('accounts')
@ApiAuth()
@Controller('admin/accounts')
export class AdminAccountsHttpController {
  constructor(
    private readonly changes: ChangeAccount,
    private readonly reads: ReadAccounts,
  ) {}

  @Get()
  @RequirePermissions('accounts:read')
  @ApiOperation({ operationId: 'listAccountsOfOwner', summary: "A user's accounts with balances, oldest first (support, compliance, admin)" })
  @ApiResult(200, AccountList)
  @ApiProblems(400)
  async ofOwner(@ValidQuery(AdminAccountsQuery) { ownerId }: z.output<typeof AdminAccountsQuery>): Promise<z.output<typeof AccountList>> {
    return { items: await this.reads.ofOwner(ownerId) };
  }

  @Post(':id/freeze')
  @HttpCode(200)
  @RequirePermissions('accounts:freeze')
  @ApiOperation({ operationId: 'freezeAccount', summary: 'Freeze an account: no money leaves it (incoming money is still accepted); repeatable' })
  @ApiResult(200, AccountWithBalances)
  @ApiProblems(400, 404, 422, 503)
  async freeze(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
  ): Promise<AccountWithBalancesView> {
    return this.answer(await this.changes.freeze(id, `${principal.kind}:${principal.subject}`));
  }

  @Post(':id/unfreeze')
  @HttpCode(200)
  @RequirePermissions('accounts:freeze')
  @ApiOperation({ operationId: 'unfreezeAccount', summary: 'Unfreeze a frozen account; repeatable' })
  @ApiResult(200, AccountWithBalances)
  @ApiProblems(400, 404, 422, 503)
  async unfreeze(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
  ): Promise<AccountWithBalancesView> {
    return this.answer(await this.changes.unfreeze(id, `${principal.kind}:${principal.subject}`));
  }

  @Put(':id/overdraft')
  @RequirePermissions('accounts:overdraft')
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'setAccountOverdraft', summary: "Set a checking account's overdraft limit within the product policy (savings: never)" })
  @ApiResult(200, AccountWithBalances)
  @ApiProblems(400, 404, 422, 503)
  async setOverdraft(
    @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>,
    @ValidBody(SetOverdraftRequest) body: z.output<typeof SetOverdraftRequest>,
  ): Promise<AccountWithBalancesView> {
    return this.answer(await this.changes.setOverdraftLimit(id, BigInt(body.overdraftLimit)));
  }

  private async answer(account: AccountRecord): Promise<AccountWithBalancesView> {
    return (await this.reads.withBalances([account]))[0]!;
  }
}
