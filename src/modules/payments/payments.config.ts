import { join } from 'node:path';
import { ConfigError, defineConfig, int, key32, type ConfigOf } from '@platform/config/config-slice';

/**
 * The payments context's settings (PAYMENTS_* variables), validated at boot by every
 * process that runs the context; a provider reads them with `@Inject(paymentsConfig.token)`.
 */
export const paymentsConfig = defineConfig(
  'payments',
  {
    PAYMENTS_PAGE_SIZE: int(1, 1000).default(50),
    // block "beneficiaries" (helper C)
    PAYMENTS_BENEFICIARY_KEY: key32.optional(),
  },
  (e, { env, dataDir }) => {
    if (env === 'production' && !e.PAYMENTS_BENEFICIARY_KEY) throw new ConfigError('Invalid configuration: PAYMENTS_BENEFICIARY_KEY is required in production');
    return {
      /** Items per page when the context lists its payments. */
      pageSize: e.PAYMENTS_PAGE_SIZE,
      beneficiaries: {
        env,
        /** Encrypts saved account numbers and IBANs (AES-256-GCM) and keys their lookup HMAC. Absent: see keyFile. */
        key: e.PAYMENTS_BENEFICIARY_KEY,
        /** Without a configured key: development keeps a generated one here; tests use a fixed, public one. */
        keyFile: join(dataDir, 'payments-beneficiary-key'),
      },
    };
  },
);
export type PaymentsConfig = ConfigOf<typeof paymentsConfig>;
