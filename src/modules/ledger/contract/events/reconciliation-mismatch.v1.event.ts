import { defineIntegrationEvent } from '../../../../shared-kernel';

export interface ReconciliationMismatchV1 {
  readonly accountId: string;
  /** Totals on the account row versus recomputed from its postings. */
  readonly recorded: Record<string, string>;
  readonly recomputed: Record<string, string>;
  readonly detectedAt: string;
}

/** Alert: an account's totals disagree with its postings. Should never happen; page someone. */
export const ReconciliationMismatchV1 = defineIntegrationEvent<ReconciliationMismatchV1>('ledger.reconciliation-mismatch.v1', 'ledger.alerts');
