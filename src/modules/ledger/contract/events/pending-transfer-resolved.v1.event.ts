import { defineIntegrationEvent } from '../../../../shared-kernel';

export interface PendingTransferResolvedV1 {
  readonly pendingId: string;
  readonly resolution: 'posted' | 'voided' | 'expired';
  /** The transfer that resolved it. */
  readonly transferId: string;
  readonly postedAmount: string | null;
  readonly currency: string;
}

/** A hold was posted, voided or expired: it will not change again. */
export const PendingTransferResolvedV1 = defineIntegrationEvent<PendingTransferResolvedV1>('ledger.pending-transfer-resolved.v1', 'transactions.updated');
