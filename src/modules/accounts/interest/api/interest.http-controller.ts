import { Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Clock } from '@platform/clock';
import { ApiAuth, CurrentPrincipal, RequirePermissions } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { accessibleWith } from '@modules/accounts/api/account-access';
import { AccountIdParams } from '@modules/accounts/api/dto/accounts.requests';
import { ReadAccounts } from '@modules/accounts/application/read-accounts/read-accounts';
import { AddInterestRate } from '../application/add-interest-rate/add-interest-rate';
import { dayOf } from '../domain/calendar';
import { rateOn } from '../domain/interest-math';
import { InterestRepository, type InterestRateRecord } from '../infrastructure/interest.repository';
import { AccountInterest, AddInterestRateRequest, InterestRate, InterestRateList, InterestRatesQuery } from './dto/interest.requests';

/** Who may add interest rates: admin (holds every permission); not support. */
export const MANAGE_RATES_PERMISSION = 'accounts:interest-rates';

const rateView = (r: InterestRateRecord): InterestRate => ({
  product: r.product,
  currency: r.currency,
  effectiveFrom: r.effectiveFrom,
  annualRatePercent: r.annualRatePercent,
});

/** Interest rates (public to any signed-in caller, added by admins) and an account's interest. */
@ApiTags('interest')
@ApiAuth()
@Controller()
export class InterestHttpController {
  constructor(
    private readonly adding: AddInterestRate,
    private readonly repository: InterestRepository,
    private readonly reads: ReadAccounts,
    private readonly clock: Clock,
  ) {}

  @Get('interest-rates')
  @ApiOperation({ operationId: 'listInterestRates', summary: 'The rate history per product and currency (each rate applies from its day until the next one)' })
  @ApiResult(200, InterestRateList)
  @ApiProblems(400)
  async list(@ValidQuery(InterestRatesQuery) filter: z.output<typeof InterestRatesQuery>): Promise<InterestRateList> {
    return { items: (await this.repository.rates(filter)).map(rateView) };
  }

  @Post('admin/interest-rates')
  @RequirePermissions(MANAGE_RATES_PERMISSION)
  @Idempotent()
  @ApiOperation({ operationId: 'addInterestRate', summary: 'Add a rate taking effect on a day (today or later) for a product and currency (admin)' })
  @ApiResult(201, InterestRate)
  @ApiProblems(400)
  async add(@CurrentPrincipal() principal: Principal, @ValidBody(AddInterestRateRequest) body: z.output<typeof AddInterestRateRequest>): Promise<InterestRate> {
    return rateView(await this.adding.execute(body, `${principal.kind}:${principal.subject}`));
  }

  @Get('accounts/:id/interest')
  @ApiOperation({ operationId: 'getAccountInterest', summary: "An account's interest: today's rate, accrued and not yet paid, and the payments so far" })
  @ApiResult(200, AccountInterest)
  @ApiProblems(400, 404)
  async ofAccount(@CurrentPrincipal() principal: Principal, @ValidParams(AccountIdParams) { id }: z.output<typeof AccountIdParams>): Promise<AccountInterest> {
    const account = await this.reads.get(id, accessibleWith(principal, 'accounts:read'));
    const [history, unpaid, paid] = await Promise.all([
      this.repository.rates({ product: account.product, currency: account.currency }),
      this.repository.unpaid(account.id),
      this.repository.capitalisations(account.id),
    ]);
    return {
      accountId: account.id,
      currency: account.currency,
      currentRatePercent: rateOn(history, dayOf(this.clock.now()))?.annualRatePercent ?? null,
      accruedUnpaid: unpaid.amount.toString(),
      accruedThrough: unpaid.lastDay,
      capitalisations: paid.map((c) => ({
        period: c.period,
        amount: c.amount.toString(),
        transferId: c.transferId,
        postedAt: c.postedAt?.toISOString() ?? null,
      })),
    };
  }
}
