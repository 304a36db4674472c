import { Query } from '@nestjs/cqrs';
import type { AccountView } from '../views';

/** One account without balances (null if unknown); balances come from the ledger. */
export class GetAccountQuery extends Query<AccountView | null> {
  constructor(readonly id: string) {
    super();
  }
}
