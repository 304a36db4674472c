import { AccountsSchema1763900200000 } from './1763900200000-accounts-schema';
import { AccountClosures1763900200001 } from './1763900200001-account-closures';
import { StatementsAndInterest1763900200100 } from './1763900200100-statements-and-interest';

/** The accounts context's migrations (schema `accounts`), named in its manifest. */
export const ACCOUNTS_MIGRATIONS = [AccountsSchema1763900200000, AccountClosures1763900200001, StatementsAndInterest1763900200100];
