import { z } from 'zod';
import { defineQuery, Id, Timestamp } from '@shared-kernel';
import { PostingPageView } from '../views';

export const PostingsFilter = z.object({
  /** Inclusive lower bound on the posting time. */
  from: Timestamp.optional(),
  /** Exclusive upper bound on the posting time. */
  to: Timestamp.optional(),
  bucket: z.enum(['posted', 'pending']).optional(),
  /** nextCursor of the previous page. */
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/)
    .optional(),
  limit: z.number().int().min(1).max(1000),
});
export type PostingsFilter = z.infer<typeof PostingsFilter>;

/** One account's postings in ledger order, each with the balances after it. */
export const ListPostingsQuery = defineQuery('ledger.list-postings.v1', {
  payload: z.object({ accountId: Id, options: PostingsFilter }),
  result: PostingPageView,
});
export type ListPostingsQuery = InstanceType<typeof ListPostingsQuery>;
