import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';

/** Alert: an account's totals disagree with its postings. Should never happen; page someone. */
export const ReconciliationMismatchV1 = defineIntegrationEvent(
  'ledger.reconciliation-mismatch.v1',
  'ledger.alerts',
  z
    .object({
      accountId: Id,
      /** Totals on the account row versus recomputed from its postings. */
      recorded: z.record(z.string(), z.string()),
      recomputed: z.record(z.string(), z.string()),
      detectedAt: Timestamp,
    })
    .meta({ id: 'ReconciliationMismatchV1' }),
);
export type ReconciliationMismatchV1 = z.infer<typeof ReconciliationMismatchV1.data>;
