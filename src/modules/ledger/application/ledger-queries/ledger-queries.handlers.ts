import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetBalanceAsOfQuery, GetLedgerAccountsQuery, GetTransferQuery, ListPostingsQuery, type LedgerAccountView, type PostingPageView, type TransferView } from '../../contract';
import { LedgerRepository } from '../../infrastructure/ledger.repository';

@QueryHandler(GetLedgerAccountsQuery)
export class GetLedgerAccountsHandler implements IQueryHandler<GetLedgerAccountsQuery, LedgerAccountView[]> {
  constructor(private readonly repository: LedgerRepository) {}
  execute(query: GetLedgerAccountsQuery): Promise<LedgerAccountView[]> {
    return this.repository.accounts(query.ids);
  }
}

@QueryHandler(GetTransferQuery)
export class GetTransferHandler implements IQueryHandler<GetTransferQuery, TransferView | null> {
  constructor(private readonly repository: LedgerRepository) {}
  execute(query: GetTransferQuery): Promise<TransferView | null> {
    return this.repository.transfer(query.id);
  }
}

@QueryHandler(ListPostingsQuery)
export class ListPostingsHandler implements IQueryHandler<ListPostingsQuery, PostingPageView> {
  constructor(private readonly repository: LedgerRepository) {}
  execute(query: ListPostingsQuery): Promise<PostingPageView> {
    return this.repository.postings(query.accountId, query.options);
  }
}

@QueryHandler(GetBalanceAsOfQuery)
export class GetBalanceAsOfHandler implements IQueryHandler<GetBalanceAsOfQuery, { posted: string; pending: string; asOf: string } | null> {
  constructor(private readonly repository: LedgerRepository) {}
  async execute(query: GetBalanceAsOfQuery): Promise<{ posted: string; pending: string; asOf: string } | null> {
    const balances = await this.repository.balanceAsOf(query.accountId, query.asOf);
    return balances && { ...balances, asOf: query.asOf };
  }
}
