import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetTransferQuery, type TransferView } from '@modules/ledger/contract';
import { LedgerRepository } from '@modules/ledger/infrastructure/ledger.repository';

@QueryHandler(GetTransferQuery)
export class GetTransferQueryHandler implements IQueryHandler<GetTransferQuery, TransferView | null> {
  constructor(private readonly repository: LedgerRepository) {}

  execute({ id }: GetTransferQuery): Promise<TransferView | null> {
    return this.repository.transfer(id);
  }
}
