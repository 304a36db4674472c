import { Command } from '@nestjs/cqrs';
import type { TransferKindView, TransferResultView } from '../views';

export interface TransferInput {
  readonly id: string;
  readonly kind?: TransferKindView;
  readonly debitAccountId?: string;
  readonly creditAccountId?: string;
  /** Minor units as a decimal string. */
  readonly amount?: string;
  readonly currency?: string;
  readonly pendingId?: string;
  readonly timeoutSeconds?: number;
  /** Linked to the next transfer: the chain commits all or nothing. */
  readonly linked?: boolean;
  readonly code?: number;
  readonly reference?: string;
}

/**
 * Submits transfers to the ledger, in order. The answer holds one result per transfer:
 * created, exists (a replay of the same id and fields), or failed with a stable code.
 * Other contexts (payments, cards, accounts) post through this command, never through SQL.
 */
export class SubmitTransfersCommand extends Command<TransferResultView[]> {
  constructor(readonly transfers: readonly TransferInput[]) {
    super();
  }
}
