import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, CurrentPrincipal, RequirePermissions, RequiresStepUp } from '../../../platform/auth/decorators';
import type { Principal } from '../../../platform/auth/principal';
import { ApiProblems } from '../../../platform/http/api-problems.decorator';
import { AccountQueries, type AccountWithBalancesView } from '../application/account-queries/account-queries';
import { ChangeAccountHandler } from '../application/change-account/change-account.handler';
import type { AccountRecord } from '../infrastructure/account.repository';
import { AccountIdParams, AccountListResponse, AccountResponse, OwnerIdParams, SetOverdraftRequest } from './dto/accounts.dto';

/** Support and back-office operations on customer accounts. */
@ApiTags('accounts')
@ApiAuth()
@Controller('admin')
export class AdminAccountsHttpController {
  constructor(
    private readonly changes: ChangeAccountHandler,
    private readonly reads: AccountQueries,
  ) {}

  @Get('users/:id/accounts')
  @RequirePermissions('accounts:read')
  @ApiOperation({ summary: "A user's accounts with balances (support, compliance, admin)" })
  @ApiOkResponse({ type: AccountListResponse })
  @ApiProblems(400)
  async ofUser(@Param() params: OwnerIdParams): Promise<{ items: AccountWithBalancesView[] }> {
    return { items: await this.reads.ofOwner(params.id) };
  }

  @Post('accounts/:id/freeze')
  @HttpCode(200)
  @RequirePermissions('accounts:freeze')
  @ApiOperation({ summary: 'Freeze an account: no money leaves it (incoming money is still accepted); repeatable' })
  @ApiOkResponse({ type: AccountResponse })
  @ApiProblems(400, 404, 422)
  async freeze(@CurrentPrincipal() principal: Principal, @Param() params: AccountIdParams): Promise<AccountWithBalancesView> {
    return this.answer(await this.changes.freeze(params.id, `${principal.kind}:${principal.subject}`));
  }

  @Post('accounts/:id/unfreeze')
  @HttpCode(200)
  @RequirePermissions('accounts:freeze')
  @ApiOperation({ summary: 'Unfreeze a frozen account; repeatable' })
  @ApiOkResponse({ type: AccountResponse })
  @ApiProblems(400, 404, 422)
  async unfreeze(@CurrentPrincipal() principal: Principal, @Param() params: AccountIdParams): Promise<AccountWithBalancesView> {
    return this.answer(await this.changes.unfreeze(params.id, `${principal.kind}:${principal.subject}`));
  }

  @Put('accounts/:id/overdraft')
  @RequirePermissions('accounts:overdraft')
  @RequiresStepUp(300)
  @ApiOperation({ summary: "Set a checking account's overdraft limit within the product policy (savings: never)" })
  @ApiOkResponse({ type: AccountResponse })
  @ApiProblems(400, 404, 422)
  async setOverdraft(@Param() params: AccountIdParams, @Body() body: SetOverdraftRequest): Promise<AccountWithBalancesView> {
    return this.answer(await this.changes.setOverdraftLimit(params.id, BigInt(body.overdraftLimit)));
  }

  private async answer(account: AccountRecord): Promise<AccountWithBalancesView> {
    return (await this.reads.withBalances([account]))[0]!;
  }
}
