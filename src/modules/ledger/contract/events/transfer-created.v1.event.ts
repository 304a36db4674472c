import { defineIntegrationEvent } from '../../../../shared-kernel';
import type { BalancesView, TransferView } from '../views';

export interface TransferCreatedV1 {
  readonly transfer: TransferView;
  /** Balances of both accounts right after the transfer (for real-time balance updates). */
  readonly debitAccount: { readonly id: string; readonly balances: BalancesView };
  readonly creditAccount: { readonly id: string; readonly balances: BalancesView };
}

/** Every transfer the ledger writes, in commit order per account. */
export const TransferCreatedV1 = defineIntegrationEvent<TransferCreatedV1>('ledger.transfer-created.v1', 'transactions.created');
