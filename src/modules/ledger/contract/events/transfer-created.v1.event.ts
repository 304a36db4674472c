import { z } from 'zod';
import { defineIntegrationEvent, Id } from '@shared-kernel';
import { BalancesView, TransferView } from '../views';

/** Every transfer the ledger writes, in commit order per account. */
export const TransferCreatedV1 = defineIntegrationEvent(
  'ledger.transfer-created.v1',
  'transactions.created',
  z
    .object({
      transfer: TransferView,
      /** Balances of both accounts right after the transfer (for real-time balance updates). */
      debitAccount: z.object({ id: Id, balances: BalancesView }),
      creditAccount: z.object({ id: Id, balances: BalancesView }),
    })
    .meta({ id: 'TransferCreatedV1' }),
);
export type TransferCreatedV1 = z.infer<typeof TransferCreatedV1.data>;
