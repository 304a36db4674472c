import { Injectable } from '@nestjs/common';
import { Clock } from '@platform/clock';
import { InterestSettlement } from '@modules/accounts/application/close-account/interest-settlement';
import type { AccountRecord } from '@modules/accounts/infrastructure/account.repository';
import { addDays, dayOf } from '@modules/accounts/interest/domain/calendar';
import { AccrueInterest } from '../accrue-interest/accrue-interest';
import { CapitaliseInterest } from '../capitalise-interest/capitalise-interest';
import { InterestRepository } from '@modules/accounts/interest/infrastructure/interest.repository';

/**
 * Interest at closure: accrue every finished day up to the day before closure (the day
 * of closure has no end-of-day balance, so it earns nothing), then pay everything not yet
 * paid in one `final` capitalisation. Repeatable: a resumed closure finds the final
 * capitalisation recorded and at most re-submits its transfer, which the ledger executes once;
 * after it nothing more accrues.
 */
@Injectable()
export class ClosureInterestSettlement extends InterestSettlement {
  constructor(
    private readonly accrual: AccrueInterest,
    private readonly capitalisation: CapitaliseInterest,
    private readonly repository: InterestRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  async settleBeforeClosure(account: AccountRecord): Promise<void> {
    const yesterday = addDays(dayOf(this.clock.now()), -1);
    for (let added = -1; added !== 0;) added = await this.accrual.accrue(account, yesterday);
    // A monthly payment a crash left unposted is finished first; then the rest is paid as `final`.
    for (const period of await this.repository.periodsToPay(account.id, null)) {
      if (period !== 'final') await this.capitalisation.capitalise(account, period);
    }
    await this.capitalisation.capitalise(account, 'final');
  }
}
