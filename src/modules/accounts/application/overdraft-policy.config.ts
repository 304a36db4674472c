import type { AppConfig } from '../../../platform/config/app-config';
import type { OverdraftPolicy } from '../domain/overdraft-policy';

/** The product policy as configured (ACCOUNTS_CHECKING_OVERDRAFT_LIMIT, ACCOUNTS_CHECKING_MAX_OVERDRAFT). */
export function overdraftPolicyOf(config: AppConfig): OverdraftPolicy {
  return { checkingDefault: config.accounts.checkingOverdraftLimit, checkingMax: config.accounts.checkingMaxOverdraft };
}
