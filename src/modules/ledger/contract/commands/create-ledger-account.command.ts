import { Command } from '@nestjs/cqrs';
import type { LedgerAccountView, LedgerNormalSide } from '../views';

/** Opens a ledger account. The id is the caller's (idempotent: same id and fields → same account). */
export class CreateLedgerAccountCommand extends Command<LedgerAccountView> {
  constructor(
    readonly account: {
      readonly id: string;
      readonly currency: string;
      readonly normalSide: LedgerNormalSide;
      readonly debitsMustNotExceedCredits?: boolean;
      readonly creditsMustNotExceedDebits?: boolean;
      readonly overdraftLimit?: string;
      readonly code?: number;
      readonly reference?: string | null;
    },
  ) {
    super();
  }
}
