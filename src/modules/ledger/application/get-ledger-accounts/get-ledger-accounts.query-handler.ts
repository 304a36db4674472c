import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetLedgerAccountsQuery, type LedgerAccountView } from '@modules/ledger/contract';
import { LedgerRepository } from '@modules/ledger/infrastructure/ledger.repository';

@QueryHandler(GetLedgerAccountsQuery)
export class GetLedgerAccountsQueryHandler implements IQueryHandler<GetLedgerAccountsQuery, LedgerAccountView[]> {
  constructor(private readonly repository: LedgerRepository) {}

  execute({ ids }: GetLedgerAccountsQuery): Promise<LedgerAccountView[]> {
    return this.repository.accounts(ids);
  }
}
