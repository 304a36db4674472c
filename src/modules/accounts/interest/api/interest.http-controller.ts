import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '../../../../platform/clock';
import { ApiAuth, CurrentPrincipal, RequirePermissions } from '../../../../platform/auth/decorators';
import type { Principal } from '../../../../platform/auth/principal';
import { ApiProblems } from '../../../../platform/http/api-problems.decorator';
import { Idempotent } from '../../../../platform/http/idempotency';
import { accessibleWith } from '../../api/account-access';
import { AccountIdParams } from '../../api/dto/accounts.dto';
import { AccountQueries } from '../../application/account-queries/account-queries';
import { InterestRatesHandler } from '../application/interest-rates/interest-rates.handler';
import { dayOf } from '../domain/calendar';
import { rateOn } from '../domain/interest-math';
import { InterestRepository, type InterestRateRecord } from '../infrastructure/interest.repository';
import { AccountInterestResponse, AddInterestRateRequest, InterestRateListResponse, InterestRateResponse, InterestRatesQuery } from './dto/interest.dto';

/** Who may add interest rates: admin (holds every permission); not support. */
export const MANAGE_RATES_PERMISSION = 'accounts:interest-rates';

const rateView = (r: InterestRateRecord): InterestRateResponse => ({ product: r.product, currency: r.currency, effectiveFrom: r.effectiveFrom, annualRatePercent: r.annualRatePercent });

/** Interest rates (public to any signed-in caller, added by admins) and an account's interest. */
@ApiTags('interest')
@ApiAuth()
@Controller()
export class InterestHttpController {
  constructor(
    private readonly rates: InterestRatesHandler,
    private readonly repository: InterestRepository,
    private readonly reads: AccountQueries,
    private readonly clock: Clock,
  ) {}

  @Get('interest-rates')
  @ApiOperation({ summary: 'The rate history per product and currency (each rate applies from its day until the next one)' })
  @ApiOkResponse({ type: InterestRateListResponse })
  @ApiProblems(400)
  async list(@Query() query: InterestRatesQuery): Promise<InterestRateListResponse> {
    return { items: (await this.rates.list(query)).map(rateView) };
  }

  @Post('admin/interest-rates')
  @RequirePermissions(MANAGE_RATES_PERMISSION)
  @Idempotent()
  @ApiOperation({ summary: 'Add a rate taking effect on a day (today or later) for a product and currency (admin)' })
  @ApiCreatedResponse({ type: InterestRateResponse })
  @ApiProblems(400, 403, 409, 422)
  async add(@CurrentPrincipal() principal: Principal, @Body() body: AddInterestRateRequest): Promise<InterestRateResponse> {
    return rateView(await this.rates.add(body, `${principal.kind}:${principal.subject}`));
  }

  @Get('accounts/:id/interest')
  @ApiOperation({ summary: "An account's interest: today's rate, accrued and not yet paid, and the payments so far" })
  @ApiOkResponse({ type: AccountInterestResponse })
  @ApiProblems(400, 404)
  async ofAccount(@CurrentPrincipal() principal: Principal, @Param() params: AccountIdParams): Promise<AccountInterestResponse> {
    const account = await this.reads.get(params.id, accessibleWith(principal, 'accounts:read'));
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
      capitalisations: paid.map((c) => ({ period: c.period, amount: c.amount.toString(), transferId: c.transferId, postedAt: c.postedAt?.toISOString() ?? null })),
    };
  }
}
