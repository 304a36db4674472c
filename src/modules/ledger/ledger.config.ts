import { defineConfig, int, type ConfigOf } from '@platform/config/config-slice';

/** The ledger context's settings (LEDGER_* variables). */
export const ledgerConfig = defineConfig('ledger', { LEDGER_COMMIT_CONCURRENCY: int(1, 16).default(2) }, (e) => ({
  /** Ledger batches one process commits at the same time (group commit pipelines). */
  commitConcurrency: e.LEDGER_COMMIT_CONCURRENCY,
}));
export type LedgerConfig = ConfigOf<typeof ledgerConfig>;
