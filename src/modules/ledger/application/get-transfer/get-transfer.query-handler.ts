import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetTransferQuery, type TransferView } from '../../contract';
import { LedgerRepository } from '../../infrastructure/ledger.repository';

@QueryHandler(GetTransferQuery)
export class GetTransferQueryHandler implements IQueryHandler<GetTransferQuery, TransferView | null> {
  constructor(private readonly repository: LedgerRepository) {}

  execute({ id }: GetTransferQuery): Promise<TransferView | null> {
    return this.repository.transfer(id);
  }
}
