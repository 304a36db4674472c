import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ListPostingsQuery, type PostingPageView } from '../../contract';
import { LedgerRepository } from '../../infrastructure/ledger.repository';

@QueryHandler(ListPostingsQuery)
export class ListPostingsQueryHandler implements IQueryHandler<ListPostingsQuery, PostingPageView> {
  constructor(private readonly repository: LedgerRepository) {}

  execute({ accountId, options }: ListPostingsQuery): Promise<PostingPageView> {
    return this.repository.postings(accountId, options);
  }
}
