import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';
import { ACCOUNTS_TOPIC } from './account-lifecycle.v1.events';

/** A statement was stored and can be downloaded (e.g. a notification "your statement is ready"). */
export const StatementIssuedV1 = defineIntegrationEvent(
  'accounts.statement-issued.v1',
  ACCOUNTS_TOPIC,
  z
    .object({
      statementId: Id,
      accountId: Id,
      ownerId: Id,
      /** on_demand (asked for), monthly (the statement job) or final (at closure). */
      kind: z.enum(['on_demand', 'monthly', 'final']),
      /** Period start (inclusive) and end (exclusive), ISO 8601. */
      periodFrom: Timestamp,
      periodTo: Timestamp,
      issuedAt: Timestamp,
    })
    .meta({ id: 'StatementIssuedV1' }),
);
export type StatementIssuedV1 = z.infer<typeof StatementIssuedV1.data>;
