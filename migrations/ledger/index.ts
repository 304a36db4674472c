import { LedgerSchema1763900100000 } from './1763900100000-ledger-schema';

/** The ledger context's migrations (schema `ledger`), named in its manifest. */
export const LEDGER_MIGRATIONS = [LedgerSchema1763900100000];
