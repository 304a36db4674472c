import { Injectable } from '@nestjs/common';
import type { AccountRecord } from '@modules/accounts/infrastructure/account.repository';

/**
 * The port the interest feature plugs into: before its balance is swept, a closing
 * account is paid (or charged) the interest accrued up to now. Called on every run of the
 * closure workflow, including resumed runs, so implementations must be idempotent
 * (e.g. a ledger transfer whose id is derived from the account id and the period).
 * When it returns, the interest must be posted to the account's ledger account.
 *
 * Bound in accounts.module.ts; the interest feature replaces the binding
 * (`{ provide: InterestSettlement, useClass: <its implementation> }`).
 */
export abstract class InterestSettlement {
  abstract settleBeforeClosure(account: AccountRecord): Promise<void>;
}

/** Default until the interest feature lands: no interest is accrued, so none is due. */
@Injectable()
export class NoInterestSettlement extends InterestSettlement {
  settleBeforeClosure(): Promise<void> {
    return Promise.resolve();
  }
}
