import { Query } from '@nestjs/cqrs';
import type { LedgerAccountView } from '../views';

/** Accounts with their balances; unknown ids are simply absent from the answer. */
export class GetLedgerAccountsQuery extends Query<LedgerAccountView[]> {
  constructor(readonly ids: readonly string[]) {
    super();
  }
}
