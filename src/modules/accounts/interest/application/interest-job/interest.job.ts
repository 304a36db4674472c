import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '@platform/clock';
import { accountsConfig, type AccountsConfig } from '@modules/accounts/accounts.config';
import { Scheduler } from '@platform/jobs/scheduler';
import { addDays, dayOf, monthOf } from '@modules/accounts/interest/domain/calendar';
import { InterestRepository } from '@modules/accounts/interest/infrastructure/interest.repository';
import { AccrueInterest } from '../accrue-interest/accrue-interest';
import { CapitaliseInterest } from '../capitalise-interest/capitalise-interest';

export const INTEREST_JOB = 'accounts.interest';
/** Hourly: a day is accrued in the first run after it ends, a month paid in the first run after it ends. */
const EVERY_MS = 3_600_000;

export interface InterestRunReport {
  readonly accounts: number;
  readonly daysAccrued: number;
  readonly capitalisations: number;
  readonly failed: number;
}

/**
 * Daily accrual and monthly capitalisation for every interest-bearing account, up to the
 * day before `today` (the platform clock's UTC day unless given: tests pass a day).
 * Idempotent per account and day, and per account and month; every pod may run it.
 */
@Injectable()
export class InterestJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('InterestJob');

  constructor(
    private readonly repository: InterestRepository,
    private readonly accrual: AccrueInterest,
    private readonly capitalisation: CapitaliseInterest,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    @Inject(accountsConfig.token) private readonly config: AccountsConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.scheduler.every(INTEREST_JOB, EVERY_MS, () => this.run());
    await this.capitalisation.ensureExpenseAccounts(this.config.currencies);
  }

  async run(today: string = dayOf(this.clock.now())): Promise<InterestRunReport> {
    const yesterday = addDays(today, -1);
    const monthStart = `${monthOf(today)}-01`;
    let daysAccrued = 0;
    let capitalisations = 0;
    let failed = 0;
    const accounts = await this.repository.interestBearingAccounts();
    for (const account of accounts) {
      try {
        // Catch up until nothing is left (a long outage takes several rounds of MAX_DAYS_PER_RUN).
        for (let added = -1; added !== 0;) daysAccrued += added = await this.accrual.accrue(account, yesterday);
        for (const period of await this.repository.periodsToPay(account.id, monthStart)) {
          await this.capitalisation.capitalise(account, period);
          capitalisations++;
        }
      } catch (err) {
        failed++;
        this.logger.error({ accountId: account.id, err }, 'interest not accrued or paid; the next run retries');
      }
    }
    return { accounts: accounts.length, daysAccrued, capitalisations, failed };
  }
}
