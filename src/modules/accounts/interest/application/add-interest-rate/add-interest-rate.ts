import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@platform/clock';
import { accountsConfig, type AccountsConfig } from '@modules/accounts/accounts.config';
import type { AccountProduct } from '@modules/accounts/domain/account';
import { currencyNotOffered } from '@modules/accounts/domain/account-errors';
import { dayOf } from '@modules/accounts/interest/domain/calendar';
import { rateExists, rateRetroactive } from '@modules/accounts/interest/domain/interest-errors';
import { InterestRepository, type InterestRateRecord } from '@modules/accounts/interest/infrastructure/interest.repository';

export interface NewInterestRate {
  readonly product: AccountProduct;
  readonly currency: string;
  readonly effectiveFrom: string;
  readonly annualRatePercent: string;
}

/**
 * Adds a rate to the history of a product and currency. Rates are only ever added, for
 * today or a later day: a past day's accrual was computed with the rate then in force and
 * stays so.
 */
@Injectable()
export class AddInterestRate {
  constructor(
    private readonly repository: InterestRepository,
    private readonly clock: Clock,
    @Inject(accountsConfig.token) private readonly config: AccountsConfig,
  ) {}

  async execute(rate: NewInterestRate, createdBy: string): Promise<InterestRateRecord> {
    if (!this.config.currencies.includes(rate.currency)) throw currencyNotOffered(rate.currency, this.config.currencies);
    const today = dayOf(this.clock.now());
    if (rate.effectiveFrom < today) throw rateRetroactive(today);
    if (!(await this.repository.addRate({ ...rate, createdBy }))) throw rateExists(rate.product, rate.currency, rate.effectiveFrom);
    const added = await this.repository.rates({ product: rate.product, currency: rate.currency });
    return added.find((r) => r.effectiveFrom === rate.effectiveFrom)!;
  }
}
