import { Command } from '@nestjs/cqrs';
import type { LedgerAccountStatus, LedgerAccountView } from '../views';

/**
 * Changes an account's status or overdraft limit. Closing requires no pending transfers;
 * a closed account accepts no postings and cannot be reopened.
 */
export class ChangeLedgerAccountCommand extends Command<LedgerAccountView> {
  constructor(
    readonly accountId: string,
    readonly change: { readonly status?: LedgerAccountStatus; readonly overdraftLimit?: string },
  ) {
    super();
  }
}
