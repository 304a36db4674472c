import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';
import { TransferView } from '../views';

export const GetTransferQuery = defineQuery('ledger.get-transfer.v1', {
  payload: z.object({ id: Id }),
  result: TransferView.nullable(),
});
export type GetTransferQuery = InstanceType<typeof GetTransferQuery>;
