import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ListPostingsQuery, type PostingPageView } from '@modules/ledger/contract';
import { LedgerRepository } from '@modules/ledger/infrastructure/ledger.repository';

@QueryHandler(ListPostingsQuery)
export class ListPostingsQueryHandler implements IQueryHandler<ListPostingsQuery, PostingPageView> {
  constructor(private readonly repository: LedgerRepository) {}

  execute({ accountId, options }: ListPostingsQuery): Promise<PostingPageView> {
    return this.repository.postings(accountId, options);
  }
}
