import { z } from 'zod';
import { CurrencyCode, defineIntegrationEvent, Id, MinorUnits } from '@shared-kernel';

/** A hold was posted, voided or expired: it will not change again. */
export const PendingTransferResolvedV1 = defineIntegrationEvent(
  'ledger.pending-transfer-resolved.v1',
  'transactions.updated',
  z
    .object({
      pendingId: Id,
      resolution: z.enum(['posted', 'voided', 'expired']),
      /** The transfer that resolved it. */
      transferId: Id,
      postedAmount: MinorUnits.nullable(),
      currency: CurrencyCode,
    })
    .meta({ id: 'PendingTransferResolvedV1' }),
);
export type PendingTransferResolvedV1 = z.infer<typeof PendingTransferResolvedV1.data>;
