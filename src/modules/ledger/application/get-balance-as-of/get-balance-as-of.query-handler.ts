import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetBalanceAsOfQuery, type BalanceAsOfView } from '@modules/ledger/contract';
import { LedgerRepository } from '@modules/ledger/infrastructure/ledger.repository';

@QueryHandler(GetBalanceAsOfQuery)
export class GetBalanceAsOfQueryHandler implements IQueryHandler<GetBalanceAsOfQuery, BalanceAsOfView | null> {
  constructor(private readonly repository: LedgerRepository) {}

  async execute({ accountId, asOf }: GetBalanceAsOfQuery): Promise<BalanceAsOfView | null> {
    const balances = await this.repository.balanceAsOf(accountId, asOf);
    return balances && { ...balances, asOf };
  }
}
