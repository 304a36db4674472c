import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { GetBalanceAsOfQuery } from '@modules/ledger/contract';
import { addDays, dayOf, daysBetween, endOfDay } from '@modules/accounts/interest/domain/calendar';
import { accrueDays } from '@modules/accounts/interest/domain/interest-math';
import { InterestRepository, type InterestAccount } from '@modules/accounts/interest/infrastructure/interest.repository';

/** Longest catch-up in one call; the next run continues (keeps a transaction short). */
const MAX_DAYS_PER_RUN = 400;

/**
 * Accrues an account's interest day by day up to a given day, from the ledger's end-of-day
 * posted balances and the product's rate history. Every day is accrued once (the row's key
 * is account and day, and accruals of an account are serialised by a lock), in order, so
 * the running exact total carries every fraction to the next day. Days missed (a pod down,
 * a job failing) are caught up on the next run.
 */
@Injectable()
export class AccrueInterest {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: InterestRepository,
    private readonly queries: QueryBus,
  ) {}

  /** Accrues through `lastDay` (a finished UTC day); answers the number of days added. */
  async accrue(account: InterestAccount, lastDay: string): Promise<number> {
    const history = await this.repository.rates({ product: account.product, currency: account.currency });
    if (history.length === 0 || !account.openedAt) return 0;
    const firstRateDay = history[0]!.effectiveFrom;
    return this.uow.run(async (tx) => {
      await this.repository.lockAccount(tx, account.id);
      // Paid out at closure: nothing more accrues.
      if (await this.repository.findCapitalisation(tx, account.id, 'final')) return 0;
      const last = await this.repository.lastAccrual(tx, account.id);
      const opened = dayOf(account.openedAt!.getTime());
      const first = last ? addDays(last.day, 1) : opened > firstRateDay ? opened : firstRateDay;
      const days = daysBetween(first, lastDay).slice(0, MAX_DAYS_PER_RUN);
      if (days.length === 0) return 0;
      // Past days' balances never change (the ledger only posts at "now"), so reading them
      // outside our transaction is safe.
      const balances = await Promise.all(
        days.map(async (day) => {
          const asOf = await this.queries.execute(new GetBalanceAsOfQuery({ accountId: account.ledgerAccountId, asOf: endOfDay(day) }));
          return { day, balance: BigInt(asOf?.posted ?? '0') };
        }),
      );
      return this.repository.insertAccruals(tx, account.id, accrueDays(last?.cumulativeScaled ?? 0n, balances, history));
    });
  }
}
