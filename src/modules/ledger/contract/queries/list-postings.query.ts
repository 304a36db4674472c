import { Query } from '@nestjs/cqrs';
import type { PostingPageView } from '../views';

/** One account's postings in ledger order, each with the balances after it. */
export class ListPostingsQuery extends Query<PostingPageView> {
  constructor(
    readonly accountId: string,
    readonly options: {
      /** Inclusive lower bound on the posting time (ISO 8601). */
      readonly from?: string;
      /** Exclusive upper bound on the posting time (ISO 8601). */
      readonly to?: string;
      readonly bucket?: 'posted' | 'pending';
      readonly cursor?: string;
      readonly limit: number;
    },
  ) {
    super();
  }
}
