import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '@platform/clock';
import { Scheduler } from '@platform/jobs/scheduler';
import { AccountRepository } from '@modules/accounts/infrastructure/account.repository';
import { dayOf, firstDayAfter, previousMonth } from '@modules/accounts/interest/domain/calendar';
import { StatementRepository } from '@modules/accounts/statements/infrastructure/statement.repository';
import { IssueStatement } from '../issue-statement/issue-statement';

export const MONTHLY_STATEMENTS_JOB = 'accounts.monthly-statements';
/** Hourly: last month's statements go out in the first run of the 1st (UTC); later runs find them issued. */
const EVERY_MS = 3_600_000;

/**
 * Issues last month's statement for every active (or frozen) account opened before the
 * month ended, idempotent per account and month. `today` defaults to the platform clock's
 * UTC day; tests pass one.
 */
@Injectable()
export class MonthlyStatementsJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('MonthlyStatementsJob');

  constructor(
    private readonly statements: StatementRepository,
    private readonly accounts: AccountRepository,
    private readonly issuer: IssueStatement,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every(MONTHLY_STATEMENTS_JOB, EVERY_MS, () => this.run());
  }

  async run(today: string = dayOf(this.clock.now())): Promise<{ month: string; issued: number; failed: number }> {
    const month = previousMonth(today);
    const period = { from: new Date(`${month}-01T00:00:00.000Z`).toISOString(), to: new Date(`${firstDayAfter(month)}T00:00:00.000Z`).toISOString() };
    let issued = 0;
    let failed = 0;
    for (const id of await this.statements.accountsOpenBefore(period.to)) {
      try {
        const account = await this.accounts.findById(id);
        if (!account) continue;
        await this.issuer.issueMonthly(account, period);
        issued++;
      } catch (err) {
        failed++;
        this.logger.error({ accountId: id, month, err }, 'monthly statement not issued; the next run retries');
      }
    }
    return { month, issued, failed };
  }
}
