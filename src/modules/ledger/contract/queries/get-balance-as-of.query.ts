import { Query } from '@nestjs/cqrs';
import type { BalancesView } from '../views';

/** The account's posted and pending balances at a past instant (null if unknown account). */
export class GetBalanceAsOfQuery extends Query<(Omit<BalancesView, 'available'> & { readonly asOf: string }) | null> {
  constructor(
    readonly accountId: string,
    readonly asOf: string,
  ) {
    super();
  }
}
