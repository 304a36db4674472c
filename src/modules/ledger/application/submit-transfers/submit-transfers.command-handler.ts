import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ValidationError } from '@shared-kernel';
import { SubmitTransfersCommand, type TransferResultView } from '@modules/ledger/contract';
import type { TransferOutcome } from '@modules/ledger/domain/transfer';
import { TransferCommitter } from './transfer-committer';
import { transferView } from '@modules/ledger/infrastructure/ledger-rows';
import { toTransferRequest } from './transfer-input';

@CommandHandler(SubmitTransfersCommand)
export class SubmitTransfersCommandHandler implements ICommandHandler<SubmitTransfersCommand, TransferResultView[]> {
  constructor(private readonly committer: TransferCommitter) {}

  async execute(command: SubmitTransfersCommand): Promise<TransferResultView[]> {
    const checked = command.transfers.map((input, index) => toTransferRequest(input, `transfers.${index}.`));
    const errors = checked.flatMap((c) => c.errors);
    if (errors.length) throw new ValidationError('Some transfers are malformed; none was submitted', errors);
    const outcomes = await this.committer.submit(checked.map((c) => c.request!));
    return outcomes.map(resultView);
  }
}

export function resultView(o: TransferOutcome): TransferResultView {
  return o.status === 'failed' ? { id: o.id, status: 'failed', error: o.error } : { id: o.id, status: o.status, transfer: transferView(o.transfer) };
}
