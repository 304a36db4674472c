import { Query } from '@nestjs/cqrs';
import type { TransferView } from '../views';

export class GetTransferQuery extends Query<TransferView | null> {
  constructor(readonly id: string) {
    super();
  }
}
