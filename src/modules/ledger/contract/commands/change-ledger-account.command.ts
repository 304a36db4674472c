import { Command } from '@nestjs/cqrs';
import type { LedgerAccountStatus, LedgerAccountView } from '../views';

/**
 * Changes an account's status or overdraft limit. Closing requires no pending transfers
 * (and, with `requireZeroBalance`, a zero posted balance); a closed account accepts no
 * postings and cannot be reopened.
 */
export class ChangeLedgerAccountCommand extends Command<LedgerAccountView> {
  constructor(
    readonly accountId: string,
    readonly change: {
      readonly status?: LedgerAccountStatus;
      readonly overdraftLimit?: string;
      /** With status closed: refuse (LEDGER_ACCOUNT_HAS_BALANCE) unless posted debits equal posted credits. */
      readonly requireZeroBalance?: boolean;
    },
  ) {
    super();
  }
}
