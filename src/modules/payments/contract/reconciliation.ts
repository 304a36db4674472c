import { z } from 'zod';
import { CurrencyCode, Id, Timestamp } from '@shared-kernel';
import { ConnectorName } from './views';

/* What reconciliation tells the rest of the bank and staff: a mismatch between a provider's settlement report and our books. */

export const ReconciliationMismatchKind = z
  .enum([
    'unknown_charge',
    'unknown_refund',
    'amount_mismatch',
    'currency_mismatch',
    'state_mismatch',
    'missing_at_provider',
    'refund_total_mismatch',
    'ledger_missing',
    'ledger_amount_mismatch',
    'unexpected_adjustment',
  ])
  .meta({
    id: 'ReconciliationMismatchKind',
    description:
      'unknown_charge / unknown_refund: the provider moved money for nothing of ours; amount_mismatch, currency_mismatch; state_mismatch: the provider moved money for a payment or refund we hold as not done; missing_at_provider: settled with us, absent from the report past the grace period; refund_total_mismatch; ledger_missing / ledger_amount_mismatch: the ledger lacks the step or moved another amount; unexpected_adjustment: a chargeback or correction on a payment of ours',
  });
export type ReconciliationMismatchKind = z.infer<typeof ReconciliationMismatchKind>;

const SignedMinorUnits = z
  .string()
  .regex(/^-?(0|[1-9]\d{0,18})$/, 'must be an integer of minor units')
  .meta({ description: 'Minor units (integer, as a decimal string; negative for money out)', example: '1250' });

export const ReconciliationMismatchView = z
  .object({
    id: Id,
    runId: Id.describe('The run that found it first'),
    connector: ConnectorName,
    kind: ReconciliationMismatchKind,
    lineId: z.string().nullable().describe("The provider's line (balance transaction, batch line, transaction id)"),
    providerReference: z.string().nullable(),
    paymentId: Id.nullable(),
    refundId: Id.nullable(),
    currency: CurrencyCode,
    expectedAmount: SignedMinorUnits.nullable().describe('What our books say'),
    actualAmount: SignedMinorUnits.nullable().describe("What the provider's report (or the ledger) says"),
    detail: z.string(),
    state: z.enum(['open', 'resolved']),
    resolutionNote: z.string().nullable(),
    resolvedAt: Timestamp.nullable(),
    detectedAt: Timestamp,
  })
  .meta({ id: 'ReconciliationMismatch' });
export type ReconciliationMismatchView = z.infer<typeof ReconciliationMismatchView>;
