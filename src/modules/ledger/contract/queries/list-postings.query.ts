import { z } from 'zod';
import { defineQuery, Id, SequenceCursor, Timestamp } from '@shared-kernel';
import { PostingPageView } from '../views';

export const PostingsFilter = z.object({
  from: Timestamp.optional().describe('From (inclusive)'),
  to: Timestamp.optional().describe('To (exclusive)'),
  bucket: z.enum(['posted', 'pending']).optional(),
  cursor: SequenceCursor.optional().describe('nextCursor of the previous page'),
  limit: z.number().int().min(1).max(1000),
});

/** The filter as a query string: every field but the page size as the contract has it, which routes bound and default themselves. */
export function postingsQueryString(maxLimit: number, defaultLimit: number) {
  return z.strictObject({
    ...PostingsFilter.omit({ limit: true }).shape,
    limit: z.coerce.number().int().min(1).max(maxLimit).optional().describe(`Page size (default ${defaultLimit})`),
  });
}
export type PostingsFilter = z.infer<typeof PostingsFilter>;

/** One account's postings in ledger order, each with the balances after it. */
export const ListPostingsQuery = defineQuery('ledger.list-postings.v1', {
  payload: z.object({ accountId: Id, options: PostingsFilter }),
  result: PostingPageView,
});
export type ListPostingsQuery = InstanceType<typeof ListPostingsQuery>;
