import { defineIntegrationEvent } from '../../../../shared-kernel';
import { ACCOUNTS_TOPIC } from './account-lifecycle.v1.events';

export interface StatementIssuedV1 {
  readonly statementId: string;
  readonly accountId: string;
  readonly ownerId: string;
  /** on_demand (asked for), monthly (the statement job) or final (at closure). */
  readonly kind: 'on_demand' | 'monthly' | 'final';
  /** Period start (inclusive) and end (exclusive), ISO 8601. */
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly issuedAt: string;
}

/** A statement was stored and can be downloaded (e.g. a notification "your statement is ready"). */
export const StatementIssuedV1 = defineIntegrationEvent<StatementIssuedV1>('accounts.statement-issued.v1', ACCOUNTS_TOPIC);
