import { z } from 'zod';
import { ConfigError, defineConfig, list, minorUnits, type ConfigOf } from '@platform/config/config-slice';

/** The accounts context's settings (ACCOUNTS_* variables). */
export const accountsConfig = defineConfig(
  'accounts',
  {
    ACCOUNTS_CURRENCIES: list
      .pipe(z.array(z.string().regex(/^[A-Z]{3}$/, 'must be ISO 4217 codes, comma-separated')).min(1, 'must name at least one currency'))
      .default(['EUR', 'USD', 'GBP']),
    ACCOUNTS_IBAN_BANK_CODE: z
      .string()
      .regex(/^[1-9][0-9]{7}$/, 'must be an 8-digit German bank code (BLZ)')
      .default('99900000'),
    ACCOUNTS_CHECKING_OVERDRAFT_LIMIT: minorUnits.default(0n),
    ACCOUNTS_CHECKING_MAX_OVERDRAFT: minorUnits.default(100_000n),
  },
  (e) => {
    if (e.ACCOUNTS_CHECKING_OVERDRAFT_LIMIT > e.ACCOUNTS_CHECKING_MAX_OVERDRAFT) {
      throw new ConfigError('Invalid configuration: ACCOUNTS_CHECKING_OVERDRAFT_LIMIT must not exceed ACCOUNTS_CHECKING_MAX_OVERDRAFT');
    }
    return {
      /** Currencies accounts may be opened in. */
      currencies: e.ACCOUNTS_CURRENCIES,
      /** Bank code (BLZ) in the German-format IBANs of EUR accounts. */
      ibanBankCode: e.ACCOUNTS_IBAN_BANK_CODE,
      /** Overdraft policy in minor units: given to new checking accounts, and the most staff may grant. Savings: never. */
      checkingOverdraftLimit: e.ACCOUNTS_CHECKING_OVERDRAFT_LIMIT,
      checkingMaxOverdraft: e.ACCOUNTS_CHECKING_MAX_OVERDRAFT,
    };
  },
);
export type AccountsConfig = ConfigOf<typeof accountsConfig>;
