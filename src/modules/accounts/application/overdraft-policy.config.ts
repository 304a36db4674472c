import type { AccountsConfig } from '../accounts.config';
import type { OverdraftPolicy } from '../domain/overdraft-policy';

/** The product policy as configured (ACCOUNTS_CHECKING_OVERDRAFT_LIMIT, ACCOUNTS_CHECKING_MAX_OVERDRAFT). */
export function overdraftPolicyOf(config: AccountsConfig): OverdraftPolicy {
  return { checkingDefault: config.checkingOverdraftLimit, checkingMax: config.checkingMaxOverdraft };
}
